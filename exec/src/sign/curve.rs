//! Stark-curve arithmetic for the fast signer: fixed-base window tables and felt conversions.
//!
//! A fixed-base table for a point `P` holds `j · 2^(w·i) · P` for every window `i` and digit
//! `1 ≤ j < 2^w`, in affine form, so a scalar multiple costs one mixed addition per non-zero
//! `w`-bit digit and no doubling at all (generic double-and-add needs ~250 doublings and ~125
//! additions).

use lambdaworks_math::cyclic_group::IsGroup;
use lambdaworks_math::elliptic_curve::short_weierstrass::curves::stark_curve::StarkCurve;
use lambdaworks_math::elliptic_curve::short_weierstrass::point::ShortWeierstrassProjectivePoint;
use lambdaworks_math::field::element::FieldElement;
use lambdaworks_math::field::fields::fft_friendly::stark_252_prime_field::Stark252PrimeField;
use lambdaworks_math::unsigned_integer::element::UnsignedInteger;
use starknet_crypto::Felt;
use starknet_types_core::curve::AffinePoint;

/// An element of the Stark base field (Montgomery form).
pub(crate) type Fp = FieldElement<Stark252PrimeField>;
/// A point in projective coordinates; table entries are kept with `z = 1`.
pub(crate) type Point = ShortWeierstrassProjectivePoint<StarkCurve>;

/// Window width in bits. 8 gives 31–32 additions per 248/252-bit scalar and ~760 KB per table.
pub(crate) const WINDOW_BITS: usize = 8;
const DIGITS: usize = (1 << WINDOW_BITS) - 1;

/// Reinterprets a felt as a lambdaworks field element (both hold the same Montgomery limbs).
pub(crate) fn to_fp(felt: &Felt) -> Fp {
    Fp::const_from_raw(UnsignedInteger::from_limbs(felt.to_raw()))
}

/// The inverse of [`to_fp`].
pub(crate) fn to_felt(fp: &Fp) -> Felt {
    Felt::from_raw(fp.value().limbs)
}

/// Affine curve point from `starknet-curve`'s constants.
pub(crate) fn from_affine(p: &AffinePoint) -> Point {
    Point::new([to_fp(&p.x()), to_fp(&p.y()), Fp::one()])
        .unwrap_or_else(|_| unreachable!("starknet-curve constants are on the curve"))
}

/// The canonical integer of a field element as little-endian 64-bit limbs.
pub(crate) fn le_limbs(fp: &Fp) -> [u64; 4] {
    let mut limbs = fp.representative().limbs;
    limbs.reverse();
    limbs
}

/// Affine x-coordinate of a projective point (one field inversion).
pub(crate) fn affine_x(p: &Point) -> Fp {
    // Every point we normalise is a Pedersen or ECDSA result: never the identity.
    let z_inv = p.z().inv().unwrap_or_else(|_| Fp::zero());
    p.x() * z_inv
}

/// `w`-bit digit `index` of `limbs`, restricted to bits below `bit_len`.
#[inline]
fn digit(limbs: &[u64; 4], index: usize, bit_len: usize) -> usize {
    let lo = index * WINDOW_BITS;
    let hi = (lo + WINDOW_BITS).min(bit_len);
    if lo >= hi {
        return 0;
    }
    let (limb, shift) = (lo / 64, lo % 64);
    let mut bits = limbs[limb] >> shift;
    if shift + (hi - lo) > 64 && limb + 1 < 4 {
        bits |= limbs[limb + 1] << (64 - shift);
    }
    (bits & ((1u64 << (hi - lo)) - 1)) as usize
}

/// Multiples of one base point for `bit_len`-bit scalars starting at bit `offset`.
#[derive(Debug)]
pub(crate) struct FixedBaseTable {
    /// `windows × DIGITS` affine points; entry `i·DIGITS + j−1` is `j · 2^(w·i + offset) · P`.
    points: Vec<Point>,
    windows: usize,
    bit_len: usize,
}

impl FixedBaseTable {
    /// Builds the table of `base · 2^offset` for scalars of `bit_len` bits.
    pub(crate) fn new(base: &Point, offset: usize, bit_len: usize) -> Self {
        let windows = bit_len.div_ceil(WINDOW_BITS);
        let mut window_base = base.clone();
        for _ in 0..offset {
            window_base = window_base.double();
        }
        let mut projective = Vec::with_capacity(windows * DIGITS);
        for _ in 0..windows {
            let mut multiple = window_base.clone();
            for _ in 0..DIGITS {
                projective.push(multiple.clone());
                multiple = multiple.operate_with(&window_base);
            }
            // `multiple` is now 2^w · window_base: the base of the next window.
            window_base = multiple;
        }
        Self {
            points: batch_normalize(&projective),
            windows,
            bit_len,
        }
    }

    /// Adds `scalar · base` (scalar bits `offset .. offset + bit_len` of `limbs`) to `acc`.
    #[inline]
    pub(crate) fn accumulate(&self, acc: &mut Point, limbs: &[u64; 4], offset_shift: usize) {
        let shifted = shift_right(limbs, offset_shift);
        for i in 0..self.windows {
            let d = digit(&shifted, i, self.bit_len);
            if d != 0 {
                *acc = acc.operate_with_affine(&self.points[i * DIGITS + d - 1]);
            }
        }
    }
}

/// `limbs >> shift` for `shift < 64` (only the Pedersen high nibble at bit 248 needs it).
#[inline]
fn shift_right(limbs: &[u64; 4], shift: usize) -> [u64; 4] {
    if shift == 0 {
        return *limbs;
    }
    let (whole, bits) = (shift / 64, shift % 64);
    let mut out = [0u64; 4];
    for i in 0..4 - whole {
        let lo = limbs[i + whole] >> bits;
        let hi = if bits > 0 && i + whole + 1 < 4 {
            limbs[i + whole + 1] << (64 - bits)
        } else {
            0
        };
        out[i] = lo | hi;
    }
    out
}

/// Converts points to affine (`z = 1`) with a single inversion (Montgomery's trick).
pub(crate) fn batch_normalize(points: &[Point]) -> Vec<Point> {
    let mut prefix = Vec::with_capacity(points.len());
    let mut running = Fp::one();
    for p in points {
        prefix.push(running);
        running *= p.z();
    }
    let mut inv = running
        .inv()
        .unwrap_or_else(|_| unreachable!("table points are never the identity"));
    let mut out = vec![Point::neutral_element(); points.len()];
    for (i, p) in points.iter().enumerate().rev() {
        let z_inv = inv * prefix[i];
        inv *= p.z();
        out[i] = Point::new([p.x() * z_inv, p.y() * z_inv, Fp::one()])
            .unwrap_or_else(|_| unreachable!("normalising keeps points on the curve"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambdaworks_math::elliptic_curve::traits::IsEllipticCurve;

    #[test]
    fn table_multiple_matches_double_and_add() {
        let g = StarkCurve::generator();
        let table = FixedBaseTable::new(&g, 0, 252);
        let scalar =
            Felt::from_hex("0x62d42d95f431b2d2742f3d0c183e8b069cdff56098767b6f8c206fbba8ce236")
                .unwrap();
        let mut acc = Point::neutral_element();
        table.accumulate(&mut acc, &le_limbs(&to_fp(&scalar)), 0);
        let expected = g.operate_with_self(scalar.to_biguint().to_u64_digits().iter().rev().fold(
            lambdaworks_math::unsigned_integer::element::U256::from_u64(0),
            |acc, d| (acc << 64) + lambdaworks_math::unsigned_integer::element::U256::from_u64(*d),
        ));
        assert_eq!(acc.to_affine(), expected.to_affine());
    }

    #[test]
    fn felt_conversions_round_trip() {
        let f = Felt::from_hex("0x1234567890abcdef").unwrap();
        assert_eq!(to_felt(&to_fp(&f)), f);
        assert_eq!(le_limbs(&to_fp(&f)), [0x1234567890abcdef, 0, 0, 0]);
    }
}
