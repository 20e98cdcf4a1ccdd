//! Errors of the typed-data module.

/// Why a value could not become a felt, a message or a signature.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TypedDataError {
    /// A string longer than 31 bytes cannot be a Cairo short string.
    #[error("short string longer than 31 bytes ({len} bytes)")]
    ShortStringTooLong {
        /// Length of the rejected string in bytes.
        len: usize,
    },
    /// Cairo short strings are ASCII only.
    #[error("short string contains a non-ASCII character")]
    ShortStringNotAscii,
    /// A number does not fit in the field (≥ the Stark prime) or is malformed.
    #[error("not a valid field element: {0:?}")]
    InvalidFelt(String),
    /// A decimal amount is malformed, negative or too large.
    #[error("not a valid decimal amount: {0:?}")]
    InvalidDecimal(String),
    /// The signature is not the `["r","s"]` decimal wire form.
    #[error("malformed signature: {0}")]
    MalformedSignature(&'static str),
    /// The public key is not the x-coordinate of a curve point, or r/s are out of range.
    #[error("signature cannot be checked: {0}")]
    Unverifiable(&'static str),
}

/// Result alias of the typed-data module.
pub type TypedDataResult<T> = Result<T, TypedDataError>;
