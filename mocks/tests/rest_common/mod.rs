//! Shared helpers of the REST tests: an in-process router, a signer holding the vector key,
//! request plumbing and the sample shape comparison.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use paradex_mock::auth::{AuthService, unix_now_ms, unix_now_secs};
use paradex_mock::exchange::num::parse;
use paradex_mock::exchange::{Exchange, ExchangeConfig, Level, SeedAccount};
use paradex_mock::rest::{RestSettings, router};
use paradex_proto::typed_data::{AccountContext, Felt, OrderMessage, OrderSide, StarkSignature};
use serde_json::{Value, json};
use tower::ServiceExt as _;

/// The SDK vectors' test identity (made-up key, never used on Paradex).
pub const PRIVATE_KEY: &str = "0x1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcde";
/// Its public key.
pub const PUBLIC_KEY: &str = "0x2a8249e10df5670294c078c3a04f32ed60087e5ee8a3457fa29ed0c0e366bfc";
/// Its testnet address.
pub const ADDRESS: &str = "0x3a5e6ca3f7d55722bfb79595c96bd41dba9980fe2abf5c0577591a135ec6dc4";
/// The mock's default chain.
pub const CHAIN: &str = "PRIVATE_SN_POTC_SEPOLIA";

/// The exchange, auth service and router of one test.
pub struct Mock {
    pub exchange: Arc<Exchange>,
    pub auth: Arc<AuthService>,
    pub app: Router,
}

/// A mock; `seeded` pre-registers the vector account with 100k USDC.
pub fn mock(seeded: bool, settings: RestSettings) -> Mock {
    let mut config = ExchangeConfig::default();
    if seeded {
        config.accounts.push(SeedAccount {
            address: ADDRESS.into(),
            public_key: PUBLIC_KEY.into(),
            usdc_balance: 100_000 * paradex_mock::exchange::num::ONE,
        });
    }
    let exchange = Arc::new(Exchange::new(config.clone()));
    let auth = Arc::new(AuthService::new(&config));
    let app = router(Arc::clone(&exchange), Arc::clone(&auth), settings);
    Mock {
        exchange,
        auth,
        app,
    }
}

/// Signs a hash with the vector key, SDK-style (RFC 6979, extra entropy 32).
pub fn sign(hash: Felt) -> String {
    let key = Felt::from_hex(PRIVATE_KEY).unwrap();
    let k = starknet_crypto::rfc6979_generate_k(&hash, &key, Some(&Felt::from(32u8)));
    let signature = starknet_crypto::sign(&key, &hash, &k).unwrap();
    StarkSignature {
        r: signature.r,
        s: signature.s,
    }
    .to_wire()
}

fn context() -> AccountContext {
    AccountContext::new(CHAIN, ADDRESS).unwrap()
}

/// Fresh `POST /v1/auth` headers.
pub fn auth_headers() -> Vec<(String, String)> {
    let now = unix_now_secs();
    let expiration = now + 24 * 3600;
    let signature = sign(context().auth_hash(now, expiration));
    vec![
        ("PARADEX-STARKNET-ACCOUNT".into(), ADDRESS.into()),
        ("PARADEX-STARKNET-SIGNATURE".into(), signature),
        ("PARADEX-TIMESTAMP".into(), now.to_string()),
        (
            "PARADEX-SIGNATURE-EXPIRATION".into(),
            expiration.to_string(),
        ),
    ]
}

/// An order body exactly as the SDK builds it (`recv_window`/`stp` null, no price for MARKET).
pub fn order_body(
    market: &str,
    side: &str,
    order_type: &str,
    size: &str,
    price: Option<&str>,
    client_id: &str,
) -> Value {
    let timestamp = unix_now_ms();
    let message = OrderMessage::from_request(
        timestamp,
        market,
        OrderSide::from_wire(side).unwrap(),
        order_type,
        size,
        price.unwrap_or(""),
    )
    .unwrap();
    let mut body = json!({
        "market": market,
        "side": side,
        "size": size,
        "type": order_type,
        "client_id": client_id,
        "instruction": if order_type == "MARKET" { "IOC" } else { "GTC" },
        "signature": sign(context().order_hash(&message)),
        "signature_timestamp": timestamp,
        "recv_window": null,
        "stp": null,
    });
    if let Some(price) = price {
        body["price"] = json!(price);
    }
    body
}

/// A `PUT /orders/{id}` body signed as `ModifyOrder`.
pub fn modify_body(id: &str, market: &str, side: &str, size: &str, price: &str) -> Value {
    let timestamp = unix_now_ms();
    let message = OrderMessage::from_request(
        timestamp,
        market,
        OrderSide::from_wire(side).unwrap(),
        "LIMIT",
        size,
        price,
    )
    .unwrap();
    json!({
        "id": id,
        "market": market,
        "side": side,
        "type": "LIMIT",
        "size": size,
        "price": price,
        "signature": sign(context().modify_order_hash(&message, id).unwrap()),
        "signature_timestamp": timestamp,
    })
}

/// One request through the router: status, headers and the JSON body (`Null` when empty).
pub async fn call(
    app: &Router,
    method: Method,
    uri: &str,
    token: Option<&str>,
    headers: &[(String, String)],
    body: Option<&Value>,
) -> (StatusCode, HeaderMap, Value) {
    let mut request = Request::builder()
        .method(method)
        .uri(uri)
        .header("content-type", "application/json");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let body = body.map_or_else(Body::empty, |b| Body::from(b.to_string()));
    let response = app
        .clone()
        .oneshot(request.body(body).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = to_bytes(response.into_body(), 1 << 24).await.unwrap();
    let json = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap()
    };
    (status, headers, json)
}

/// A request without extra headers: status and JSON body (`Null` when empty).
pub async fn send(
    app: &Router,
    method: Method,
    uri: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (StatusCode, Value) {
    let (status, _, body) = call(app, method, uri, token, &[], body).await;
    (status, body)
}

/// `GET uri`, with a bearer token when given: status and JSON body.
pub async fn get(app: &Router, uri: &str, token: Option<&str>) -> (StatusCode, Value) {
    send(app, Method::GET, uri, token, None).await
}

/// A book level from decimal strings.
pub fn lvl(price: &str, size: &str) -> Level {
    Level {
        price: parse(price).unwrap(),
        size: parse(size).unwrap(),
    }
}

/// A fresh JWT through `POST /v1/auth/{public_key}`, as the SDK gets it.
pub async fn login(app: &Router) -> String {
    let (status, _, body) = call(
        app,
        Method::POST,
        &format!("/v1/auth/{PUBLIC_KEY}"),
        None,
        &auth_headers(),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["jwt_token"].as_str().unwrap().to_owned()
}

/// A sample file from `../shared/paradex/samples`.
pub fn sample(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/paradex/samples")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Panics unless `actual` has exactly the sample's keys with the same JSON types, recursively
/// (cursors `next`/`prev` may be a string or `null` either way). Arrays compare their first
/// elements when both have one.
pub fn assert_shape(sample: &Value, actual: &Value, path: &str) {
    match (sample, actual) {
        (Value::Object(expected), Value::Object(got)) => {
            for (key, value) in expected {
                let Some(other) = got.get(key) else {
                    panic!("{path}.{key} missing in {actual}")
                };
                assert_shape(value, other, &format!("{path}.{key}"));
            }
            for key in got.keys() {
                assert!(
                    expected.contains_key(key),
                    "{path}.{key} is not in the sample"
                );
            }
        }
        (Value::Array(expected), Value::Array(got)) => {
            if let (Some(e), Some(g)) = (expected.first(), got.first()) {
                assert_shape(e, g, &format!("{path}[0]"));
            }
        }
        (Value::Null, Value::Null | Value::String(_)) => {}
        (Value::String(_), Value::Null) if path.ends_with(".next") || path.ends_with(".prev") => {}
        _ => assert_eq!(
            kind(sample),
            kind(actual),
            "{path}: sample {sample} vs {actual}"
        ),
    }
}

/// Asserts a status, showing the body on failure.
pub fn expect(status: StatusCode, body: &Value, expected: StatusCode) {
    assert_eq!(status, expected, "{body}");
}
