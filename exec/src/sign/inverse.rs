//! Field inversion for public values with few unpredictable branches: Pornin's optimised binary
//! GCD ("Optimized Binary GCD for Modular Inversion", 2020), 17 rounds of 31 branch-free steps
//! on 64-bit approximations of the operands.
//!
//! The Pedersen chain needs one inversion per hash (the affine x of the sum). lambdaworks'
//! binary extended Euclid takes ~4 µs and ~500 data-dependent branches; on fresh inputs half of
//! those mispredict. Every result here is checked with one multiplication, and the slow exact
//! inversion is used if the check ever fails, so correctness never depends on the fast path.
//!
//! Only for public data (Pedersen intermediates): its running time depends on the input.

use super::curve::{Fp, le_limbs};

/// Steps per round and rounds: `⌈(2·252 − 1) / 31⌉ = 17` rounds reduce any input to gcd 1.
const STEPS: u32 = 31;
const ROUNDS: usize = 17;

/// `2^-(31·17) mod p`: the scale the algorithm leaves on its result.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Inverter {
    unscale: Fp,
}

impl Inverter {
    pub(crate) fn new() -> Self {
        let scale = Fp::from(2u64).pow(u64::from(STEPS) * ROUNDS as u64);
        Self {
            unscale: scale
                .inv()
                .unwrap_or_else(|_| unreachable!("a power of two is invertible")),
        }
    }

    /// `1 / x`, or 0 for `x = 0`.
    pub(crate) fn invert(&self, x: &Fp) -> Fp {
        if *x == Fp::zero() {
            return Fp::zero();
        }
        let candidate = self.bingcd(x) * self.unscale;
        if candidate * x == Fp::one() {
            candidate
        } else {
            x.inv().unwrap_or_else(|_| Fp::zero())
        }
    }

    /// Returns `v` with `x · v ≡ 2^(31·17)` (mod p) when the rounds converge.
    fn bingcd(&self, x: &Fp) -> Fp {
        let mut a = le_limbs(x);
        let mut b = le_limbs(&-Fp::one());
        // b = p: -1 is p - 1 as an integer.
        b[0] += 1;
        let (mut u, mut v) = (Fp::one(), Fp::zero());
        for _ in 0..ROUNDS {
            let n = bit_len(&a).max(bit_len(&b)).max(64);
            let mut a_hat = approximate(&a, n);
            let mut b_hat = approximate(&b, n);
            let (mut f0, mut g0, mut f1, mut g1) = (1i64, 0i64, 0i64, 1i64);
            for _ in 0..STEPS {
                let odd = (a_hat & 1).wrapping_neg();
                let (_, borrow) = a_hat.overflowing_sub(b_hat);
                let swap = odd & u64::from(borrow).wrapping_neg();
                let t = (a_hat ^ b_hat) & swap;
                a_hat ^= t;
                b_hat ^= t;
                let s = swap as i64;
                let t = (f0 ^ f1) & s;
                f0 ^= t;
                f1 ^= t;
                let t = (g0 ^ g1) & s;
                g0 ^= t;
                g1 ^= t;
                a_hat = a_hat.wrapping_sub(b_hat & odd) >> 1;
                let o = odd as i64;
                f0 -= f1 & o;
                g0 -= g1 & o;
                f1 <<= 1;
                g1 <<= 1;
            }
            let (na, neg_a) = combine_shift(&a, f0, &b, g0);
            let (nb, neg_b) = combine_shift(&a, f1, &b, g1);
            let (f0, g0) = if neg_a { (-f0, -g0) } else { (f0, g0) };
            let (f1, g1) = if neg_b { (-f1, -g1) } else { (f1, g1) };
            (a, b) = (na, nb);
            (u, v) = (u * small(f0) + v * small(g0), u * small(f1) + v * small(g1));
        }
        v
    }
}

/// A small signed integer as a field element.
#[inline]
fn small(x: i64) -> Fp {
    let magnitude = Fp::from(x.unsigned_abs());
    if x < 0 { -magnitude } else { magnitude }
}

/// Number of significant bits of a little-endian 256-bit integer.
#[inline]
fn bit_len(x: &[u64; 4]) -> u32 {
    for i in (0..4).rev() {
        if x[i] != 0 {
            return 64 * i as u32 + 64 - x[i].leading_zeros();
        }
    }
    0
}

/// Low 31 bits of `x` plus its top 33 bits (below bit `n`) shifted up by 31.
#[inline]
fn approximate(x: &[u64; 4], n: u32) -> u64 {
    let low = x[0] & 0x7fff_ffff;
    let start = (n - 33) as usize;
    let (limb, shift) = (start / 64, start % 64);
    let mut top = x[limb] >> shift;
    if shift > 31 && limb + 1 < 4 {
        top |= x[limb + 1] << (64 - shift);
    }
    low | ((top & 0x1_ffff_ffff) << 31)
}

/// `|a·f + b·g| / 2^31` and whether `a·f + b·g` was negative (the division is exact).
#[inline]
fn combine_shift(a: &[u64; 4], f: i64, b: &[u64; 4], g: i64) -> ([u64; 4], bool) {
    let mut wide = [0u64; 5];
    let mut carry: i128 = 0;
    for i in 0..4 {
        let t = i128::from(a[i]) * i128::from(f) + i128::from(b[i]) * i128::from(g) + carry;
        wide[i] = t as u64;
        carry = t >> 64;
    }
    wide[4] = carry as u64;
    let negative = carry < 0;
    if negative {
        let mut add = 1u64;
        for w in &mut wide {
            let (sum, overflow) = (!*w).overflowing_add(add);
            *w = sum;
            add = u64::from(overflow);
        }
    }
    let mut out = [0u64; 4];
    for i in 0..4 {
        out[i] = (wide[i] >> STEPS) | (wide[i + 1] << (64 - STEPS));
    }
    (out, negative)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inverts_like_the_exact_algorithm() {
        let inverter = Inverter::new();
        let mut x = Fp::from(0x1234_5678_9abc_def1u64);
        let mut fast = 0;
        for i in 0..2000u64 {
            x = x * x + Fp::from(i);
            let inv = inverter.invert(&x);
            assert_eq!(inv, x.inv().unwrap());
            // Count how often the fast path alone was right (the fallback must stay rare).
            if inverter.bingcd(&x) * inverter.unscale == inv {
                fast += 1;
            }
        }
        assert_eq!(fast, 2000, "fast path failed {} times", 2000 - fast);
        for x in [Fp::one(), -Fp::one(), Fp::from(2u64), -Fp::from(2u64)] {
            assert_eq!(inverter.invert(&x), x.inv().unwrap());
        }
        assert_eq!(inverter.invert(&Fp::zero()), Fp::zero());
    }
}
