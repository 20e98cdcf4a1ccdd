//! Decode + publish cost per message on the feed thread: SBE BBO, trade and 15-level book,
//! and the JSON forms for comparison (JSON includes the copy into the parse buffer, as the
//! feed does). Single thread, warm caches, rings in /dev/shm.
//!
//! Run with: `cargo bench -p paradex-benches --bench feed_decode`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use paradex_feed::{ChannelKind, FeedConfig, Publisher, Rings};
use paradex_proto::sbe::{BboEvent, BookEvent, FillType, Level, Levels, PkgType, Side, TradeEvent};
use paradex_ring::RecordKind;

/// The four ring files of a bench feed, removed on drop.
struct BenchRings(FeedConfig);

impl Drop for BenchRings {
    fn drop(&mut self) {
        for kind in RecordKind::ALL {
            let _ =
                std::fs::remove_file(self.0.rings_dir.join(kind.segment_name(&self.0.feed_name)));
        }
    }
}

fn publisher() -> (BenchRings, Publisher) {
    let mut config = FeedConfig::new(
        "ws://127.0.0.1:1/v1",
        &["BTC-USD-PERP", "ETH-USD-PERP"],
        &[ChannelKind::Bbo],
    );
    config.feed_name = format!("bench-feed-{}", std::process::id());
    config.ring_capacity = 1 << 16;
    let rings = Rings::create(&config).expect("rings in /dev/shm");
    let publisher = Publisher::new(rings, &config.markets);
    (BenchRings(config), publisher)
}

fn sbe_frames() -> (Vec<u8>, Vec<u8>, Vec<u8>) {
    let mut bbo = Vec::new();
    BboEvent {
        ts_us: 1_700_000_000_000_000,
        seq: 1,
        bid_price: Some(4_200_000_000_000),
        bid_size: Some(150_000_000),
        ask_price: Some(4_200_050_000_000),
        ask_size: Some(90_000_000),
        market: "BTC-USD-PERP",
    }
    .encode(2, &mut bbo)
    .unwrap();
    let mut trade = Vec::new();
    TradeEvent {
        ts_us: 1_700_000_000_000_000,
        seq: 2,
        trade_id: 3,
        side: Side::Buy,
        price: 4_200_050_000_000,
        size: 100_000,
        created_at_us: 1_700_000_000_000_000,
        trade_type: FillType::Fill,
        market: "BTC-USD-PERP",
        trade_id_str: Some("1718154353750201703989430001"),
    }
    .encode(2, &mut trade)
    .unwrap();
    let bids: Vec<Level> = (0..15)
        .map(|i| Level {
            price: 4_200_000_000_000 - i * 50_000_000,
            size: 100_000 + i,
        })
        .collect();
    let asks: Vec<Level> = (0..15)
        .map(|i| Level {
            price: 4_200_050_000_000 + i * 50_000_000,
            size: 100_000 + i,
        })
        .collect();
    let mut book = Vec::new();
    BookEvent {
        ts_us: 1_700_000_000_000_000,
        seq: 3,
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
        bids: Levels::from_slice(&bids),
        asks: Levels::from_slice(&asks),
        market: "BTC-USD-PERP",
    }
    .encode(2, &mut book)
    .unwrap();
    (bbo, trade, book)
}

fn json_book_15() -> String {
    let side = |side: &str, base: f64, step: f64| {
        (0..15)
            .map(|i| {
                format!(
                    r#"{{"side":"{side}","price":"{:.1}","size":"0.{:03}"}}"#,
                    base + step * f64::from(i),
                    i + 1
                )
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    format!(
        r#"{{"jsonrpc":"2.0","method":"subscription","params":{{"channel":"order_book.BTC-USD-PERP.snapshot@15@50ms","data":{{"seq_no":14127815,"market":"BTC-USD-PERP","last_updated_at":1718267837265,"update_type":"s","inserts":[{},{}],"updates":[],"deletes":[]}}}}}}"#,
        side("BUY", 67629.7, -0.5),
        side("SELL", 67630.2, 0.5)
    )
}

const JSON_BBO: &str = r#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"bbo.BTC-USD-PERP","data":{"market":"BTC-USD-PERP","bid":"30112.22","bid_size":"0.04","ask":"30130.15","ask_size":"0.05","last_updated_at":1681493939981,"seq_no":20784}}}"#;
const JSON_TRADE: &str = r#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"trades.BTC-USD-PERP","data":{"id":"1718179273230201709233240002","market":"BTC-USD-PERP","side":"BUY","size":"0.034","price":"30112.5","created_at":1718179273230,"trade_type":"FILL"}}}"#;

fn bench_decode_publish(c: &mut Criterion) {
    let (_guard, mut publisher) = publisher();
    let (bbo, trade, book) = sbe_frames();
    let mut group = c.benchmark_group("feed_decode_publish");
    group.throughput(Throughput::Elements(1));
    let mut recv_ns = 0i64;
    group.bench_function("sbe_bbo", |b| {
        b.iter(|| {
            recv_ns += 1;
            black_box(publisher.on_sbe(black_box(&bbo), recv_ns))
        });
    });
    group.bench_function("sbe_bbo_decode_only", |b| {
        b.iter(|| black_box(paradex_proto::sbe::decode(black_box(&bbo))));
    });
    group.bench_function("sbe_trade", |b| {
        b.iter(|| black_box(publisher.on_sbe(black_box(&trade), 1)));
    });
    group.bench_function("sbe_book_15x2_snapshot", |b| {
        b.iter(|| black_box(publisher.on_sbe(black_box(&book), 1)));
    });
    let json_book = json_book_15();
    let mut scratch = Vec::with_capacity(4096);
    for (name, text) in [
        ("json_bbo", JSON_BBO),
        ("json_trade", JSON_TRADE),
        ("json_book_15x2_snapshot", json_book.as_str()),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| {
                scratch.clear();
                scratch.extend_from_slice(text.as_bytes());
                black_box(publisher.on_json(&mut scratch, 1))
            });
        });
    }
    group.finish();
}

criterion_group!(benches, bench_decode_publish);
criterion_main!(benches);
