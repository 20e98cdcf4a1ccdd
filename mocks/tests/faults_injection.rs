//! Each fault, injected through `POST /admin/faults`, the `--fault` flag or the handle, and
//! observed from a client.
//!
//! Run with: cargo test -p paradex-mock --test faults_injection

mod ws_common;

use std::time::Duration;

use futures_util::StreamExt;
use paradex_mock::config::MockConfig;
use paradex_mock::faults::{FaultKind, FaultSpec};
use paradex_mock::server::{MockServer, MockServerHandle};
use paradex_proto::sbe;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use ws_common::*;

async fn start() -> MockServerHandle {
    MockServer::start(MockConfig {
        md_rate: 100.0,
        ..MockConfig::default()
    })
    .await
    .expect("mock starts")
}

async fn admin(server: &MockServerHandle, spec: Value) -> Value {
    let (status, body) = http(server.addr(), "POST", "/admin/faults", &spec.to_string()).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("admin json")
}

/// Data frames received until the connection ends (bounded by the wait).
async fn frames_until_end(ws: &mut Ws, limit: usize) -> usize {
    let mut count = 0;
    while count < limit {
        match tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("frame or end")
        {
            Some(Ok(Message::Text(_) | Message::Binary(_))) => count += 1,
            Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return count,
            Some(Ok(_)) => {}
        }
    }
    count
}

#[tokio::test]
async fn ws_drop_after_n_frames_for_the_next_session_only() {
    let server = start().await;
    let ids = admin(
        &server,
        json!({"kind": "ws_drop", "after": 5, "sessions": 1}),
    )
    .await;
    assert_eq!(ids["ids"].as_array().unwrap().len(), 1);
    let mut first = connect(&server.ws_url()).await;
    subscribe(&mut first, 1, "bbo.ALL").await;
    assert_eq!(frames_until_end(&mut first, 100).await, 5);
    let mut second = connect(&server.ws_url()).await;
    subscribe(&mut second, 1, "bbo.ALL").await;
    assert_eq!(
        frames_until_end(&mut second, 20).await,
        20,
        "the fault was for one session"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn ws_stall_stops_sending_then_resumes() {
    let server = start().await;
    admin(
        &server,
        json!({"kind": "ws_stall", "after": 3, "duration_ms": 1500, "channel": "bbo.ALL"}),
    )
    .await;
    let mut ws = connect(&server.ws_url()).await;
    subscribe(&mut ws, 1, "bbo.ALL").await;
    for _ in 0..3 {
        next_on(&mut ws, "bbo.ALL").await;
    }
    // Silent while stalled, though the generator keeps producing...
    let silent = tokio::time::timeout(Duration::from_millis(500), ws.next()).await;
    assert!(
        silent.is_err(),
        "a frame arrived during the stall: {silent:?}"
    );
    // ...and the socket is still open: data resumes.
    next_on(&mut ws, "bbo.ALL").await;
    server.shutdown().await;
}

#[tokio::test]
async fn ws_malformed_frames_in_json_and_sbe() {
    let server = start().await;
    server
        .faults()
        .install(FaultSpec::new(FaultKind::WsMalformed { after: 2 }).sessions(2))
        .unwrap();
    let mut json_ws = connect(&server.ws_url()).await;
    subscribe(&mut json_ws, 1, "bbo.ALL").await;
    let mut bad = 0;
    for _ in 0..5 {
        if let Message::Text(text) = next_frame(&mut json_ws).await {
            bad += usize::from(serde_json::from_str::<Value>(text.as_str()).is_err());
        }
    }
    assert_eq!(bad, 1, "exactly one malformed JSON frame");
    let mut sbe_ws = connect(&format!(
        "{}?sbeSchemaId=1&sbeSchemaVersion=2",
        server.ws_url()
    ))
    .await;
    subscribe(&mut sbe_ws, 1, "bbo.ALL").await;
    let mut bad = 0;
    for _ in 0..5 {
        let frame = next_binary(&mut sbe_ws).await;
        bad += usize::from(sbe::decode(&frame).is_err());
    }
    assert_eq!(bad, 1, "exactly one undecodable SBE frame");
    server.shutdown().await;
}

#[tokio::test]
async fn ws_oversized_frame_trips_the_client_limit() {
    let server = start().await;
    admin(
        &server,
        json!({"kind": "ws_oversized", "after": 1, "bytes": 2_000_000}),
    )
    .await;
    let config = tokio_tungstenite::tungstenite::protocol::WebSocketConfig::default()
        .max_message_size(Some(1 << 20))
        .max_frame_size(Some(1 << 20));
    let (mut ws, _) =
        tokio_tungstenite::connect_async_with_config(server.ws_url(), Some(config), false)
            .await
            .expect("connect");
    subscribe(&mut ws, 1, "bbo.ALL").await;
    next_on(&mut ws, "bbo.ALL").await;
    let outcome = tokio::time::timeout(WAIT, ws.next())
        .await
        .expect("outcome in time");
    assert!(
        matches!(
            outcome,
            Some(Err(tokio_tungstenite::tungstenite::Error::Capacity(_)))
        ),
        "expected a capacity error, got {outcome:?}"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn ws_skip_seq_leaves_a_gap_of_one_delta() {
    let server = start().await;
    admin(&server, json!({"kind": "ws_skip_seq", "after": 3})).await;
    let mut ws = connect(&server.ws_url()).await;
    let channel = "order_book.BTC-USD-PERP.deltas";
    subscribe(&mut ws, 1, channel).await;
    let snapshot = next_on(&mut ws, channel).await;
    let mut last = snapshot["params"]["data"]["seq_no"].as_u64().unwrap();
    let mut jumps = Vec::new();
    for _ in 0..8 {
        let seq = next_on(&mut ws, channel).await["params"]["data"]["seq_no"]
            .as_u64()
            .unwrap();
        jumps.push(seq - last);
        last = seq;
    }
    assert_eq!(jumps, vec![1, 1, 1, 2, 1, 1, 1, 1]);
    server.shutdown().await;
}

#[tokio::test]
async fn rest_status_429_and_5xx_then_recovery() {
    let server = start().await;
    admin(
        &server,
        json!({"kind": "rest_status", "status": 503, "count": 1, "path": "/v1/markets"}),
    )
    .await;
    let (status, body) = http(server.addr(), "GET", "/v1/markets", "").await;
    assert_eq!(status, 503);
    let error: Value = serde_json::from_str(&body).unwrap();
    assert!(
        error["error"].is_string() && error["message"].is_string(),
        "{error}"
    );
    assert_eq!(
        http(server.addr(), "GET", "/v1/markets", "").await.0,
        200,
        "count 1 is used up"
    );
    admin(
        &server,
        json!({"kind": "rest_status", "status": 429, "count": 1}),
    )
    .await;
    let (status, head, _) = http_with(server.addr(), "GET", "/v1/system/time", &[], "").await;
    assert_eq!(status, 429);
    assert!(
        head.to_ascii_lowercase()
            .contains("x-ratelimit-remaining: 0"),
        "{head}"
    );
    let (status, body) = http(
        server.addr(),
        "POST",
        "/admin/faults",
        r#"{"kind":"rest_status","status":200}"#,
    )
    .await;
    assert_eq!(status, 400, "{body}");
    server.shutdown().await;
}

#[tokio::test]
async fn rest_delay_and_timeout() {
    let server = start().await;
    admin(
        &server,
        json!({"kind": "rest_delay", "delay_ms": 300, "count": 1}),
    )
    .await;
    let started = std::time::Instant::now();
    assert_eq!(
        http(server.addr(), "GET", "/v1/system/time", "").await.0,
        200
    );
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "the response was not held"
    );
    admin(
        &server,
        json!({"kind": "rest_timeout", "duration_ms": 200, "count": 1}),
    )
    .await;
    assert_eq!(
        http(server.addr(), "GET", "/v1/system/time", "").await.0,
        503
    );
    server.shutdown().await;
}

#[tokio::test]
async fn admin_lists_removes_and_clears_and_cli_flags_install() {
    let server = MockServer::start(MockConfig {
        md_rate: 0.0,
        faults: vec![r#"{"kind":"rest_delay","delay_ms":1}"#.to_owned()],
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let (_, listed) = http(server.addr(), "GET", "/admin/faults", "").await;
    let listed: Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(
        listed["faults"][0]["kind"], "rest_delay",
        "--fault installed at start"
    );
    let id = listed["faults"][0]["id"].as_u64().unwrap();
    assert_eq!(
        http(server.addr(), "DELETE", &format!("/admin/faults/{id}"), "")
            .await
            .0,
        200
    );
    assert_eq!(
        http(server.addr(), "DELETE", &format!("/admin/faults/{id}"), "")
            .await
            .0,
        404
    );
    admin(
        &server,
        json!([{"kind": "ws_drop", "after": 1}, {"kind": "rest_status", "status": 500}]),
    )
    .await;
    assert_eq!(server.faults().list().len(), 2);
    assert_eq!(
        http(server.addr(), "DELETE", "/admin/faults", "").await.0,
        200
    );
    assert!(server.faults().list().is_empty());
    let bad = MockServer::start(MockConfig {
        faults: vec!["{nope".to_owned()],
        ..MockConfig::default()
    })
    .await;
    assert!(bad.is_err(), "a malformed --fault must fail the start");
    server.shutdown().await;
}

#[tokio::test]
async fn a_session_left_behind_is_closed_as_a_slow_consumer() {
    let server = MockServer::start(MockConfig {
        md_rate: 100.0,
        slow_consumer_limit: 20,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    // While stalled the session reads no events, so more than 20 queue up.
    admin(
        &server,
        json!({"kind": "ws_stall", "after": 1, "duration_ms": 400}),
    )
    .await;
    let mut ws = connect(&server.ws_url()).await;
    subscribe(&mut ws, 1, "bbo.ALL").await;
    let code = loop {
        match tokio::time::timeout(WAIT, ws.next())
            .await
            .expect("closed in time")
        {
            Some(Ok(Message::Close(frame))) => {
                break frame.map(|f| (u16::from(f.code), f.reason.to_string()));
            }
            Some(Ok(_)) => continue,
            Some(Err(e)) => panic!("expected a close frame, got {e}"),
            None => break None,
        }
    };
    assert_eq!(code, Some((1008, "slow consumer".to_owned())));
    server.shutdown().await;
}
