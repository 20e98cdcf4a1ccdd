//! Paradex's ApiError body (`{error, message, data?}`) as an axum response.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::auth::AuthError;
use crate::exchange::ExchangeError;

/// Result of a REST handler.
pub type ApiResult<T> = Result<T, ApiError>;

/// An error response: status plus the ApiError JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Paradex error code (`INVALID_TOKEN`, `ORDER_ID_NOT_FOUND`, …).
    pub code: &'static str,
    /// Human-readable text.
    pub message: String,
}

#[derive(Serialize)]
struct ApiErrorBody<'a> {
    error: &'a str,
    message: &'a str,
}

impl ApiError {
    /// An error with an explicit status and code.
    #[must_use]
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400 `INVALID_REQUEST_PARAMETER`.
    #[must_use]
    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "INVALID_REQUEST_PARAMETER",
            message,
        )
    }

    /// 400 `BINDING_ERROR`: the body is not the JSON the endpoint expects.
    #[must_use]
    pub fn binding(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BINDING_ERROR", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ApiErrorBody {
            error: self.code,
            message: &self.message,
        };
        (self.status, Json(body)).into_response()
    }
}

impl From<ExchangeError> for ApiError {
    fn from(e: ExchangeError) -> Self {
        let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
        Self::new(status, e.code(), e.to_string())
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        let status = StatusCode::from_u16(e.http_status()).unwrap_or(StatusCode::UNAUTHORIZED);
        Self::new(status, e.code(), e.to_string())
    }
}
