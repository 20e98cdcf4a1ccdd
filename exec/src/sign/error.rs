//! Errors of the signing module.

/// Why a message could not be signed or a key loaded. Never carries key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    /// The private key is not a number in `[1, n)` (n = the Stark curve order).
    #[error("invalid private key (not a number in [1, curve order))")]
    InvalidPrivateKey,
    /// The message hash is ≥ 2^251 (cannot happen for Pedersen outputs of valid messages).
    #[error("message hash out of range")]
    HashOutOfRange,
    /// The deterministic nonce produced r or s out of range (probability ≈ 2^-128).
    #[error("nonce gave an out-of-range signature")]
    BadNonce,
    /// Sizes and prices are signed as non-negative integers.
    #[error("negative amount {0} cannot be signed")]
    NegativeAmount(i64),
    /// The message could not be encoded (market or type not a short string, bad order id, …).
    #[error(transparent)]
    Message(#[from] paradex_proto::typed_data::TypedDataError),
}

/// Result alias of the signing module.
pub type SignResult<T> = Result<T, SignError>;
