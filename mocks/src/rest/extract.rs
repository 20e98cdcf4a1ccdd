//! Request plumbing: the bearer-token extractor, query maps and JSON bodies that fail with
//! Paradex's error body instead of axum's plain text.

use std::collections::HashMap;

use axum::extract::{FromRequestParts, Query};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::RestState;
use super::error::{ApiError, ApiResult};
use crate::auth::AuthError;

/// The account behind a valid `Authorization: Bearer <JWT>`.
#[derive(Debug, Clone)]
pub struct Authenticated(pub String);

impl FromRequestParts<RestState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &RestState,
    ) -> Result<Self, Self::Rejection> {
        let value = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .ok_or(AuthError::MissingToken)?;
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .ok_or(AuthError::InvalidToken("expected a Bearer token"))?;
        let account = state.auth.verify_bearer(token.trim())?;
        if !state.exchange.has_account(&account) {
            return Err(AuthError::NotOnboarded.into());
        }
        Ok(Self(account))
    }
}

/// The query string as a map (repeated keys keep the last value).
pub type QueryMap = Query<HashMap<String, String>>;

/// Decodes a JSON body, mapping failures to 400 `BINDING_ERROR`.
pub fn json_body<T: DeserializeOwned>(body: &[u8]) -> ApiResult<T> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::binding(format!("invalid request body: {e}")))
}

/// A required query parameter.
pub fn required<'a>(query: &'a HashMap<String, String>, name: &str) -> ApiResult<&'a str> {
    query
        .get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ApiError::invalid_parameter(format!("{name} is required")))
}
