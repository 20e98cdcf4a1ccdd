//! STARK ECDSA signing on the fixed-base generator table, bit-identical to
//! `starknet_crypto::sign` with the SDK's RFC 6979 nonce (extra entropy 32).

use lambdaworks_math::cyclic_group::IsGroup;
use lambdaworks_math::field::element::FieldElement;
use lambdaworks_math::field::fields::montgomery_backed_prime_fields::{IsModulus, U256PrimeField};
use lambdaworks_math::unsigned_integer::element::U256;
use paradex_proto::typed_data::StarkSignature;
use starknet_crypto::{Felt, rfc6979_generate_k};

use super::curve::{FixedBaseTable, Point, affine_x, le_limbs, to_felt};
use super::error::{SignError, SignResult};

/// The order `n` of the Stark curve's generator.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CurveOrder;

impl IsModulus<U256> for CurveOrder {
    const MODULUS: U256 = U256::from_hex_unchecked(
        "0800000000000010ffffffffffffffffb781126dcae7b2321e66a241adc64d2f",
    );
}

/// An integer modulo the curve order.
pub(crate) type Scalar = FieldElement<U256PrimeField<CurveOrder>>;

/// Extra entropy the official SDK feeds RFC 6979 (`seed=32`).
const SDK_NONCE_SEED: Felt = Felt::from_hex_unchecked("0x20");

/// `r`, `s` and message hashes must be below 2^251; in big-endian limbs the top limb < 2^59.
fn below_2_251(be_limbs: &[u64; 4]) -> bool {
    be_limbs[0] >> 59 == 0
}

/// A felt (< n) as an integer modulo n.
pub(crate) fn scalar(felt: &Felt) -> Scalar {
    Scalar::new(U256::from_limbs(felt.to_be_digits()))
}

/// Signs `hash` with private key `d` (`d_n` is the same key modulo n).
pub(crate) fn sign(
    generator: &FixedBaseTable,
    d: &Felt,
    d_n: &Scalar,
    hash: &Felt,
) -> SignResult<StarkSignature> {
    if !below_2_251(&hash.to_be_digits()) {
        return Err(SignError::HashOutOfRange);
    }
    let k = rfc6979_generate_k(hash, d, Some(&SDK_NONCE_SEED));
    if k == Felt::ZERO {
        return Err(SignError::BadNonce);
    }
    let mut kg = Point::neutral_element();
    generator.accumulate(&mut kg, &le_limbs(&super::curve::to_fp(&k)), 0);
    let r = to_felt(&affine_x(&kg));
    if r == Felt::ZERO || !below_2_251(&r.to_be_digits()) {
        return Err(SignError::BadNonce);
    }
    let k_inv = scalar(&k).inv().map_err(|_| SignError::BadNonce)?;
    let s = k_inv * (scalar(hash) + scalar(&r) * d_n);
    let s_limbs = s.representative().limbs;
    if s == Scalar::zero() || !below_2_251(&s_limbs) {
        return Err(SignError::BadNonce);
    }
    let mut bytes = [0u8; 32];
    for (chunk, limb) in bytes.chunks_exact_mut(8).zip(s_limbs) {
        chunk.copy_from_slice(&limb.to_be_bytes());
    }
    Ok(StarkSignature {
        r,
        s: Felt::from_bytes_be(&bytes),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curve_order_matches_starknet_curve() {
        let n = starknet_curve::curve_params::EC_ORDER;
        assert_eq!(U256::from_limbs(n.to_be_digits()), CurveOrder::MODULUS);
    }
}
