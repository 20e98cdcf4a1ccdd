//! The feed handler against `paradex-mock`'s own fault injection: a dropped socket, a skipped
//! book `seq_no`, a stalled stream, malformed and oversized frames, and the JSON-only mode.
//! `feed_script.rs` covers the same behaviours against a scripted server frame by frame; these
//! tests prove them against the exchange the product is tested on.

mod support;

use std::time::Duration;

use paradex_feed::status::{StatusMonitor, render};
use paradex_feed::{ChannelKind, FeedConfig, FeedHandle, PollMode};
use paradex_mock::config::MockConfig;
use paradex_mock::faults::{FaultKind, FaultSpec};
use paradex_mock::server::{BlockingMockServer, MockServer};
use paradex_ring::{
    Bbo, BookLevel, HealthCounter, Read, Reader, ReaderOptions, RecordKind, StartAt,
};
use support::{RingDir, reader, wait_until};

const SECOND: Duration = Duration::from_secs(1);
const FEED: &str = "faults";

/// A mock publishing a few hundred updates a second, with `fault` armed for the first session.
fn mock_with(fault: FaultKind) -> BlockingMockServer {
    let server = MockServer::start_blocking(MockConfig {
        md_rate: 200.0,
        ..MockConfig::default()
    })
    .expect("mock starts");
    server
        .handle()
        .faults()
        .install(FaultSpec::new(fault).sessions(1))
        .expect("fault installs");
    server
}

fn feed_config(server: &BlockingMockServer, dir: &RingDir) -> FeedConfig {
    let channels = [ChannelKind::Bbo, ChannelKind::BookDeltas];
    let mut config = FeedConfig::new(server.handle().ws_url(), &["BTC-USD-PERP"], &channels);
    config.rings_dir = dir.path().to_path_buf();
    config.feed_name = FEED.into();
    config.ring_capacity = 1 << 16;
    config.poll_mode = PollMode::Epoll;
    config
}

/// Local receive times of every BBO in the ring, oldest first.
fn bbo_receive_times(bbos: &mut Reader<Bbo>) -> Vec<i64> {
    let mut times = Vec::new();
    loop {
        match bbos.try_read() {
            Read::Record(bbo) => times.push(bbo.ts_recv),
            Read::Empty => return times,
            Read::Lapped(lost) => panic!("a 65k ring lapped in a short test: {lost}"),
        }
    }
}

/// The book ring keeps receiving and the book is valid again.
fn book_recovers(books: &Reader<BookLevel>) -> bool {
    let before = books.health(HealthCounter::Messages);
    wait_until(5 * SECOND, || {
        books.health(HealthCounter::Messages) > before + 20 && books.book_valid(0).unwrap()
    })
}

#[test]
fn dropped_socket_reconnects_within_a_second_and_data_resumes() {
    let dir = RingDir::new();
    let server = mock_with(FaultKind::WsDrop { after: 100 });
    let feed = FeedHandle::spawn(feed_config(&server, &dir)).expect("feed starts");
    let books = reader::<BookLevel>(dir.path(), FEED, RecordKind::BookLevel);
    let mut bbos = reader::<Bbo>(dir.path(), FEED, RecordKind::Bbo);

    assert!(
        wait_until(15 * SECOND, || feed.stats().unwrap().connects >= 2),
        "no reconnect after the mock dropped the socket: {:?}",
        feed.stats()
    );
    assert!(
        book_recovers(&books),
        "book did not recover after reconnect"
    );

    // The outage as a reader saw it: the largest gap between consecutive BBO receive times.
    let times = bbo_receive_times(&mut bbos);
    let largest_gap_ns = times.windows(2).map(|w| w[1] - w[0]).max().unwrap();
    eprintln!(
        "largest BBO gap across the drop: {:.1} ms",
        largest_gap_ns as f64 / 1e6
    );
    assert!(largest_gap_ns < 1_000_000_000, "outage {largest_gap_ns} ns");
    assert!(books.health(HealthCounter::Reconnects) >= 1);
    assert_eq!(books.health(HealthCounter::BookGaps), 0);
    feed.shutdown().unwrap();
}

#[test]
fn skipped_book_seq_no_invalidates_then_resnapshots() {
    let dir = RingDir::new();
    let server = mock_with(FaultKind::WsSkipSeq { after: 50 });
    let feed = FeedHandle::spawn(feed_config(&server, &dir)).expect("feed starts");
    let books = reader::<BookLevel>(dir.path(), FEED, RecordKind::BookLevel);

    assert!(
        wait_until(15 * SECOND, || books.health(HealthCounter::BookGaps) >= 1),
        "the skipped seq_no was not detected"
    );
    assert!(wait_until(5 * SECOND, || feed.stats().unwrap().resnapshots >= 1));
    assert!(book_recovers(&books), "no fresh snapshot after the gap");
    assert_eq!(books.health(HealthCounter::BookGaps), 1);
    // Recovery by resubscribing, not by reconnecting.
    assert_eq!(feed.stats().unwrap().connects, 1);
    feed.shutdown().unwrap();
}

#[test]
fn stalled_stream_is_detected_and_reconnected() {
    let dir = RingDir::new();
    let server = mock_with(FaultKind::WsStall {
        after: 50,
        duration_ms: None,
    });
    let mut config = feed_config(&server, &dir);
    config.stall_timeout_ms = 500;
    let feed = FeedHandle::spawn(config).expect("feed starts");
    let books = reader::<BookLevel>(dir.path(), FEED, RecordKind::BookLevel);

    assert!(
        wait_until(15 * SECOND, || feed.stats().unwrap().stalls >= 1),
        "stall not detected: {:?}",
        feed.stats()
    );
    assert!(wait_until(5 * SECOND, || feed.stats().unwrap().connects >= 2));
    assert!(book_recovers(&books), "data did not resume after the stall");
    feed.shutdown().unwrap();
}

#[test]
fn malformed_frame_is_counted_and_skipped_without_reconnecting() {
    let dir = RingDir::new();
    let server = mock_with(FaultKind::WsMalformed { after: 30 });
    let feed = FeedHandle::spawn(feed_config(&server, &dir)).expect("feed starts");
    let books = reader::<BookLevel>(dir.path(), FEED, RecordKind::BookLevel);

    assert!(
        wait_until(15 * SECOND, || feed.stats().unwrap().malformed >= 1),
        "malformed frame not counted: {:?}",
        feed.stats()
    );
    assert!(book_recovers(&books));
    assert!(books.health(HealthCounter::MalformedFrames) >= 1);
    assert_eq!(feed.stats().unwrap().connects, 1);
    feed.shutdown().unwrap();
}

/// An oversized frame of `bytes` from the mock is dropped and counted; the connection stays.
fn oversized_frame_is_skipped(bytes: usize, max_frame_bytes: usize) {
    let dir = RingDir::new();
    let server = mock_with(FaultKind::WsOversized {
        after: 30,
        bytes: Some(bytes),
    });
    let mut config = feed_config(&server, &dir);
    config.max_frame_bytes = max_frame_bytes;
    let feed = FeedHandle::spawn(config).expect("feed starts");
    let books = reader::<BookLevel>(dir.path(), FEED, RecordKind::BookLevel);

    assert!(
        wait_until(15 * SECOND, || feed.stats().unwrap().oversized >= 1),
        "oversized frame not counted: {:?}",
        feed.stats()
    );
    assert!(book_recovers(&books));
    let stats = feed.stats().unwrap();
    assert_eq!((stats.oversized, stats.connects), (1, 1), "{stats:?}");
    assert!(books.health(HealthCounter::MalformedFrames) >= 1);
    feed.shutdown().unwrap();
}

#[test]
fn oversized_frame_below_tungstenites_cap_is_skipped_without_reconnecting() {
    oversized_frame_is_skipped(2 << 20, 1 << 20);
}

#[test]
fn oversized_frame_above_16_mib_is_skipped_without_reconnecting() {
    oversized_frame_is_skipped(20 << 20, 64 << 10);
}

#[test]
fn json_only_mode_fills_the_rings_from_json_notifications() {
    let dir = RingDir::new();
    let server = MockServer::start_blocking(MockConfig {
        md_rate: 200.0,
        ..MockConfig::default()
    })
    .expect("mock starts");
    let mut config = feed_config(&server, &dir);
    config.json_only = true;
    let feed = FeedHandle::spawn(config).expect("feed starts");
    let books = reader::<BookLevel>(dir.path(), FEED, RecordKind::BookLevel);
    let mut bbos = reader::<Bbo>(dir.path(), FEED, RecordKind::Bbo);

    assert!(book_recovers(&books), "no JSON book data");
    assert!(wait_until(5 * SECOND, || !bbo_receive_times(&mut bbos).is_empty()));
    assert_eq!(books.health(HealthCounter::BookGaps), 0);
    assert_eq!(books.health(HealthCounter::ParseErrors), 0);
    feed.shutdown().unwrap();
}

#[test]
fn lapped_reader_shows_in_the_header_and_the_status_view() {
    let dir = RingDir::new();
    let server = MockServer::start_blocking(MockConfig {
        md_rate: 500.0,
        ..MockConfig::default()
    })
    .expect("mock starts");
    let mut config = feed_config(&server, &dir);
    config.ring_capacity = 16;
    let feed = FeedHandle::spawn(config.clone()).expect("feed starts");
    let path = dir.path().join(RecordKind::BookLevel.segment_name(FEED));
    assert!(wait_until(5 * SECOND, || path.exists()), "no book ring");
    let options = ReaderOptions {
        start: StartAt::Oldest,
        register: true,
    };
    let mut lagging = Reader::<BookLevel>::open_with(&path, options).expect("open ring");
    assert!(
        wait_until(15 * SECOND, || lagging.published() > lagging.cursor() + 64),
        "the feed did not publish past the 16-slot ring"
    );
    let mut lost = 0;
    for _ in 0..8 {
        if let Read::Lapped(n) = lagging.try_read() {
            lost += n;
        }
    }
    assert!(
        lost > 0,
        "a reader 64 records behind a 16-slot ring is lapped"
    );
    assert_eq!(lagging.lost(), lost);
    assert_eq!(lagging.health(HealthCounter::LapsObserved), lost);
    let rows = StatusMonitor::open(&config).expect("status opens").sample();
    let row = rows
        .iter()
        .find(|row| row.kind == RecordKind::BookLevel)
        .expect("book row");
    assert_eq!((row.laps, row.readers), (lost, 1));
    assert!(render(&rows).contains(&format!(" {lost} ")));
    feed.shutdown().unwrap();
}
