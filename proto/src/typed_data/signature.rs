//! STARK signatures on the wire (`["r","s"]`, decimal felts) and their verification.

use starknet_crypto::{Felt, VerifyError, verify};

use super::error::{TypedDataError, TypedDataResult};

/// An ECDSA signature on the STARK curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StarkSignature {
    /// `x(k·G) mod n`.
    pub r: Felt,
    /// `k⁻¹(z + r·d) mod n`.
    pub s: Felt,
}

impl StarkSignature {
    /// The wire form: the JSON text `["<r decimal>","<s decimal>"]` with no spaces, as the
    /// official SDK sends it (order body field `signature`, header `PARADEX-STARKNET-SIGNATURE`).
    pub fn to_wire(&self) -> String {
        format!("[\"{}\",\"{}\"]", self.r, self.s)
    }

    /// Parses the wire form. Whitespace around the elements is tolerated; each element must be a
    /// quoted decimal (or `0x` hex) felt.
    ///
    /// # Errors
    /// Anything that is not a two-element array of quoted numbers below the field prime.
    pub fn from_wire(wire: &str) -> TypedDataResult<Self> {
        let inner = wire
            .trim()
            .strip_prefix('[')
            .and_then(|s| s.strip_suffix(']'))
            .ok_or(TypedDataError::MalformedSignature("not a JSON array"))?;
        let mut parts = inner.split(',');
        let (Some(r), Some(s), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(TypedDataError::MalformedSignature(
                "expected exactly two elements",
            ));
        };
        Ok(Self {
            r: parse_element(r)?,
            s: parse_element(s)?,
        })
    }
}

/// One quoted number of the wire array.
fn parse_element(element: &str) -> TypedDataResult<Felt> {
    let digits = element
        .trim()
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .ok_or(TypedDataError::MalformedSignature(
            "element is not a quoted string",
        ))?;
    let is_number = digits.strip_prefix("0x").map_or_else(
        || !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()),
        |hex| !hex.is_empty() && hex.bytes().all(|b| b.is_ascii_hexdigit()),
    );
    if !is_number {
        return Err(TypedDataError::MalformedSignature(
            "element is not a number",
        ));
    }
    super::felt::parse_felt(digits)
        .map_err(|_| TypedDataError::MalformedSignature("element out of range"))
}

/// Checks `signature` over `message_hash` against the STARK `public_key` (x-coordinate).
///
/// Returns `Ok(false)` for a well-formed signature that does not match.
///
/// # Errors
/// A public key that is not on the curve, or r, s or the hash out of range.
pub fn verify_signature(
    public_key: Felt,
    message_hash: Felt,
    signature: &StarkSignature,
) -> TypedDataResult<bool> {
    verify(&public_key, &message_hash, &signature.r, &signature.s).map_err(|e| {
        TypedDataError::Unverifiable(match e {
            VerifyError::InvalidPublicKey => "public key is not on the curve",
            VerifyError::InvalidMessageHash => "message hash out of range",
            VerifyError::InvalidR => "r out of range",
            VerifyError::InvalidS => "s out of range",
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_round_trip() {
        let sig = StarkSignature {
            r: Felt::from(12345u32),
            s: Felt::from(678u32),
        };
        assert_eq!(sig.to_wire(), r#"["12345","678"]"#);
        assert_eq!(StarkSignature::from_wire(&sig.to_wire()).unwrap(), sig);
        assert_eq!(
            StarkSignature::from_wire(r#"[ "12345" , "678" ]"#).unwrap(),
            sig
        );
    }

    #[test]
    fn malformed_wire_is_rejected() {
        for bad in [
            "",
            "[]",
            r#"["1"]"#,
            r#"["1","2","3"]"#,
            r#"[1,2]"#,
            r#"["1","abc"]"#,
            r#"["","2"]"#,
            r#""1","2""#,
            r#"["-1","2"]"#,
            r#"["3618502788666131213697322783095070105623107215331596699973092056135872020481","2"]"#,
        ] {
            assert!(StarkSignature::from_wire(bad).is_err(), "{bad:?} accepted");
        }
    }
}
