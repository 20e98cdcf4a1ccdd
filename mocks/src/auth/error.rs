//! Authentication failures, each with Paradex's error code and HTTP status.

use thiserror::Error;

/// Result of an authentication check.
pub type AuthResult<T> = Result<T, AuthError>;

/// Why a request was not authenticated. Messages never contain the token or a key.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AuthError {
    /// No `Authorization: Bearer …` header.
    #[error("invalid bearer jwt: missing value in request header")]
    MissingToken,
    /// Not a JWT we issued (bad shape or bad signature).
    #[error("invalid bearer jwt: {0}")]
    InvalidToken(&'static str),
    /// The JWT's `exp` has passed.
    #[error("invalid bearer jwt: token is expired")]
    ExpiredToken,
    /// A required `PARADEX-*` header is missing or unparsable.
    #[error("invalid request header: {0}")]
    BadHeader(String),
    /// The signature string is not `["r","s"]` of decimal felts.
    #[error("invalid starknet signature format")]
    MalformedSignature,
    /// The STARK signature does not verify against the account's key.
    #[error("starknet signature verification failed")]
    SignatureMismatch,
    /// The order signature does not verify.
    #[error("invalid order signature")]
    InvalidOrderSignature,
    /// Timestamps out of the accepted window.
    #[error("invalid timestamp: {0}")]
    InvalidTimestamp(String),
    /// Expiration before the timestamp or too far ahead.
    #[error("invalid signature expiration: {0}")]
    InvalidExpiration(String),
    /// The account never onboarded.
    #[error("User has never called /onboarding endpoint")]
    NotOnboarded,
    /// An address that is not a felt.
    #[error("invalid starknet address")]
    InvalidAddress,
    /// A public key that is not a felt, or that does not match the account.
    #[error("public key invalid: {0}")]
    PublicKeyInvalid(&'static str),
}

impl AuthError {
    /// Paradex's `error` code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::MissingToken | Self::InvalidToken(_) | Self::ExpiredToken => "INVALID_TOKEN",
            Self::BadHeader(_) => "INVALID_REQUEST_PARAMETER",
            Self::MalformedSignature => "INVALID_STARKNET_SIGNATURE",
            Self::SignatureMismatch => "STARKNET_SIGNATURE_VERIFICATION_FAILED",
            Self::InvalidOrderSignature => "INVALID_ORDER_SIGNATURE",
            Self::InvalidTimestamp(_) => "INVALID_TIMESTAMP",
            Self::InvalidExpiration(_) => "INVALID_SIGNATURE_EXPIRATION",
            Self::NotOnboarded => "NOT_ONBOARDED",
            Self::InvalidAddress => "INVALID_STARKNET_ADDRESS",
            Self::PublicKeyInvalid(_) => "PUBLIC_KEY_INVALID",
        }
    }

    /// HTTP status: 401 for token and auth-signature failures, 400 otherwise.
    #[must_use]
    pub fn http_status(&self) -> u16 {
        match self {
            Self::MissingToken
            | Self::InvalidToken(_)
            | Self::ExpiredToken
            | Self::SignatureMismatch
            | Self::NotOnboarded => 401,
            _ => 400,
        }
    }
}
