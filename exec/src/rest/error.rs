//! Errors of the REST client.

use std::time::Duration;

use crate::sign::SignError;

/// A failed REST call. Never contains the JWT or the private key.
#[derive(Debug, thiserror::Error)]
pub enum RestError {
    /// No response within the timeout: the request may or may not have been executed.
    #[error("request timed out after {0:?}")]
    Timeout(Duration),
    /// Connection-level failure (refused, reset, TLS).
    #[error("transport error: {0}")]
    Transport(String),
    /// 429 after the allowed retries.
    #[error("rate limited (429)")]
    RateLimited,
    /// The exchange answered with an error status and (usually) an ApiError body.
    #[error("HTTP {status}: {code} {message}")]
    Api {
        /// HTTP status.
        status: u16,
        /// ApiError `error` code (e.g. `ORDER_ID_NOT_FOUND`), or `""`.
        code: String,
        /// ApiError `message`.
        message: String,
    },
    /// A body that does not match the model.
    #[error("cannot decode {what}: {detail}")]
    Decode {
        /// Which response.
        what: &'static str,
        /// What was wrong.
        detail: String,
    },
    /// Signing failed (bad key, bad order fields).
    #[error(transparent)]
    Sign(#[from] SignError),
    /// Bad client configuration (URL, order fields).
    #[error("invalid request: {0}")]
    Invalid(String),
}

impl RestError {
    /// Whether repeating the same request may succeed (timeouts, transport errors, 429, 5xx).
    /// Whether it is *safe* to repeat is the caller's decision (see `RestClient`).
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Timeout(_) | Self::Transport(_) | Self::RateLimited => true,
            Self::Api { status, .. } => *status == 429 || *status >= 500,
            _ => false,
        }
    }

    /// The ApiError code, if the exchange sent one.
    pub fn api_code(&self) -> Option<&str> {
        match self {
            Self::Api { code, .. } if !code.is_empty() => Some(code),
            _ => None,
        }
    }
}

/// Result alias of the REST client.
pub type RestResult<T> = Result<T, RestError>;
