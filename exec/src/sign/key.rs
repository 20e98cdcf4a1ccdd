//! The STARK private key: validated, wiped on drop, never printed.

use std::fmt;

use paradex_proto::typed_data::parse_felt;
use starknet_crypto::Felt;

use super::ecdsa::{Scalar, scalar};
use super::error::{SignError, SignResult};

/// A STARK private key `d ∈ [1, n)`. `Debug` prints `PrivateKey(<redacted>)`; dropping the key
/// overwrites it. (Copies the arithmetic makes on the stack while signing are not scrubbed.)
pub struct PrivateKey {
    d: Felt,
    d_n: Scalar,
}

impl PrivateKey {
    /// Parses a `0x…` hex (or decimal) key.
    ///
    /// # Errors
    /// [`SignError::InvalidPrivateKey`] for anything that is not a number in `[1, n)`; the
    /// error never contains the input.
    pub fn from_str_secret(secret: &str) -> SignResult<Self> {
        let is_number = secret.strip_prefix("0x").map_or(
            !secret.is_empty() && secret.bytes().all(|b| b.is_ascii_digit()),
            |h| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit()),
        );
        if !is_number {
            return Err(SignError::InvalidPrivateKey);
        }
        Self::from_felt(parse_felt(secret).map_err(|_| SignError::InvalidPrivateKey)?)
    }

    /// Wraps a key felt.
    ///
    /// # Errors
    /// [`SignError::InvalidPrivateKey`] unless `1 ≤ d < n`.
    pub fn from_felt(d: Felt) -> SignResult<Self> {
        let n = starknet_curve::curve_params::EC_ORDER;
        if d == Felt::ZERO || d.to_be_digits() >= n.to_be_digits() {
            return Err(SignError::InvalidPrivateKey);
        }
        Ok(Self { d, d_n: scalar(&d) })
    }

    /// The public key: x-coordinate of `d·G`.
    pub fn public_key(&self) -> Felt {
        starknet_crypto::get_public_key(&self.d)
    }

    pub(crate) fn felt(&self) -> &Felt {
        &self.d
    }

    pub(crate) fn scalar(&self) -> &Scalar {
        &self.d_n
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PrivateKey(<redacted>)")
    }
}

impl Drop for PrivateKey {
    fn drop(&mut self) {
        self.d = Felt::ZERO;
        self.d_n = Scalar::zero();
        // Keeps the two stores from being optimised away as dead.
        std::hint::black_box(&self.d);
        std::hint::black_box(&self.d_n);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_redacts_and_bad_keys_are_rejected() {
        let key = PrivateKey::from_str_secret("0x1234567890abcdef").unwrap();
        assert_eq!(format!("{key:?}"), "PrivateKey(<redacted>)");
        let n = starknet_curve::curve_params::EC_ORDER;
        for bad in [
            "",
            "0x",
            "0",
            "0x0",
            "xyz",
            "-1",
            &format!("{n:#x}"),
            "0x800000000000011000000000000000000000000000000000000000000000001",
        ] {
            let err = PrivateKey::from_str_secret(bad).unwrap_err();
            assert_eq!(err, SignError::InvalidPrivateKey, "{bad}");
            assert!(!err.to_string().contains(bad) || bad.is_empty());
        }
        assert!(PrivateKey::from_felt(n - Felt::ONE).is_ok());
    }
}
