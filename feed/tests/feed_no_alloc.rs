//! The per-message decode + publish path allocates nothing once warm, for SBE and for JSON.
//!
//! A counting global allocator sees every allocation in this process, so this file holds a
//! single test: no other test thread can allocate while it measures.

mod support;

use std::alloc::System;

use paradex_feed::{ChannelKind, FeedConfig, Outcome, Publisher, Rings};
use paradex_proto::sbe::{BboEvent, BookEvent, FillType, Level, Levels, PkgType, Side, TradeEvent};
use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use support::RingDir;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

const MARKET: &str = "BTC-USD-PERP";

fn sbe_frames(seq: i64) -> [Vec<u8>; 3] {
    let (mut bbo, mut trade, mut book) = (Vec::new(), Vec::new(), Vec::new());
    BboEvent {
        ts_us: 1_700_000_000_000_000 + seq,
        seq,
        bid_price: Some(4_200_000_000_000 + seq),
        bid_size: Some(150_000_000),
        ask_price: Some(4_200_050_000_000),
        ask_size: Some(90_000_000),
        market: MARKET,
    }
    .encode(2, &mut bbo)
    .unwrap();
    TradeEvent {
        ts_us: 1_700_000_000_000_000 + seq,
        seq,
        trade_id: 3,
        side: Side::Buy,
        price: 4_200_050_000_000,
        size: 100_000,
        created_at_us: 1_700_000_000_000_000,
        trade_type: FillType::Fill,
        market: MARKET,
        trade_id_str: Some("1718154353750201703989430001"),
    }
    .encode(2, &mut trade)
    .unwrap();
    let levels: Vec<Level> = (0..15)
        .map(|i| Level {
            price: 4_200_000_000_000 - i * 50_000_000,
            size: 100_000 + i,
        })
        .collect();
    BookEvent {
        ts_us: 1_700_000_000_000_000 + seq,
        seq,
        pkg_type: PkgType::Snapshot,
        best_bid_price: None,
        best_bid_size: None,
        best_ask_price: None,
        best_ask_size: None,
        relative_spread: None,
        best_bid_api_price: None,
        best_bid_api_size: None,
        best_ask_api_price: None,
        best_ask_api_size: None,
        bids: Levels::from_slice(&levels),
        asks: Levels::from_slice(&levels),
        market: MARKET,
    }
    .encode(2, &mut book)
    .unwrap();
    [bbo, trade, book]
}

fn json_frames(seq: i64) -> [String; 3] {
    let levels = (0..15)
        .map(|i| {
            format!(
                r#"{{"side":"BUY","price":"{}.5","size":"0.{i:03}"}}"#,
                67_000 - i
            )
        })
        .collect::<Vec<_>>()
        .join(",");
    [
        format!(
            r#"{{"jsonrpc":"2.0","method":"subscription","params":{{"channel":"bbo.{MARKET}","data":{{"market":"{MARKET}","bid":"30112.{seq}","bid_size":"0.04","ask":"30130.15","ask_size":"0.05","last_updated_at":1681493939981,"seq_no":{seq}}}}}}}"#
        ),
        format!(
            r#"{{"jsonrpc":"2.0","method":"subscription","params":{{"channel":"trades.{MARKET}","data":{{"id":"17181792732302017092332{seq}","market":"{MARKET}","side":"SELL","size":"0.034","price":"30112.5","created_at":1718179273230,"trade_type":"FILL"}}}}}}"#
        ),
        format!(
            r#"{{"jsonrpc":"2.0","method":"subscription","params":{{"channel":"order_book.{MARKET}.snapshot@15@50ms","data":{{"seq_no":{seq},"market":"{MARKET}","last_updated_at":1718267837265,"update_type":"s","inserts":[{levels}],"updates":[],"deletes":[]}}}}}}"#
        ),
    ]
}

#[test]
fn sbe_and_json_messages_allocate_nothing_once_warm() {
    const WARM: i64 = 10;
    const MESSAGES: i64 = 500;
    let dir = RingDir::new();
    let mut config = FeedConfig::new("ws://127.0.0.1:1/v1", &[MARKET], &[ChannelKind::Bbo]);
    config.rings_dir = dir.path().to_path_buf();
    config.feed_name = "noalloc".into();
    config.ring_capacity = 1 << 10;
    let mut publisher = Publisher::new(Rings::create(&config).unwrap(), &config.markets);
    let sbe: Vec<_> = (1..=MESSAGES).map(sbe_frames).collect();
    let json: Vec<_> = (1..=MESSAGES).map(json_frames).collect();
    // The feed thread's reused text buffer (see the handler), sized as the handler sizes it.
    let mut scratch = Vec::with_capacity(64 * 1024);
    let mut run = |range: std::ops::Range<usize>, publisher: &mut Publisher| {
        let mut published = 0;
        for i in range {
            for frame in &sbe[i] {
                published += usize::from(publisher.on_sbe(frame, 1) == Outcome::Published);
            }
            for text in &json[i] {
                scratch.clear();
                scratch.extend_from_slice(text.as_bytes());
                published += usize::from(publisher.on_json(&mut scratch, 1) == Outcome::Published);
            }
        }
        published
    };
    let warm = WARM as usize;
    assert_eq!(run(0..warm, &mut publisher), 6 * warm);

    let region = Region::new(GLOBAL);
    let published = run(warm..MESSAGES as usize, &mut publisher);
    let change = region.change();
    assert_eq!(
        published,
        6 * (MESSAGES - WARM) as usize,
        "every message published"
    );
    assert_eq!(
        (change.allocations, change.reallocations),
        (0, 0),
        "allocations on the message path: {change:?}"
    );
}
