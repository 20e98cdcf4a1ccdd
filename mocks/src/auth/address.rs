//! Starknet account address of a Paradex account from its public key (protocol.md §6.8):
//! the standard contract address of the Paraclear account proxy deployed with
//! `salt = public key` and calldata `[account class hash, selector("initialize"), 2, key, 0]`.

use paradex_proto::typed_data::{Felt, chain_hash, parse_felt, short_string, sn_keccak};

use super::error::{AuthError, AuthResult};

/// `2^251 − 256`: contract addresses are reduced below it.
const ADDRESS_BOUND: &str = "0x7ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff00";

/// The address Paradex derives for `public_key` with these class hashes.
///
/// # Errors
/// `PUBLIC_KEY_INVALID` / `INVALID_STARKNET_ADDRESS` for inputs that are not felts.
pub fn derive_account_address(
    public_key: &str,
    account_class_hash: &str,
    proxy_class_hash: &str,
) -> AuthResult<Felt> {
    let key = parse_felt(public_key).map_err(|_| AuthError::PublicKeyInvalid("not a felt"))?;
    let class = parse_felt(account_class_hash).map_err(|_| AuthError::InvalidAddress)?;
    let proxy = parse_felt(proxy_class_hash).map_err(|_| AuthError::InvalidAddress)?;
    let prefix =
        short_string("STARKNET_CONTRACT_ADDRESS").map_err(|_| AuthError::InvalidAddress)?;
    let calldata = chain_hash(&[
        class,
        sn_keccak(b"initialize"),
        Felt::from(2u8),
        key,
        Felt::ZERO,
    ]);
    let raw = chain_hash(&[prefix, Felt::ZERO, key, proxy, calldata]);
    let bound = parse_felt(ADDRESS_BOUND).map_err(|_| AuthError::InvalidAddress)?;
    // Big-endian bytes compare like the numbers; the hash is below 2·bound, so one
    // subtraction reduces it.
    Ok(if raw.to_bytes_be() >= bound.to_bytes_be() {
        raw - bound
    } else {
        raw
    })
}
