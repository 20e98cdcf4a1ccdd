//! Every WebSocket channel in JSON and SBE against the Paradex samples, the snapshot/delta
//! handover, private channels after `auth`, JSON-RPC errors, pings and the firehose.
//!
//! Run with: cargo test -p paradex-mock --test ws_channels

mod ws_common;

use std::time::Duration;

use paradex_mock::config::MockConfig;
use paradex_mock::exchange::{Instruction, NewOrder, OrderType, Side, Stp};
use paradex_mock::server::{MockServer, MockServerHandle};
use paradex_proto::sbe::{self, Message as Sbe, PkgType};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use ws_common::*;

const BTC: &str = "BTC-USD-PERP";

fn fast_config() -> MockConfig {
    MockConfig {
        md_rate: 100.0,
        ..MockConfig::default()
    }
}

async fn start(config: MockConfig) -> MockServerHandle {
    MockServer::start(config).await.expect("mock starts")
}

fn sample_data(name: &str) -> Value {
    sample(name)["params"]["data"].clone()
}

#[tokio::test]
async fn json_public_channels_match_the_samples() {
    let server = start(fast_config()).await;
    let mut ws = connect(&server.ws_url()).await;
    let subscribed = call(
        &mut ws,
        1,
        "subscribe",
        json!({"channel": format!("trades.{BTC}")}),
    )
    .await;
    assert_same_shape(
        &sample("ws_subscribe_response.json"),
        &subscribed,
        "subscribe",
    );
    let cases = [
        (format!("bbo.{BTC}"), "ws_bbo.json"),
        (format!("trades.{BTC}"), "ws_trades.json"),
        (
            format!("order_book.{BTC}.snapshot@15@50ms"),
            "ws_order_book_snapshot.json",
        ),
        ("markets_summary.ALL".to_owned(), "ws_markets_summary.json"),
        (format!("funding_data.{BTC}"), "ws_funding_data.json"),
        (
            format!("order_book.{BTC}.deltas"),
            "ws_order_book_deltas.json",
        ),
    ];
    for (i, (channel, _)) in cases.iter().enumerate() {
        if !channel.starts_with("trades") {
            subscribe(&mut ws, 10 + i as u64, channel).await;
        }
    }
    // Collect frames until every channel has shown one (deltas: the snapshot and a delta).
    let mut seen: std::collections::HashMap<String, Vec<Value>> = std::collections::HashMap::new();
    let complete = |seen: &std::collections::HashMap<String, Vec<Value>>| {
        cases.iter().all(|(c, f)| {
            seen.get(c).map_or(0, Vec::len) >= if f.contains("deltas") { 2 } else { 1 }
        })
    };
    while !complete(&seen) {
        let note = tokio::time::timeout(WAIT, next_json(&mut ws))
            .await
            .expect("notifications keep coming");
        if let Some(channel) = note["params"]["channel"].as_str() {
            seen.entry(channel.to_owned())
                .or_default()
                .push(note.clone());
        }
    }
    for (channel, file) in &cases {
        let frames = &seen[channel];
        if file.contains("deltas") {
            // The first deltas frame is the full snapshot; the sample is a delta.
            assert_eq!(frames[0]["params"]["data"]["update_type"], "s");
            let data = &frames[1]["params"]["data"];
            assert_eq!(data["update_type"], "d");
            // A delta may lack one of the three kinds; compare the kinds it has.
            let mut expected = sample_data(file);
            for kind in ["inserts", "updates", "deletes"] {
                if data[kind].as_array().is_none_or(Vec::is_empty) {
                    expected[kind] = json!([]);
                }
            }
            assert_same_shape(&expected, data, file);
            continue;
        }
        let mut expected = sample(file);
        expected["params"]["channel"] = Value::from(channel.as_str());
        assert_same_shape(&expected, &frames[0], file);
    }
    server.shutdown().await;
}

#[tokio::test]
async fn json_deltas_follow_the_snapshot_contiguously() {
    let server = start(fast_config()).await;
    let mut ws = connect(&server.ws_url()).await;
    let channel = format!("order_book.{BTC}.deltas");
    subscribe(&mut ws, 1, &channel).await;
    let snapshot = next_on(&mut ws, &channel).await;
    assert_eq!(snapshot["params"]["data"]["update_type"], "s");
    let mut last = snapshot["params"]["data"]["seq_no"].as_u64().unwrap();
    for _ in 0..40 {
        let delta = next_on(&mut ws, &channel).await;
        let data = &delta["params"]["data"];
        assert_eq!(data["update_type"], "d");
        let seq = data["seq_no"].as_u64().unwrap();
        assert_eq!(seq, last + 1, "deltas must be contiguous");
        last = seq;
    }
    server.shutdown().await;
}

#[tokio::test]
async fn sbe_public_channels_decode_and_deltas_are_contiguous() {
    let server = start(MockConfig {
        sbe_heartbeat_secs: 0.3,
        ..fast_config()
    })
    .await;
    let url = format!("{}?sbeSchemaId=1&sbeSchemaVersion=2", server.ws_url());
    let mut ws = connect(&url).await;
    // The deltas channel last: `subscribe` skips binary frames while it waits for its
    // response, and the snapshot must not be skipped.
    for (i, channel) in [
        format!("bbo.{BTC}"),
        format!("trades.{BTC}"),
        format!("markets_summary.{BTC}"),
        format!("funding_data.{BTC}"),
        format!("order_book.{BTC}.deltas"),
    ]
    .iter()
    .enumerate()
    {
        subscribe(&mut ws, i as u64 + 1, channel).await;
    }
    let (mut bbo, mut trade, mut summary, mut funding, mut deltas) = (0, 0, 0, 0, 0);
    let mut book_seq = None;
    while bbo == 0 || trade == 0 || summary == 0 || funding == 0 || deltas < 30 {
        let frame = next_binary(&mut ws).await;
        match sbe::decode(&frame).expect("every frame decodes") {
            Sbe::Bbo(e) => {
                assert_eq!(e.market, BTC);
                assert!(e.bid_price.unwrap() < e.ask_price.unwrap());
                bbo += 1;
            }
            Sbe::Trade(e) => {
                assert_eq!(e.market, BTC);
                assert!(e.price > 0 && e.size > 0);
                trade += 1;
            }
            Sbe::Book(e) => match (e.pkg_type, book_seq) {
                (PkgType::Snapshot, None) => {
                    book_seq = Some(e.seq);
                }
                (PkgType::Delta, Some(last)) => {
                    assert_eq!(e.seq, last + 1, "contiguous deltas");
                    book_seq = Some(e.seq);
                    deltas += 1;
                }
                other => panic!("unexpected book frame order {other:?}"),
            },
            Sbe::MarketSummary(e) => {
                assert_eq!(e.market, BTC);
                assert!(e.mark_price > 0);
                summary += 1;
            }
            Sbe::FundingData(e) => {
                assert_eq!(e.market, BTC);
                assert_eq!(e.funding_period_hours, 8);
                funding += 1;
            }
            Sbe::Heartbeat(_) => {}
            other => panic!("unexpected template {other:?}"),
        }
    }
    // An idle SBE connection gets heartbeats.
    let mut idle = connect(&url).await;
    let frame = next_binary(&mut idle).await;
    assert!(matches!(sbe::decode(&frame), Ok(Sbe::Heartbeat(_))));
    server.shutdown().await;
}

#[tokio::test]
async fn sbe_snapshot_channel_sends_top_15() {
    let server = start(fast_config()).await;
    let url = format!("{}?sbeSchemaId=1&sbeSchemaVersion=1", server.ws_url());
    let mut ws = connect(&url).await;
    subscribe(&mut ws, 1, &format!("order_book.{BTC}.snapshot@15@50ms")).await;
    for _ in 0..3 {
        let frame = next_binary(&mut ws).await;
        let Ok(Sbe::Book(book)) = sbe::decode(&frame) else {
            panic!("expected a book frame");
        };
        assert_eq!(book.pkg_type, PkgType::Snapshot);
        assert!(book.bids.len() <= 15 && book.asks.len() <= 15 && !book.bids.is_empty());
    }
    // A second order_book channel for the same market cannot share an SBE session.
    let response = call(
        &mut ws,
        2,
        "subscribe",
        json!({"channel": format!("order_book.{BTC}.deltas")}),
    )
    .await;
    assert_eq!(response["error"]["code"], -32600);
    server.shutdown().await;
}

#[tokio::test]
async fn unsupported_sbe_schema_is_refused_at_the_handshake() {
    let server = start(MockConfig::default()).await;
    for query in [
        "?sbeSchemaId=1&sbeSchemaVersion=7",
        "?sbeSchemaId=2&sbeSchemaVersion=1",
        "?sbeSchemaId=1",
    ] {
        let error = tokio_tungstenite::connect_async(format!("{}{query}", server.ws_url()))
            .await
            .unwrap_err();
        match error {
            tokio_tungstenite::tungstenite::Error::Http(response) => {
                assert_eq!(response.status(), 400, "{query}")
            }
            other => panic!("{query}: expected HTTP 400, got {other}"),
        }
    }
    server.shutdown().await;
}

#[tokio::test]
async fn rpc_errors_have_paradex_codes() {
    let server = start(MockConfig::default()).await;
    let mut ws = connect(&server.ws_url()).await;
    let invalid = call(
        &mut ws,
        0,
        "subscribe",
        json!({"channel": "nonsense.BTC-USD-PERP"}),
    )
    .await;
    assert_same_shape(
        &sample("ws_error_invalid_channel.json"),
        &invalid,
        "invalid channel",
    );
    assert_eq!(
        invalid["error"],
        sample("ws_error_invalid_channel.json")["error"]
    );
    let unknown_market = call(
        &mut ws,
        1,
        "subscribe",
        json!({"channel": "bbo.NOPE-USD-PERP"}),
    )
    .await;
    assert_eq!(unknown_market["error"]["code"], -32600);
    subscribe(&mut ws, 2, "bbo.ALL").await;
    let twice = call(&mut ws, 3, "subscribe", json!({"channel": "bbo.ALL"})).await;
    assert_eq!(twice["error"]["code"], -32600);
    let not_subscribed = call(&mut ws, 4, "unsubscribe", json!({"channel": "trades.ALL"})).await;
    assert_eq!(not_subscribed["error"]["code"], -32600);
    let unsubscribed = call(&mut ws, 5, "unsubscribe", json!({"channel": "bbo.ALL"})).await;
    assert_eq!(unsubscribed["result"]["channel"], "bbo.ALL");
    let private = call(&mut ws, 6, "subscribe", json!({"channel": "orders.ALL"})).await;
    assert_eq!(private["error"]["code"], 40300);
    let method = call(&mut ws, 7, "nope", json!({})).await;
    assert_eq!(method["error"]["code"], -32601);
    let malformed = call(&mut ws, 8, "auth", json!({"bearer": "not-a-jwt"})).await;
    assert_eq!(malformed["error"]["code"], 40110);
    let bad = call(&mut ws, 9, "auth", json!({"bearer": "aaa.bbb.ccc"})).await;
    assert_same_shape(
        &sample("ws_error_invalid_bearer.json"),
        &bad,
        "invalid bearer",
    );
    assert_eq!(bad["error"]["code"], 40111);
    // Scoped markets_summary, then modify_subscription.
    let scoped = call(
        &mut ws,
        20,
        "subscribe",
        json!({"channel": "markets_summary", "markets": [BTC]}),
    )
    .await;
    assert_eq!(scoped["result"]["channel"], "markets_summary");
    let modified = call(
        &mut ws,
        21,
        "modify_subscription",
        json!({"channel": "markets_summary", "add": ["ETH-USD-PERP"], "remove": [BTC]}),
    )
    .await;
    assert_eq!(
        modified["result"]["add"],
        json!(["ETH-USD-PERP"]),
        "{modified}"
    );
    let bad_market = call(
        &mut ws,
        22,
        "modify_subscription",
        json!({"channel": "markets_summary", "add": ["NOPE"]}),
    )
    .await;
    assert_eq!(bad_market["error"]["code"], -32600);
    ws.send_text("{not json").await;
    let parse = loop {
        let frame = next_json(&mut ws).await;
        if frame.get("error").is_some() {
            break frame;
        }
    };
    assert_eq!(parse["error"]["code"], -32700);
    server.shutdown().await;
}

trait SendText {
    async fn send_text(&mut self, text: &str);
}

impl SendText for Ws {
    async fn send_text(&mut self, text: &str) {
        use futures_util::SinkExt;
        self.send(Message::Text(text.into())).await.expect("send");
    }
}

#[tokio::test]
async fn private_channels_after_auth_match_the_samples() {
    let server = start(fast_config()).await;
    let address = "0x3a5e6ca3f7d55722bfb79595c96bd41dba9980fe2abf5c0577591a135ec6dc4";
    let address = server.exchange().onboard(address, "0x1234");
    let token = server.auth().issue_token(&address);
    let mut ws = connect(&server.ws_url()).await;
    let auth = call(&mut ws, 0, "auth", json!({"bearer": token})).await;
    assert_same_shape(&sample("ws_auth_response.json"), &auth, "auth");
    let channels = [
        "orders.ALL",
        &format!("fills.{BTC}"),
        "positions",
        "account",
        "balance_events",
    ];
    for (i, channel) in channels.iter().enumerate() {
        subscribe(&mut ws, i as u64 + 1, channel).await;
    }
    // Wait until the generator has quoted, then cross the book.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let order = NewOrder {
        market: BTC.to_owned(),
        side: Side::Buy,
        order_type: OrderType::Market,
        size: 100_000, // 0.001 BTC
        price: 0,
        trigger_price: None,
        instruction: Instruction::Ioc,
        stp: Stp::ExpireTaker,
        flags: Vec::new(),
        client_id: "ws-test-1".to_owned(),
        signature_timestamp: 0,
    };
    server
        .exchange()
        .place_order(&address, order)
        .expect("order accepted");
    let files = [
        "ws_orders.json",
        "ws_fills.json",
        "ws_positions.json",
        "ws_account.json",
        "ws_balance_events.json",
    ];
    for (channel, file) in channels.iter().zip(files) {
        let note = next_on(&mut ws, channel).await;
        let mut expected = sample(file);
        expected["params"]["channel"] = Value::from(*channel);
        assert_same_shape(&expected, &note, file);
    }
    // A bearer on the upgrade request authenticates the session like `auth`.
    let mut request =
        tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(
            server.ws_url(),
        )
        .unwrap();
    request
        .headers_mut()
        .insert("Authorization", format!("Bearer {token}").parse().unwrap());
    let (mut pre_authed, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("connect with bearer");
    subscribe(&mut pre_authed, 1, "orders.ALL").await;
    server.shutdown().await;
}

#[tokio::test]
async fn json_firehose_keeps_the_book_contiguous() {
    let server = start(MockConfig {
        firehose: true,
        firehose_count: 500,
        md_rate: 0.0,
        ..MockConfig::default()
    })
    .await;
    let mut ws = connect(&server.ws_url()).await;
    let channel = format!("order_book.{BTC}.deltas");
    subscribe(&mut ws, 1, &channel).await;
    let snapshot = next_on(&mut ws, &channel).await;
    assert_eq!(snapshot["params"]["data"]["update_type"], "s");
    let mut book: std::collections::HashMap<(String, String), String> =
        std::collections::HashMap::new();
    let mut last = snapshot["params"]["data"]["seq_no"].as_u64().unwrap();
    for level in snapshot["params"]["data"]["inserts"].as_array().unwrap() {
        book.insert(
            (level["side"].to_string(), level["price"].to_string()),
            level["size"].to_string(),
        );
    }
    for _ in 0..400 {
        let data = next_on(&mut ws, &channel).await["params"]["data"].clone();
        assert_eq!(data["seq_no"].as_u64().unwrap(), last + 1);
        last += 1;
        for level in data["inserts"].as_array().unwrap() {
            let key = (level["side"].to_string(), level["price"].to_string());
            assert!(
                book.insert(key, level["size"].to_string()).is_none(),
                "insert of an existing level"
            );
        }
        for level in data["updates"].as_array().unwrap() {
            let key = (level["side"].to_string(), level["price"].to_string());
            assert!(
                book.insert(key, level["size"].to_string()).is_some(),
                "update of a missing level"
            );
        }
        for level in data["deletes"].as_array().unwrap() {
            let key = (level["side"].to_string(), level["price"].to_string());
            assert!(book.remove(&key).is_some(), "delete of a missing level");
        }
    }
    server.shutdown().await;
}

#[tokio::test]
async fn server_pings_and_closes_without_pong() {
    let server = start(MockConfig {
        ping_interval_secs: 0.2,
        pong_timeout_secs: 0.3,
        md_rate: 0.0,
        ..MockConfig::default()
    })
    .await;
    // A reading client answers pings (tungstenite does it) and stays connected.
    let mut live = connect(&server.ws_url()).await;
    let mut pings = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_millis(900);
    while tokio::time::Instant::now() < deadline {
        use futures_util::StreamExt;
        if let Ok(Some(Ok(message))) =
            tokio::time::timeout(Duration::from_millis(100), live.next()).await
        {
            assert!(
                !matches!(message, Message::Close(_)),
                "a ponging client was closed"
            );
            pings += usize::from(matches!(message, Message::Ping(_)));
        }
    }
    assert!(pings >= 2, "pings seen: {pings}");
    // A client that never reads never pongs: the server closes the connection (with a 1008
    // close frame, which tungstenite may not surface: answering the queued pings first
    // fails on the closed socket).
    let mut silent = connect(&server.ws_url()).await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    loop {
        use futures_util::StreamExt;
        match tokio::time::timeout(WAIT, silent.next())
            .await
            .expect("closed within the wait")
        {
            Some(Ok(Message::Close(Some(frame)))) => {
                assert_eq!(u16::from(frame.code), 1008);
                break;
            }
            Some(Ok(Message::Close(None))) => panic!("close without a code"),
            Some(Ok(_)) => continue,
            Some(Err(_)) | None => break,
        }
    }
    server.shutdown().await;
}

#[tokio::test]
async fn firehose_streams_contiguous_sbe_deltas_and_stops_at_count() {
    let server = start(MockConfig {
        firehose: true,
        firehose_count: 20_000,
        md_rate: 0.0,
        ..MockConfig::default()
    })
    .await;
    let url = format!("{}?sbeSchemaId=1&sbeSchemaVersion=2", server.ws_url());
    let mut ws = connect(&url).await;
    subscribe(&mut ws, 1, &format!("order_book.{BTC}.deltas")).await;
    let snapshot = next_binary(&mut ws).await;
    let Ok(Sbe::Book(book)) = sbe::decode(&snapshot) else {
        panic!("snapshot first");
    };
    assert_eq!(book.pkg_type, PkgType::Snapshot);
    let mut last = book.seq;
    let started = std::time::Instant::now();
    for _ in 0..20_000 {
        let frame = next_binary(&mut ws).await;
        let Ok(Sbe::Book(delta)) = sbe::decode(&frame) else {
            panic!("book frames only");
        };
        assert_eq!(delta.pkg_type, PkgType::Delta);
        assert_eq!(delta.seq, last + 1);
        last = delta.seq;
    }
    let elapsed = started.elapsed();
    eprintln!("firehose: 20000 deltas in {elapsed:?} (debug build, includes decoding)");
    // The count is exhausted: nothing more arrives.
    use futures_util::StreamExt;
    let more = tokio::time::timeout(Duration::from_millis(300), ws.next()).await;
    assert!(
        !matches!(more, Ok(Some(Ok(Message::Binary(_))))),
        "frames after the count"
    );
    server.shutdown().await;
}
