//! Felt encoding of typed-data values (revision-0 `parse_felt`) and the hash primitives.

use sha3::{Digest, Keccak256};
use starknet_crypto::{Felt, pedersen_hash};

use super::error::{TypedDataError, TypedDataResult};

/// Encodes a typed-data value as a felt, exactly as starknet-py's revision-0 `parse_felt`:
/// `0x…` is hex, an all-digit string is decimal, anything else is a Cairo short string
/// (`""` → 0).
///
/// # Errors
/// Malformed or out-of-field numbers, and short strings over 31 bytes or not ASCII.
pub fn parse_felt(value: &str) -> TypedDataResult<Felt> {
    if let Some(hex) = value.strip_prefix("0x") {
        parse_hex(hex).ok_or_else(|| TypedDataError::InvalidFelt(value.to_owned()))
    } else if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        parse_decimal(value).ok_or_else(|| TypedDataError::InvalidFelt(value.to_owned()))
    } else {
        short_string(value)
    }
}

/// Encodes an ASCII string of at most 31 bytes as a felt: its bytes read big-endian.
///
/// # Errors
/// Strings longer than 31 bytes or with non-ASCII characters.
pub fn short_string(value: &str) -> TypedDataResult<Felt> {
    if !value.is_ascii() {
        return Err(TypedDataError::ShortStringNotAscii);
    }
    if value.len() > 31 {
        return Err(TypedDataError::ShortStringTooLong { len: value.len() });
    }
    Ok(Felt::from_bytes_be_slice(value.as_bytes()))
}

/// StarkNet keccak: keccak256 of `bytes`, keeping the low 250 bits.
pub fn sn_keccak(bytes: &[u8]) -> Felt {
    let mut digest: [u8; 32] = Keccak256::digest(bytes).into();
    digest[0] &= 0x03;
    Felt::from_bytes_be(&digest)
}

/// Pedersen hash chain with the length hashed in: `h(h(…h(h(0, x1), x2)…, xn), n)`.
pub fn chain_hash(elements: &[Felt]) -> Felt {
    let folded = elements
        .iter()
        .fold(Felt::ZERO, |acc, x| pedersen_hash(&acc, x));
    pedersen_hash(&folded, &Felt::from(elements.len()))
}

/// Parses hex digits (no prefix) into a felt, refusing values ≥ the field prime.
fn parse_hex(hex: &str) -> Option<Felt> {
    if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let digits = hex.trim_start_matches('0');
    if digits.len() > 64 {
        return None;
    }
    let felt = Felt::from_hex(hex).ok()?;
    // `from_hex` reduces modulo the prime; a value that changed was out of the field.
    (format!("{felt:x}") == if digits.is_empty() { "0" } else { digits }.to_ascii_lowercase())
        .then_some(felt)
}

/// Parses decimal digits into a felt, refusing values ≥ the field prime.
fn parse_decimal(digits: &str) -> Option<Felt> {
    let significant = digits.trim_start_matches('0');
    if significant.is_empty() {
        return Some(Felt::ZERO);
    }
    if significant.len() > 77 {
        return None;
    }
    let felt = Felt::from_dec_str(significant).ok()?;
    (felt.to_string() == significant).then_some(felt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_felt_follows_the_sdk_rules() {
        assert_eq!(parse_felt("0x1f").unwrap(), Felt::from(31u8));
        assert_eq!(
            parse_felt("150000000000").unwrap(),
            Felt::from(150_000_000_000u64)
        );
        assert_eq!(parse_felt("").unwrap(), Felt::ZERO);
        assert_eq!(parse_felt("POST").unwrap(), Felt::from(0x504f_5354u32));
        assert_eq!(parse_felt("0X1").unwrap(), short_string("0X1").unwrap());
        assert_eq!(
            parse_felt("ETH-USD-PERP").unwrap(),
            Felt::from_hex("0x4554482d5553442d50455250").unwrap()
        );
    }

    #[test]
    fn parse_felt_rejects_bad_values() {
        assert!(parse_felt("0x").is_err());
        assert!(parse_felt("0xzz").is_err());
        let prime = "3618502788666131213697322783095070105623107215331596699973092056135872020481";
        assert!(parse_felt(prime).is_err());
        assert!(parse_felt(&format!("0x{}", "f".repeat(64))).is_err());
        assert!(parse_felt("a-string-that-is-way-longer-than-31-bytes").is_err());
        assert!(parse_felt("é").is_err());
        let below_prime =
            "3618502788666131213697322783095070105623107215331596699973092056135872020480";
        assert_eq!(parse_felt(below_prime).unwrap(), Felt::MAX);
    }

    #[test]
    fn sn_keccak_keeps_250_bits() {
        let h = sn_keccak(b"StarkNetDomain(name:felt,chainId:felt,version:felt)");
        assert_eq!(
            format!("{h:#x}"),
            "0x98d1932052fc5137543de5ed85b7a88555a4cd1ff5d5bfedb62ed9b9a1f0db"
        );
    }
}
