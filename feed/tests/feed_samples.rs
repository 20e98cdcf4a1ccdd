//! The JSON path on the venue's own sample payloads (`../shared/paradex/samples`).

mod support;

use paradex_feed::{ChannelKind, FeedConfig, Outcome, Publisher, Rings};
use paradex_ring::{BookLevel, HealthCounter, MarkFunding, RecordKind};
use support::{RingDir, read_n, reader};

fn sample(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/paradex/samples")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn venue_samples_publish_or_are_acknowledged() {
    let dir = RingDir::new();
    let markets = [
        "BTC-USD-PERP",
        "kBONK-USD-PERP",
        "ORDI-USD-PERP",
        "TRUMP-USD-PERP",
    ];
    let mut config = FeedConfig::new("ws://127.0.0.1:1/v1", &markets, &[ChannelKind::Bbo]);
    config.rings_dir = dir.path().to_path_buf();
    config.feed_name = "samples".into();
    config.ring_capacity = 1024;
    let mut publisher = Publisher::new(Rings::create(&config).unwrap(), &config.markets);
    let cases = [
        ("ws_bbo.json", Outcome::Published),
        ("ws_trades.json", Outcome::Published),
        // The deltas sample (seq 14127816) follows the snapshot sample (14127815).
        ("ws_order_book_deltas.json", Outcome::Stale),
        ("ws_order_book_snapshot.json", Outcome::Published),
        ("ws_order_book_deltas.json", Outcome::Published),
        ("ws_markets_summary.json", Outcome::Published),
        ("ws_funding_data.json", Outcome::Published),
        ("ws_subscribe_response.json", Outcome::Ignored),
        ("ws_error_invalid_channel.json", Outcome::Ignored),
        ("ws_order_book_deltas.json", Outcome::Resnapshot(0)),
    ];
    for (name, expected) in cases {
        let mut bytes = sample(name);
        assert_eq!(publisher.on_json(&mut bytes, 1), expected, "{name}");
    }
    let mut books = reader::<BookLevel>(dir.path(), "samples", RecordKind::BookLevel);
    // Snapshot: 2 levels; delta: 1 insert + 1 update + 1 delete; then the gap marker.
    let levels = read_n(&mut books, 6, std::time::Duration::from_secs(1));
    assert_eq!(levels[4].size, 0, "a delete removes the level");
    assert_eq!(books.health(HealthCounter::BookGaps), 1);
    assert_eq!(books.health(HealthCounter::ParseErrors), 0);
    let mut marks = reader::<MarkFunding>(dir.path(), "samples", RecordKind::MarkFunding);
    let marks = read_n(&mut marks, 2, std::time::Duration::from_secs(1));
    // "0.03919997509811" and "-0.00014969570582" truncated to 8 dp, as SBE's Rate8 is.
    assert_eq!((marks[0].market_id, marks[0].funding_rate), (2, 3_919_997));
    assert_eq!((marks[1].market_id, marks[1].funding_rate), (3, -14_969));
}
