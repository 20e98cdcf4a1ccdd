//! Sustained throughput of the feed thread against the mock's firehose (as fast as the socket
//! takes it): SBE book deltas through one pinned core into the book ring, none lost.
//! Prints messages per second and fails if any delta is lost or out of sequence.
//!
//! Run with: `cargo bench -p paradex-benches --bench feed_throughput`
//! (`FEED_THROUGHPUT_COUNT` sets the number of deltas, default 2,000,000;
//! `FEED_THROUGHPUT_CORE` pins the feed thread, default 1.)

use std::time::{Duration, Instant};

use paradex_benches::results::{BenchResult, Row, write_if_collecting};
use paradex_feed::{ChannelKind, FeedConfig, FeedHandle, PollMode};
use paradex_mock::config::MockConfig;
use paradex_mock::server::MockServer;
use paradex_ring::{BookLevel, HealthCounter, Reader, ReaderOptions, RecordKind, StartAt};

fn env_or(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` runs this as a smoke test.
    let smoke =
        !std::env::args().any(|a| a == "--bench") || std::env::args().any(|a| a == "--quick");
    let count = if smoke {
        20_000
    } else {
        env_or("FEED_THROUGHPUT_COUNT", 2_000_000)
    };
    let server = MockServer::start_blocking(MockConfig {
        firehose: true,
        firehose_count: count,
        md_rate: 0.0,
        ..MockConfig::default()
    })
    .expect("mock starts");
    let dir = std::path::PathBuf::from("/dev/shm");
    let feed_name = format!("throughput-{}", std::process::id());
    let mut config = FeedConfig::new(
        server.handle().ws_url(),
        &["BTC-USD-PERP"],
        &[ChannelKind::BookDeltas],
    );
    config.rings_dir = dir.clone();
    config.feed_name = feed_name.clone();
    config.ring_capacity = 1 << 20;
    config.poll_mode = PollMode::BusyPoll;
    let core = env_or("FEED_THROUGHPUT_CORE", 1) as usize;
    let cores = core_affinity::get_core_ids().unwrap_or_default();
    config.core = cores.iter().any(|c| c.id == core).then_some(core);

    let feed = FeedHandle::spawn(config).expect("feed starts");
    let ring = dir.join(RecordKind::BookLevel.segment_name(&feed_name));
    let options = ReaderOptions {
        start: StartAt::Next,
        register: false,
    };
    let books = Reader::<BookLevel>::open_with(&ring, options).expect("book ring");
    let deadline = Instant::now() + Duration::from_secs(120);
    while books.health(HealthCounter::Messages) == 0 && Instant::now() < deadline {
        std::hint::spin_loop();
    }
    let first = Instant::now();
    let target = count + 1; // the snapshot, then every delta
    while books.health(HealthCounter::Messages) < target && Instant::now() < deadline {
        std::thread::sleep(Duration::from_micros(200));
    }
    let elapsed = first.elapsed();
    let messages = books.health(HealthCounter::Messages);
    let gaps = books.health(HealthCounter::BookGaps);
    let stale = books.health(HealthCounter::StaleDropped);
    let valid = books.book_valid(0).unwrap_or(false);
    let stats = feed.stats();
    feed.shutdown().expect("feed stops");
    for kind in RecordKind::ALL {
        let _ = std::fs::remove_file(dir.join(kind.segment_name(&feed_name)));
    }
    println!(
        "feed_throughput: {messages} book messages ({count} deltas) in {elapsed:.3?}: {:.0} msg/s, gaps {gaps}, stale {stale}, book valid {valid}, pinned core {:?}, {stats:?}",
        (messages - 1) as f64 / elapsed.as_secs_f64(),
        (core < cores.len()).then_some(core),
    );
    let rate = (messages - 1) as f64 / elapsed.as_secs_f64();
    let lossless = messages == target && gaps == 0 && stale == 0 && valid;
    let mut result = BenchResult::new("feed_throughput", "feed thread sustained throughput");
    result.push(
        Row::value(
            "feed: SBE book deltas through one pinned core, none lost",
            "msg/s",
            rate,
            messages,
            Some("≥ 1,000,000 msg/s, none lost"),
        )
        .with("zero_loss", lossless.into())
        .with("gaps", gaps.into())
        .with("stale", stale.into())
        .with("book_valid", valid.into()),
    );
    result.note(format!(
        "The mock's firehose sends {count} SBE book deltas (after a snapshot) over loopback as fast \
         as the socket takes them; the feed thread busy-polls pinned to core {core}; the rate is \
         book-ring messages over the time from the first to the last one (sampled every 200 µs). \
         The mock runs in the same process on the same cores."
    ));
    write_if_collecting(&result);
    assert_eq!(messages, target, "messages lost");
    assert_eq!((gaps, stale), (0, 0), "book sequence broken");
    assert!(valid, "book not valid at the end");
}
