//! Pedersen hash on fixed-base tables, with constant inputs folded in ahead of time.
//!
//! `h(a, b) = x(S + low(a)·P0 + high(a)·P1 + low(b)·P2 + high(b)·P3)` where `low` is the low 248
//! bits and `high` the top 4. When `a` (or `b`) is the same for many hashes (a market, a side, a
//! chain length, a type-hash seed), `S + low(a)·P0 + high(a)·P1` is one constant point: the hash
//! then costs only the other half.

use starknet_curve::curve_params::{
    PEDERSEN_P0, PEDERSEN_P1, PEDERSEN_P2, PEDERSEN_P3, SHIFT_POINT,
};

use super::curve::Point;
use super::curve::{Affine, FixedBaseTable, Fp, affine, from_affine, le_limbs, normalize};
use super::inverse::Inverter;

/// Bits of the low part of each Pedersen input.
const LOW_BITS: usize = 248;
/// Bits of the high part (felts have 252 bits).
const HIGH_BITS: usize = 4;
/// Window of the `low(a)·P0` table. A full-width first input is the common case (7 of the 9
/// hashes of an order chain it from the previous hash), so it gets the widest table:
/// 21 additions instead of 31, for 5.5 MB.
const A_LOW_WINDOW: usize = 12;
/// Window of the `low(b)·P2` table: once per order at full width (760 KB).
const B_LOW_WINDOW: usize = 8;

/// The shift point plus a constant half, in affine form.
#[derive(Debug, Clone)]
pub(crate) struct ConstHalf(Affine);

/// Fixed-base tables for the four Pedersen points.
#[derive(Debug)]
pub(crate) struct PedersenTables {
    shift: Affine,
    p0: FixedBaseTable,
    p1: FixedBaseTable,
    p2: FixedBaseTable,
    p3: FixedBaseTable,
    inverter: Inverter,
}

impl PedersenTables {
    /// Builds the four tables (a few MB; done once per process).
    pub(crate) fn new() -> Self {
        Self {
            shift: affine(&SHIFT_POINT),
            p0: FixedBaseTable::new(&from_affine(&PEDERSEN_P0), LOW_BITS, A_LOW_WINDOW),
            p1: FixedBaseTable::new(&from_affine(&PEDERSEN_P1), HIGH_BITS, HIGH_BITS),
            p2: FixedBaseTable::new(&from_affine(&PEDERSEN_P2), LOW_BITS, B_LOW_WINDOW),
            p3: FixedBaseTable::new(&from_affine(&PEDERSEN_P3), HIGH_BITS, HIGH_BITS),
            inverter: Inverter::new(),
        }
    }

    fn add_a(&self, acc: &mut Point, a: &Fp) {
        let limbs = le_limbs(a);
        self.p0.accumulate(acc, &limbs, 0);
        self.p1.accumulate(acc, &limbs, LOW_BITS);
    }

    fn add_b(&self, acc: &mut Point, b: &Fp) {
        let limbs = le_limbs(b);
        self.p2.accumulate(acc, &limbs, 0);
        self.p3.accumulate(acc, &limbs, LOW_BITS);
    }

    /// `h(a, b)` with both inputs variable.
    pub(crate) fn hash(&self, a: &Fp, b: &Fp) -> Fp {
        let mut acc = self.shift.to_point();
        self.add_a(&mut acc, a);
        self.add_b(&mut acc, b);
        self.affine_x(&acc)
    }

    /// Affine x of a Pedersen sum (public data: the fast inversion applies).
    fn affine_x(&self, p: &Point) -> Fp {
        p.x() * self.inverter.invert(p.z())
    }

    /// Precomputes the constant first input `a`.
    pub(crate) fn const_a(&self, a: &Fp) -> ConstHalf {
        let mut acc = self.shift.to_point();
        self.add_a(&mut acc, a);
        ConstHalf(normalize(&acc))
    }

    /// Precomputes the constant second input `b`.
    pub(crate) fn const_b(&self, b: &Fp) -> ConstHalf {
        let mut acc = self.shift.to_point();
        self.add_b(&mut acc, b);
        ConstHalf(normalize(&acc))
    }

    /// `h(a, b)` for a precomputed `a`.
    pub(crate) fn hash_const_a(&self, a: &ConstHalf, b: &Fp) -> Fp {
        let mut acc = a.0.to_point();
        self.add_b(&mut acc, b);
        self.affine_x(&acc)
    }

    /// `h(a, b)` for a precomputed `b`.
    pub(crate) fn hash_const_b(&self, a: &Fp, b: &ConstHalf) -> Fp {
        let mut acc = b.0.to_point();
        self.add_a(&mut acc, a);
        self.affine_x(&acc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sign::curve::{to_felt, to_fp};
    use starknet_crypto::{Felt, pedersen_hash};

    #[test]
    fn matches_starknet_crypto() {
        let tables = PedersenTables::new();
        let inputs = [
            Felt::ZERO,
            Felt::ONE,
            Felt::from(1_700_000_000_000u64),
            Felt::MAX,
            Felt::from_hex("0x3d937c035c878245caf64531a5756109c53068da139362728feb561405371cb")
                .unwrap(),
            Felt::from_hex("0x208a0a10250e382e1e4bbe2880906c2791bf6275695e02fbbc6aeff9cd8b31a")
                .unwrap(),
        ];
        for a in &inputs {
            for b in &inputs {
                let expected = pedersen_hash(a, b);
                let (fa, fb) = (to_fp(a), to_fp(b));
                assert_eq!(to_felt(&tables.hash(&fa, &fb)), expected);
                assert_eq!(
                    to_felt(&tables.hash_const_a(&tables.const_a(&fa), &fb)),
                    expected
                );
                assert_eq!(
                    to_felt(&tables.hash_const_b(&fa, &tables.const_b(&fb))),
                    expected
                );
            }
        }
    }
}
