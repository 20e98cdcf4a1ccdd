//! The server as a whole: TLS with the generated certificate, restart with state kept (handle
//! and admin endpoint), the blocking variant, and record → replay.
//!
//! Run with: cargo test -p paradex-mock --test server_lifecycle

mod ws_common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use paradex_mock::config::MockConfig;
use paradex_mock::exchange::{Instruction, NewOrder, OrderType, Side, Stp};
use paradex_mock::marketdata::Recording;
use paradex_mock::server::MockServer;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use ws_common::*;

/// A temp file removed on drop, named with the pid and a counter.
struct TempFile(std::path::PathBuf);

impl TempFile {
    fn new(stem: &str) -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        Self(std::env::temp_dir().join(format!(
            "paradex-mock-test-{stem}-{}-{n}",
            std::process::id()
        )))
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[tokio::test]
async fn tls_serves_https_and_wss_with_the_generated_certificate() {
    let cert = TempFile::new("cert.pem");
    let server = MockServer::start(MockConfig {
        tls: true,
        tls_cert_out: Some(cert.0.clone()),
        md_rate: 100.0,
        ..MockConfig::default()
    })
    .await
    .expect("tls mock starts");
    assert!(server.ws_url().starts_with("wss://") && server.http_url().starts_with("https://"));
    assert!(
        server
            .banner()
            .contains(&format!("ca={}", cert.0.display()))
    );
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_file(&cert.0).expect("pem"))
        .expect("root");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let client = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(client));
    let name = ServerName::try_from("localhost").unwrap();

    let tcp = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let tls = connector
        .connect(name.clone(), tcp)
        .await
        .expect("https handshake");
    let (status, _, body) = http_over(tls, "localhost", "GET", "/v1/system/time", &[], "").await;
    assert_eq!(status, 200, "{body}");

    let tcp = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let tls = connector.connect(name, tcp).await.expect("wss handshake");
    let (mut ws, _) = tokio_tungstenite::client_async(server.ws_url(), tls)
        .await
        .expect("wss upgrade");
    let response = json_call(
        &mut ws,
        json!({"jsonrpc":"2.0","id":1,"method":"subscribe","params":{"channel":"bbo.ALL"}}),
    )
    .await;
    assert_eq!(response["result"]["channel"], "bbo.ALL");
    server.shutdown().await;
}

async fn json_call<S>(ws: &mut tokio_tungstenite::WebSocketStream<S>, request: Value) -> Value
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    use futures_util::SinkExt;
    ws.send(Message::Text(request.to_string().into()))
        .await
        .unwrap();
    loop {
        let message = tokio::time::timeout(WAIT, ws.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        if let Message::Text(text) = message {
            let value: Value = serde_json::from_str(text.as_str()).unwrap();
            if value.get("id") == request.get("id") {
                return value;
            }
        }
    }
}

/// Waits for the connection to end; returns the close code if a close frame came.
async fn closed(ws: &mut Ws) -> Option<u16> {
    loop {
        match tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("closed in time")
        {
            Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => return None,
        }
    }
}

#[tokio::test]
async fn restart_keeps_state_and_clients_reconnect() {
    let server = MockServer::start(MockConfig {
        md_rate: 0.0,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let address = server.exchange().onboard("0x5eed", "0x1234");
    let order = NewOrder {
        market: "BTC-USD-PERP".to_owned(),
        side: Side::Buy,
        order_type: OrderType::Limit,
        size: 100_000,
        price: 63_000 * 100_000_000,
        trigger_price: None,
        instruction: Instruction::Gtc,
        stp: Stp::ExpireTaker,
        flags: Vec::new(),
        client_id: "kept".to_owned(),
        signature_timestamp: 0,
    };
    server
        .exchange()
        .place_order(&address, order)
        .expect("resting order");
    let token = server.auth().issue_token(&address);
    let bearer = format!("Bearer {token}");

    let mut ws = connect(&server.ws_url()).await;
    subscribe(&mut ws, 1, "bbo.ALL").await;
    server
        .restart_keep_state(Duration::from_millis(100))
        .await
        .expect("restart");
    assert_eq!(
        closed(&mut ws).await,
        Some(1001),
        "sessions are closed with 1001 on restart"
    );

    let mut again = connect(&server.ws_url()).await;
    let auth = call(&mut again, 1, "auth", json!({"bearer": token})).await;
    assert!(auth["result"]["node_id"].is_string(), "{auth}");
    let (status, _, body) = http_with(
        server.addr(),
        "GET",
        "/v1/orders",
        &[("Authorization", &bearer)],
        "",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let open: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(open["results"][0]["client_id"], "kept", "{open}");

    // The same through the admin endpoint.
    let (status, _) = http(server.addr(), "POST", "/admin/restart", r#"{"down_ms":50}"#).await;
    assert_eq!(status, 202);
    assert_eq!(closed(&mut again).await, Some(1001));
    let mut third = None;
    for _ in 0..50 {
        if let Ok((ws, _)) = tokio_tungstenite::connect_async(server.ws_url()).await {
            third = Some(ws);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut third = third.expect("back after the admin restart");
    subscribe(&mut third, 1, "bbo.ALL").await;
    server.shutdown().await;
}

#[test]
fn blocking_variant_serves_and_stops_on_drop() {
    use std::io::{Read, Write};
    let server = MockServer::start_blocking(MockConfig::default()).expect("blocking start");
    let addr = server.addr();
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET /v1/system/time HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    drop(server);
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "the port is closed after drop"
    );
}

#[tokio::test]
async fn recorded_frames_replay_verbatim() {
    let file = TempFile::new("rec.bin");
    let recorder = MockServer::start(MockConfig {
        md_rate: 100.0,
        record: Some(file.0.clone()),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let mut ws = connect(&recorder.ws_url()).await;
    subscribe(&mut ws, 1, "bbo.BTC-USD-PERP").await;
    let mut sent = Vec::new();
    for _ in 0..10 {
        sent.push(next_on(&mut ws, "bbo.BTC-USD-PERP").await);
    }
    drop(ws);
    // The session flushes its recording when it ends.
    let mut recording = None;
    for _ in 0..100 {
        if let Ok(loaded) = Recording::load(&file.0)
            && loaded.frames.len() >= 10
        {
            recording = Some(loaded);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let recording = recording.expect("recording written");
    recorder.shutdown().await;

    let player = MockServer::start(MockConfig {
        md_rate: 0.0,
        replay: Some(file.0.clone()),
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let mut ws = connect(&player.ws_url()).await;
    subscribe(&mut ws, 1, "bbo.BTC-USD-PERP").await;
    for (i, expected) in sent.iter().enumerate() {
        let replayed = next_json(&mut ws).await;
        assert_eq!(&replayed, expected, "frame {i}");
    }
    assert!(recording.frames.len() >= sent.len());
    player.shutdown().await;

    std::fs::write(&file.0, b"garbage").unwrap();
    let refused = MockServer::start(MockConfig {
        replay: Some(file.0.clone()),
        ..MockConfig::default()
    })
    .await;
    assert!(refused.is_err(), "a corrupt recording fails the start");
}
