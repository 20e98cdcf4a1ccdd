//! JSON-RPC 2.0 framing: requests in, responses and errors out, with Paradex's `usIn` /
//! `usOut` / `usDiff` timing fields.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Invalid JSON.
pub const PARSE_ERROR: i64 = -32700;
/// Not a request, or a bad channel.
pub const INVALID_REQUEST: i64 = -32600;
/// Unknown method.
pub const METHOD_NOT_FOUND: i64 = -32601;
/// Missing or wrong params.
pub const INVALID_PARAMS: i64 = -32602;
/// Bearer token that is not a JWT.
pub const MALFORMED_BEARER: i64 = 40110;
/// Bearer token that does not verify (bad signature, expired, unknown account).
pub const INVALID_BEARER: i64 = 40111;
/// A private channel before `auth`.
pub const NOT_AUTHENTICATED: i64 = 40300;

/// One request as the client sent it.
#[derive(Debug, Deserialize)]
pub struct Request {
    /// Must be "2.0".
    #[serde(default)]
    pub jsonrpc: Option<String>,
    /// Echoed verbatim in the response (the SDK uses integers).
    #[serde(default)]
    pub id: Value,
    /// `auth`, `subscribe`, `unsubscribe`.
    pub method: String,
    /// Method parameters.
    #[serde(default)]
    pub params: Value,
}

/// `subscribe` / `unsubscribe` parameters.
#[derive(Debug, Deserialize)]
pub struct ChannelParams {
    /// The channel name.
    pub channel: String,
    /// Scoped `markets_summary` markets.
    #[serde(default)]
    pub markets: Option<Vec<String>>,
}

/// `modify_subscription` parameters (scoped `markets_summary`).
#[derive(Debug, Deserialize)]
pub struct ModifyParams {
    /// The subscribed channel (`markets_summary`).
    pub channel: String,
    /// Markets to add.
    #[serde(default)]
    pub add: Vec<String>,
    /// Markets to remove.
    #[serde(default)]
    pub remove: Vec<String>,
}

/// `auth` parameters.
#[derive(Debug, Deserialize)]
pub struct AuthParams {
    /// The JWT.
    pub bearer: String,
}

/// An error object.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RpcError {
    /// Paradex / JSON-RPC code.
    pub code: i64,
    /// Human text.
    pub message: String,
    /// Detail, e.g. "invalid channel".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
}

impl RpcError {
    /// An error with no `data`.
    #[must_use]
    pub fn new(code: i64, message: &str) -> Self {
        Self {
            code,
            message: message.to_owned(),
            data: None,
        }
    }

    /// An error with `data`.
    #[must_use]
    pub fn with_data(code: i64, message: &str, data: &str) -> Self {
        Self {
            code,
            message: message.to_owned(),
            data: Some(data.to_owned()),
        }
    }
}

#[derive(Serialize)]
struct Response<'a> {
    jsonrpc: &'static str,
    id: &'a Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    result: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a RpcError>,
    #[serde(rename = "usIn")]
    us_in: u64,
    #[serde(rename = "usOut")]
    us_out: u64,
    #[serde(rename = "usDiff")]
    us_diff: u64,
}

/// The response text for request `id`, received at `us_in` (µs since the epoch).
#[must_use]
pub fn response(id: &Value, outcome: &Result<Value, RpcError>, us_in: u64) -> String {
    let us_out = super::now_us().max(us_in);
    let (result, error) = match outcome {
        Ok(value) => (Some(value), None),
        Err(e) => (None, Some(e)),
    };
    let body = Response {
        jsonrpc: "2.0",
        id,
        result,
        error,
        us_in,
        us_out,
        us_diff: us_out - us_in,
    };
    // Serialising plain structs of strings and numbers cannot fail.
    serde_json::to_string(&body).unwrap_or_default()
}
