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

/// Narrowest window any table uses (bounds the per-scalar digit buffer).
const MIN_WINDOW_BITS: usize = 4;

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

/// The affine form of `starknet-curve`'s constants.
pub(crate) fn affine(p: &AffinePoint) -> Affine {
    Affine {
        x: to_fp(&p.x()),
        y: to_fp(&p.y()),
    }
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

/// An affine point, one cache line: what the tables store.
#[derive(Debug, Clone, Copy)]
#[repr(align(64))]
pub(crate) struct Affine {
    x: Fp,
    y: Fp,
}

impl Affine {
    /// The accumulator that starts at this point.
    pub(crate) fn to_point(self) -> Point {
        Point::new_unchecked([self.x, self.y, Fp::one()])
    }
}

/// `acc + q` for a projective `acc` and an affine `q` (madd-1998-cmo: 9M + 2S).
#[inline]
fn add_affine(acc: &Point, q: &Affine) -> Point {
    let [px, py, pz] = acc.coordinates();
    if *pz == Fp::zero() {
        return q.to_point();
    }
    let u = q.y * pz - py;
    let v = q.x * pz - px;
    if v == Fp::zero() {
        // Same x: either the same point (double) or its negation (identity). Reached only
        // with probability ~2^-250 for hash and nonce inputs, but handled exactly.
        return if u == Fp::zero() {
            acc.double()
        } else {
            Point::neutral_element()
        };
    }
    let vv = v.square();
    let uu = u.square();
    let vvv = v * vv;
    let r = vv * px;
    let a = uu * pz - vvv - r.double();
    let x = v * a;
    let y = u * (r - a) - vvv * py;
    let z = vvv * pz;
    Point::new_unchecked([x, y, z])
}

/// Multiples of one base point for `bit_len`-bit scalars.
#[derive(Debug)]
pub(crate) struct FixedBaseTable {
    /// `windows × digits` affine points; entry `i·digits + j−1` is `j · 2^(w·i) · P`.
    points: Vec<Affine>,
    window_bits: usize,
    /// `2^w − 1`: the non-zero digits of a window.
    digits: usize,
    windows: usize,
    bit_len: usize,
}

/// The most windows any table has (252-bit scalars at the narrowest window).
const MAX_WINDOWS: usize = 252usize.div_ceil(MIN_WINDOW_BITS);

impl FixedBaseTable {
    /// Builds the table of `base` for scalars of `bit_len` bits (at most 252) with
    /// `window_bits`-bit windows (4..=16): `⌈bit_len / w⌉` additions per multiple, and
    /// `⌈bit_len / w⌉ · (2^w − 1) · 64` bytes.
    pub(crate) fn new(base: &Point, bit_len: usize, window_bits: usize) -> Self {
        assert!(
            (MIN_WINDOW_BITS..=16).contains(&window_bits) && bit_len <= 252,
            "table shape"
        );
        let windows = bit_len.div_ceil(window_bits);
        let digits = (1usize << window_bits) - 1;
        let mut window_base = base.clone();
        let mut projective = Vec::with_capacity(windows * digits);
        for _ in 0..windows {
            let mut multiple = window_base.clone();
            for _ in 0..digits {
                projective.push(multiple.clone());
                multiple = multiple.operate_with(&window_base);
            }
            // `multiple` is now 2^w · window_base: the base of the next window.
            window_base = multiple;
        }
        Self {
            points: batch_normalize(&projective),
            window_bits,
            digits,
            windows,
            bit_len,
        }
    }

    /// Adds `scalar · base` to `acc`, where the scalar is bits `shift .. shift + bit_len` of
    /// the little-endian `limbs`.
    #[inline]
    pub(crate) fn accumulate(&self, acc: &mut Point, limbs: &[u64; 4], shift: usize) {
        let shifted = shift_right(limbs, shift);
        let mut entries = [0usize; MAX_WINDOWS];
        let mut count = 0;
        for i in 0..self.windows {
            let d = digit(&shifted, i, self.window_bits, self.bit_len);
            if d != 0 {
                entries[count] = i * self.digits + d - 1;
                count += 1;
            }
        }
        // Touch every entry first: the loads are independent, so their cache misses overlap
        // instead of stalling one addition after another.
        let touched = entries[..count]
            .iter()
            .fold(0u64, |t, &e| t ^ self.points[e].x.value().limbs[0]);
        std::hint::black_box(touched);
        for &e in &entries[..count] {
            *acc = add_affine(acc, &self.points[e]);
        }
    }
}

/// `w`-bit digit `index` of `limbs`, restricted to bits below `bit_len`.
#[inline]
fn digit(limbs: &[u64; 4], index: usize, window_bits: usize, bit_len: usize) -> usize {
    let lo = index * window_bits;
    let hi = (lo + window_bits).min(bit_len);
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

/// `limbs >> shift` (only the Pedersen high nibble at bit 248 needs a non-zero shift).
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

/// Converts points to affine with a single inversion (Montgomery's trick).
pub(crate) fn batch_normalize(points: &[Point]) -> Vec<Affine> {
    let mut prefix = Vec::with_capacity(points.len());
    let mut running = Fp::one();
    for p in points {
        prefix.push(running);
        running *= p.z();
    }
    let mut inv = running
        .inv()
        .unwrap_or_else(|_| unreachable!("table points are never the identity"));
    let mut out = vec![
        Affine {
            x: Fp::zero(),
            y: Fp::zero()
        };
        points.len()
    ];
    for (i, p) in points.iter().enumerate().rev() {
        let z_inv = inv * prefix[i];
        inv *= p.z();
        out[i] = Affine {
            x: p.x() * z_inv,
            y: p.y() * z_inv,
        };
    }
    out
}

/// One point to affine form.
pub(crate) fn normalize(p: &Point) -> Affine {
    batch_normalize(std::slice::from_ref(p))[0]
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambdaworks_math::elliptic_curve::traits::IsEllipticCurve;

    #[test]
    fn table_multiple_matches_double_and_add() {
        let g = StarkCurve::generator();
        let table = FixedBaseTable::new(&g, 252, 8);
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
