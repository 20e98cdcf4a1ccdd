//! Decode + publish cost per message on the feed thread: SBE BBO, trade and 15-level book,
//! and the JSON forms for comparison (JSON includes the copy into the parse buffer, as the
//! feed does). Single thread, warm caches, rings in /dev/shm.
//!
//! Run with: `cargo bench -p paradex-benches --bench feed_decode`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use paradex_feed::{ChannelKind, FeedConfig, Publisher, Rings};
use paradex_ring::RecordKind;
use sample_frames::{MARKET, json_frames, sbe_frames};

// The messages of the feed's allocation test, so the bench times what that test checks.
#[path = "../../feed/tests/sample_frames/mod.rs"]
mod sample_frames;

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
        &[MARKET, "ETH-USD-PERP"],
        &[ChannelKind::Bbo],
    );
    config.feed_name = format!("bench-feed-{}", std::process::id());
    config.ring_capacity = 1 << 16;
    let rings = Rings::create(&config).expect("rings in /dev/shm");
    let publisher = Publisher::new(rings, &config.markets);
    (BenchRings(config), publisher)
}

fn bench_decode_publish(c: &mut Criterion) {
    let (_guard, mut publisher) = publisher();
    let [bbo, trade, book] = sbe_frames(1);
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
    let [json_bbo, json_trade, json_book] = json_frames(1);
    let mut scratch = Vec::with_capacity(4096);
    for (name, text) in [
        ("json_bbo", &json_bbo),
        ("json_trade", &json_trade),
        ("json_book_15x2_snapshot", &json_book),
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
