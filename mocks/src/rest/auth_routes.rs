//! Onboarding and JWT issue: `GET/POST /v1/onboarding`, `POST /v1/auth[/{public_key}]`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use serde::Deserialize;
use serde_json::{Value, json};

use super::RestState;
use super::error::ApiResult;
use super::extract::{QueryMap, json_body, required};
use super::public::{ACCOUNT_CLASS_HASH, ACCOUNT_PROXY_CLASS_HASH};
use crate::auth::{AuthError, AuthService, derive_account_address, unix_now_secs};
use crate::exchange::normalize_address;

const ACCOUNT_HEADER: &str = "paradex-starknet-account";
const SIGNATURE_HEADER: &str = "paradex-starknet-signature";
const TIMESTAMP_HEADER: &str = "paradex-timestamp";
const EXPIRATION_HEADER: &str = "paradex-signature-expiration";

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Result<&'a str, AuthError> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .ok_or_else(|| AuthError::BadHeader(format!("missing {}", name.to_ascii_uppercase())))
}

fn seconds_header(headers: &HeaderMap, name: &str) -> Result<Option<u64>, AuthError> {
    match headers.get(name) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .map(Some)
            .ok_or_else(|| {
                AuthError::BadHeader(format!(
                    "{} must be unix seconds",
                    name.to_ascii_uppercase()
                ))
            }),
    }
}

fn derived_address(public_key: &str) -> Result<String, AuthError> {
    let felt = derive_account_address(public_key, ACCOUNT_CLASS_HASH, ACCOUNT_PROXY_CLASS_HASH)?;
    Ok(format!("{felt:#x}"))
}

/// `GET /onboarding?account_signer_type=starknet&public_key=0x…`.
pub async fn onboarding_get(
    State(state): State<RestState>,
    query: QueryMap,
) -> ApiResult<Json<Value>> {
    let public_key = required(&query, "public_key")?;
    let signer = query
        .get("account_signer_type")
        .map_or("starknet", String::as_str);
    let known = state.exchange.address_of_public_key(public_key);
    let address = match &known {
        Some(address) => address.clone(),
        None => derived_address(public_key)?,
    };
    Ok(Json(json!({
        "account_signer_type": signer,
        "address": address,
        "exists": known.is_some(),
        "derivation_info": {
            "class_hash": ACCOUNT_CLASS_HASH,
            "proxy_class_hash": ACCOUNT_PROXY_CLASS_HASH,
        }
    })))
}

#[derive(Deserialize)]
struct OnboardingBody {
    public_key: String,
}

/// `POST /onboarding`: checks `Constant{action:"Onboarding"}` signed by the body's key over the
/// header's account, and that the account is the key's derived address. Idempotent; 200, empty.
pub async fn onboarding_post(
    State(state): State<RestState>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<()> {
    let body: OnboardingBody = json_body(&body)?;
    let account = header(&headers, ACCOUNT_HEADER)?;
    let signature = header(&headers, SIGNATURE_HEADER)?;
    if normalize_address(&derived_address(&body.public_key)?) != normalize_address(account) {
        return Err(AuthError::InvalidAddress.into());
    }
    state
        .auth
        .verify_onboarding_signature(account, &body.public_key, signature)?;
    state.exchange.onboard(account, &body.public_key);
    Ok(())
}

/// `POST /auth`.
pub async fn auth(State(state): State<RestState>, headers: HeaderMap) -> ApiResult<Json<Value>> {
    issue(&state, &headers, None)
}

/// `POST /auth/{public_key}` (the SDK's form; the key must be the account's).
pub async fn auth_with_key(
    State(state): State<RestState>,
    Path(public_key): Path<String>,
    headers: HeaderMap,
) -> ApiResult<Json<Value>> {
    issue(&state, &headers, Some(&public_key))
}

fn issue(state: &RestState, headers: &HeaderMap, path_key: Option<&str>) -> ApiResult<Json<Value>> {
    let account = header(headers, ACCOUNT_HEADER)?;
    let signature = header(headers, SIGNATURE_HEADER)?;
    let timestamp = seconds_header(headers, TIMESTAMP_HEADER)?
        .ok_or_else(|| AuthError::BadHeader("missing PARADEX-TIMESTAMP".to_owned()))?;
    let expiration = seconds_header(headers, EXPIRATION_HEADER)?;
    let public_key = state
        .exchange
        .public_key_of(account)
        .ok_or(AuthError::NotOnboarded)?;
    if let Some(key) = path_key
        && normalize_address(key) != public_key
    {
        return Err(AuthError::PublicKeyInvalid("not the account's key").into());
    }
    let expiration = AuthService::check_auth_window(timestamp, expiration, unix_now_secs())?;
    state
        .auth
        .verify_auth_signature(account, &public_key, signature, timestamp, expiration)?;
    Ok(Json(
        json!({ "jwt_token": state.auth.issue_token(account) }),
    ))
}
