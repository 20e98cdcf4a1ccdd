//! Helpers shared by the WebSocket / server / fault tests: a WS client, a tiny HTTP client,
//! sample loading and JSON shape comparison.
#![allow(dead_code)]

use std::path::PathBuf;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

pub type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long a test waits for any one expected frame.
pub const WAIT: Duration = Duration::from_secs(5);

pub async fn connect(url: &str) -> Ws {
    tokio_tungstenite::connect_async(url)
        .await
        .expect("ws connect")
        .0
}

pub async fn send_json(ws: &mut Ws, value: Value) {
    ws.send(Message::Text(value.to_string().into()))
        .await
        .expect("ws send");
}

/// Next text or binary frame (pings are answered by tungstenite).
pub async fn next_frame(ws: &mut Ws) -> Message {
    loop {
        let message = tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("frame within the wait")
            .expect("stream open")
            .expect("frame ok");
        match message {
            Message::Text(_) | Message::Binary(_) | Message::Close(_) => return message,
            _ => continue,
        }
    }
}

/// Next JSON text frame, skipping binary frames.
pub async fn next_json(ws: &mut Ws) -> Value {
    loop {
        if let Message::Text(text) = next_frame(ws).await {
            return serde_json::from_str(text.as_str()).expect("json frame");
        }
    }
}

/// Sends a request and returns its response (skipping notifications in between).
pub async fn call(ws: &mut Ws, id: u64, method: &str, params: Value) -> Value {
    send_json(
        ws,
        serde_json::json!({"jsonrpc":"2.0","id":id,"method":method,"params":params}),
    )
    .await;
    loop {
        let value = next_json(ws).await;
        if value.get("id") == Some(&Value::from(id)) {
            return value;
        }
    }
}

/// Subscribes and asserts success.
pub async fn subscribe(ws: &mut Ws, id: u64, channel: &str) {
    let response = call(
        ws,
        id,
        "subscribe",
        serde_json::json!({ "channel": channel }),
    )
    .await;
    assert_eq!(response["result"]["channel"], channel, "{response}");
}

/// Next notification on `channel` (JSON), within [`WAIT`].
pub async fn next_on(ws: &mut Ws, channel: &str) -> Value {
    let wait = async {
        loop {
            let value = next_json(ws).await;
            if value["method"] == "subscription" && value["params"]["channel"] == channel {
                return value;
            }
        }
    };
    tokio::time::timeout(WAIT, wait)
        .await
        .unwrap_or_else(|_| panic!("no notification on {channel} within {WAIT:?}"))
}

/// Next binary frame.
pub async fn next_binary(ws: &mut Ws) -> Vec<u8> {
    loop {
        if let Message::Binary(bytes) = next_frame(ws).await {
            return bytes.to_vec();
        }
    }
}

pub fn shared_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/paradex")
}

pub fn sample(name: &str) -> Value {
    let path = shared_dir().join("samples").join(name);
    serde_json::from_str(
        &std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .expect("sample json")
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

/// Every field of `sample` exists in `actual` with the same JSON type, recursively (arrays
/// compare their first elements).
pub fn assert_same_shape(sample: &Value, actual: &Value, path: &str) {
    assert_eq!(
        kind(sample),
        kind(actual),
        "{path}: sample {sample} vs mock {actual}"
    );
    match (sample, actual) {
        (Value::Object(s), Value::Object(a)) => {
            for (key, value) in s {
                let inner = a
                    .get(key)
                    .unwrap_or_else(|| panic!("{path}.{key} missing in {actual}"));
                assert_same_shape(value, inner, &format!("{path}.{key}"));
            }
        }
        (Value::Array(s), Value::Array(a)) => {
            if let (Some(s0), Some(a0)) = (s.first(), a.first()) {
                assert_same_shape(s0, a0, &format!("{path}[0]"));
            }
        }
        _ => {}
    }
}

/// A minimal HTTP/1.1 request over loopback; returns (status, body).
pub async fn http(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    body: &str,
) -> (u16, String) {
    let (status, _, body) = http_with(addr, method, path, &[], body).await;
    (status, body)
}

/// [`http`] with extra request headers; also returns the response head.
pub async fn http_with(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String, String) {
    let stream = TcpStream::connect(addr).await.expect("http connect");
    http_over(stream, &addr.to_string(), method, path, headers, body).await
}

/// One HTTP/1.1 exchange over any stream (plain or TLS).
pub async fn http_over<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    mut stream: S,
    host: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String, String) {
    let extra: String = headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}\r\n"))
        .collect();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream
        .write_all(request.as_bytes())
        .await
        .expect("http write");
    let mut response = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut response))
        .await
        .expect("http response in time")
        .ok(); // a TLS peer may close without close_notify after the body
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let (head, body) = text
        .split_once("\r\n\r\n")
        .map(|(h, b)| (h.to_owned(), b.to_owned()))
        .unwrap_or_default();
    (status, head, body)
}
