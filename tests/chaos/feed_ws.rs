//! The feed handler (in-process `FeedHandle`, SBE) against the mock's WebSocket faults, each
//! measured: the outage a ring reader saw, the counters it saw, and — for faults that insert a
//! bad frame (malformed, truncated, oversized) — an exact count of BBOs lost against the mock's
//! own recording of every frame it sent (must be zero). `feed/tests/feed_mock_faults.rs` checks
//! that the feed survives each fault; this suite measures it and proves nothing was lost.

use std::time::{Duration, Instant};

use paradex_feed::{ChannelKind, FeedConfig, FeedHandle, FeedStats, PollMode};
use paradex_mock::config::MockConfig;
use paradex_mock::faults::{FaultKind, FaultSpec};
use paradex_mock::marketdata::replay::{FrameKind, Recording};
use paradex_mock::server::{BlockingMockServer, MockServer};
use paradex_proto::sbe::{self, Message};
use paradex_ring::{
    Bbo, BookLevel, HealthCounter, Read, Reader, ReaderOptions, RecordKind, StartAt,
};
use serde_json::json;

use crate::support::{BTC, ScenarioResult, TempDir, ms_since, wait_until};

const FEED: &str = "chaos";
const SECOND: Duration = Duration::from_secs(1);
const BBO_CHANNEL: &str = "bbo.BTC-USD-PERP";

/// A mock publishing 200 updates a second per market, recording its first session's frames.
fn mock(record: Option<std::path::PathBuf>) -> BlockingMockServer {
    MockServer::start_blocking(MockConfig {
        md_rate: 200.0,
        record,
        ..MockConfig::default()
    })
    .expect("mock starts")
}

fn feed(
    server: &BlockingMockServer,
    dir: &TempDir,
    tune: impl FnOnce(&mut FeedConfig),
) -> FeedHandle {
    let channels = [ChannelKind::Bbo, ChannelKind::BookDeltas];
    let mut config = FeedConfig::new(server.handle().ws_url(), &[BTC], &channels);
    config.rings_dir = dir.path().to_path_buf();
    config.feed_name = FEED.into();
    config.ring_capacity = 1 << 16;
    config.poll_mode = PollMode::Epoll;
    tune(&mut config);
    FeedHandle::spawn(config).expect("feed starts")
}

fn reader<R: paradex_ring::ShmRecord>(dir: &TempDir, kind: RecordKind) -> Reader<R> {
    let options = ReaderOptions {
        start: StartAt::Oldest,
        register: false,
    };
    Reader::open_with(dir.path().join(kind.segment_name(FEED)), options).expect("open ring")
}

/// What a ring reader saw over a whole scenario.
#[derive(Debug, Default)]
struct Watch {
    /// Local receive times (ns) of every BBO and book record, in arrival order per ring.
    bbo_times: Vec<i64>,
    book_times: Vec<i64>,
}

impl Watch {
    fn drain(&mut self, bbos: &mut Reader<Bbo>, books: &mut Reader<BookLevel>) {
        loop {
            match bbos.try_read() {
                Read::Record(r) => self.bbo_times.push(r.ts_recv),
                Read::Empty => break,
                Read::Lapped(lost) => panic!("a 65k ring lapped in a short test: {lost}"),
            }
        }
        loop {
            match books.try_read() {
                Read::Record(r) => self.book_times.push(r.ts_recv),
                Read::Empty => break,
                Read::Lapped(lost) => panic!("a 65k ring lapped in a short test: {lost}"),
            }
        }
    }

    /// The largest silence between consecutive BBOs: the outage a strategy saw, in ms.
    fn largest_bbo_gap_ms(&self) -> f64 {
        let gap = self
            .bbo_times
            .windows(2)
            .map(|w| w[1] - w[0])
            .max()
            .unwrap_or(0);
        gap as f64 / 1e6
    }
}

/// Runs until `done` holds (draining the rings every 2 ms), at most `limit`.
fn watch_until(
    feed: &FeedHandle,
    bbos: &mut Reader<Bbo>,
    books: &mut Reader<BookLevel>,
    watch: &mut Watch,
    limit: Duration,
    mut done: impl FnMut(&FeedStats, &Reader<BookLevel>, &Watch) -> bool,
) -> bool {
    wait_until(limit, || {
        watch.drain(bbos, books);
        let stats = feed.stats().expect("feed running");
        done(&stats, books, watch)
    })
}

fn counters(books: &Reader<BookLevel>) -> serde_json::Value {
    json!({
        "reconnects": books.health(HealthCounter::Reconnects),
        "book_gaps": books.health(HealthCounter::BookGaps),
        "malformed_frames": books.health(HealthCounter::MalformedFrames),
        "parse_errors": books.health(HealthCounter::ParseErrors),
    })
}

fn stats_json(s: &FeedStats) -> serde_json::Value {
    json!({
        "connects": s.connects, "reconnects": s.reconnects, "stalls": s.stalls,
        "malformed": s.malformed, "oversized": s.oversized, "resnapshots": s.resnapshots,
        "stale": s.stale, "unknown": s.unknown,
    })
}

/// BBO frames in a recording (SBE template 2).
fn recorded_bbos(path: &std::path::Path) -> u64 {
    let recording = Recording::load(path).expect("recording loads");
    recording
        .frames
        .iter()
        .filter(|f| f.kind == FrameKind::Binary)
        .filter(|f| matches!(sbe::decode(&f.payload), Ok(Message::Bbo(_))))
        .count() as u64
}

/// A bad frame is inserted into the BBO stream of the first session; the feed must count it,
/// skip it, stay connected, and publish every real BBO the mock sent (checked against the
/// mock's recording after freezing the stream).
fn bad_frame_loses_nothing(
    scenario: &'static str,
    title: &'static str,
    fault: FaultKind,
    tune: impl FnOnce(&mut FeedConfig),
    counted: impl Fn(&FeedStats) -> u64,
) {
    let dir = TempDir::shm("feed-ws");
    let rec_dir = TempDir::tmp("rec");
    let record = rec_dir.path().join("first-session.rec");
    let server = mock(Some(record.clone()));
    server
        .handle()
        .faults()
        .install(FaultSpec::new(fault).sessions(1).channel(BBO_CHANNEL))
        .expect("fault installs");
    let feed = feed(&server, &dir, tune);
    let mut bbos = reader::<Bbo>(&dir, RecordKind::Bbo);
    let mut books = reader::<BookLevel>(&dir, RecordKind::BookLevel);
    let mut watch = Watch::default();

    let mut fired_at = None;
    let recovered = watch_until(
        &feed,
        &mut bbos,
        &mut books,
        &mut watch,
        15 * SECOND,
        |s, _, seen| {
            if fired_at.is_none() && counted(s) >= 1 {
                fired_at = Some((Instant::now(), seen.bbo_times.len()));
            }
            // Recovered: 50 more BBOs after the bad frame.
            fired_at.is_some_and(|(_, n)| seen.bbo_times.len() >= n + 50)
        },
    );
    let stats = feed.stats().expect("stats");
    assert!(recovered, "no data after the bad frame: {stats:?}");
    let (fired, _) = fired_at.expect("fault seen");
    let fifty_more_ms = ms_since(fired);

    // Freeze the stream (everything recorded has been flushed to the socket), let the feed
    // drain it, then end the session so the recording is complete.
    server
        .handle()
        .faults()
        .install(FaultSpec::new(FaultKind::WsStall {
            after: 0,
            duration_ms: None,
        }))
        .expect("freeze");
    std::thread::sleep(Duration::from_millis(500));
    watch.drain(&mut bbos, &mut books);
    let stats = feed.stats().expect("stats");
    feed.shutdown().expect("feed stops");
    drop(server);
    let sent = recorded_bbos(&record);
    let published = watch.bbo_times.len() as u64;

    assert_eq!(
        stats.connects, 1,
        "a bad frame must not cost the connection"
    );
    assert_eq!(counted(&stats), 1, "{stats:?}");
    assert_eq!(stats.stale, 0, "{stats:?}");
    assert_eq!(published, sent, "BBOs sent {sent}, published {published}");
    assert!(books.book_valid(0).expect("market 0"));

    ScenarioResult {
        scenario,
        title,
        recovery_ms: Some(watch.largest_bbo_gap_ms()),
        lost: sent - published,
        lost_what: "BBOs the mock sent that never reached the ring",
        user_saw: format!(
            "feed stayed connected (connects = 1); counter +1; largest BBO gap {:.1} ms",
            watch.largest_bbo_gap_ms()
        ),
        details: json!({
            "bbos_sent": sent, "bbos_published": published,
            "largest_bbo_gap_ms": watch.largest_bbo_gap_ms(),
            "feed_stats": stats_json(&stats), "ring_counters": counters(&books),
            "bad_frame_to_50_more_bbos_ms": fifty_more_ms,
            "recovery_note": "largest gap between consecutive BBO receive times across the run (the bad frame costs no outage)",
        }),
    }
    .record();
}

#[test]
fn malformed_frame_loses_nothing() {
    bad_frame_loses_nothing(
        "ws_malformed",
        "malformed SBE frame (header promising a missing block) mid-stream",
        FaultKind::WsMalformed { after: 30 },
        |_| {},
        |s| s.malformed,
    );
}

#[test]
fn truncated_frame_loses_nothing() {
    bad_frame_loses_nothing(
        "ws_truncated",
        "BBO frame cut to half its length, then sent whole",
        FaultKind::WsTruncated { after: 30 },
        |_| {},
        |s| s.malformed,
    );
}

#[test]
fn oversized_frame_loses_nothing() {
    bad_frame_loses_nothing(
        "ws_oversized",
        "2 MiB frame against a 1 MiB limit mid-stream",
        FaultKind::WsOversized {
            after: 30,
            bytes: Some(2 << 20),
        },
        |c| c.max_frame_bytes = 1 << 20,
        |s| s.oversized,
    );
}

/// A connection-level fault (drop, stall): measures the outage from the last BBO before the
/// fault to the book being valid again after the reconnect.
fn reconnect_scenario(
    scenario: &'static str,
    title: &'static str,
    fault: FaultKind,
    tune: impl FnOnce(&mut FeedConfig),
) {
    let dir = TempDir::shm("feed-ws");
    let server = mock(None);
    server
        .handle()
        .faults()
        .install(FaultSpec::new(fault).sessions(1).channel(BBO_CHANNEL))
        .expect("fault installs");
    let feed = feed(&server, &dir, tune);
    let mut bbos = reader::<Bbo>(&dir, RecordKind::Bbo);
    let mut books = reader::<BookLevel>(&dir, RecordKind::BookLevel);
    let mut watch = Watch::default();

    let mut reconnected_at: Option<Instant> = None;
    let mut valid_again_at: Option<Instant> = None;
    let ok = watch_until(
        &feed,
        &mut bbos,
        &mut books,
        &mut watch,
        20 * SECOND,
        |s, books, _| {
            if reconnected_at.is_none() && s.connects >= 2 {
                reconnected_at = Some(Instant::now());
            }
            if reconnected_at.is_some() && valid_again_at.is_none() && books.book_valid(0).unwrap()
            {
                valid_again_at = Some(Instant::now());
            }
            valid_again_at.is_some_and(|at| at.elapsed() > Duration::from_millis(300))
        },
    );
    let stats = feed.stats().expect("stats");
    assert!(ok, "no recovery: {stats:?}");
    assert_eq!(stats.connects, 2, "exactly one reconnect: {stats:?}");
    assert_eq!(books.health(HealthCounter::Reconnects), 1);
    assert_eq!(
        books.health(HealthCounter::BookGaps),
        0,
        "a reconnect is not a gap"
    );
    let outage_ms = watch.largest_bbo_gap_ms();
    feed.shutdown().expect("feed stops");

    ScenarioResult {
        scenario,
        title,
        recovery_ms: Some(outage_ms),
        lost: 0,
        lost_what: "none the exchange keeps: market data sent into a dead socket is not replayable; the book is rebuilt from a fresh snapshot",
        user_saw: format!(
            "Reconnects counter 1, connects 2, stalls {}, book valid again; largest BBO gap {outage_ms:.1} ms",
            stats.stalls
        ),
        details: json!({
            "largest_bbo_gap_ms": outage_ms,
            "bbos_published": watch.bbo_times.len(),
            "feed_stats": stats_json(&stats), "ring_counters": counters(&books),
            "recovery_note": "largest gap between consecutive BBO receive times (ring reader's view)",
        }),
    }
    .record();
}

#[test]
fn dropped_socket_mid_stream() {
    reconnect_scenario(
        "ws_drop",
        "socket closed without a close frame after 100 BBOs",
        FaultKind::WsDrop { after: 100 },
        |_| {},
    );
}

#[test]
fn stalled_stream_with_socket_open() {
    reconnect_scenario(
        "ws_stall",
        "no frames (data or pings) after 50 BBOs, socket open; feed stall timeout 500 ms",
        FaultKind::WsStall {
            after: 50,
            duration_ms: None,
        },
        |c| c.stall_timeout_ms = 500,
    );
}

#[test]
fn book_seq_no_gap() {
    let dir = TempDir::shm("feed-ws");
    let server = mock(None);
    server
        .handle()
        .faults()
        .install(FaultSpec::new(FaultKind::WsSkipSeq { after: 50 }).sessions(1))
        .expect("fault installs");
    let feed = feed(&server, &dir, |_| {});
    let mut bbos = reader::<Bbo>(&dir, RecordKind::Bbo);
    let mut books = reader::<BookLevel>(&dir, RecordKind::BookLevel);
    let mut watch = Watch::default();

    let mut gap_at: Option<Instant> = None;
    let mut valid_at: Option<Instant> = None;
    let mut saw_invalid = false;
    let ok = watch_until(
        &feed,
        &mut bbos,
        &mut books,
        &mut watch,
        15 * SECOND,
        |_, books, _| {
            let gaps = books.health(HealthCounter::BookGaps);
            let valid = books.book_valid(0).unwrap();
            if gap_at.is_none() && gaps >= 1 {
                gap_at = Some(Instant::now());
            }
            if gap_at.is_some() && !valid {
                saw_invalid = true;
            }
            if gap_at.is_some() && valid_at.is_none() && valid {
                valid_at = Some(Instant::now());
            }
            valid_at.is_some_and(|at| at.elapsed() > Duration::from_millis(300))
        },
    );
    let stats = feed.stats().expect("stats");
    assert!(ok, "no recovery from the gap: {stats:?}");
    let (gap, valid) = (gap_at.expect("gap"), valid_at.expect("valid"));
    assert_eq!(books.health(HealthCounter::BookGaps), 1);
    assert_eq!(stats.resnapshots, 1, "{stats:?}");
    assert_eq!(
        stats.connects, 1,
        "a gap is repaired by resubscribing, not reconnecting"
    );
    let recovery_ms = valid.duration_since(gap).as_secs_f64() * 1e3;
    feed.shutdown().expect("feed stops");

    ScenarioResult {
        scenario: "book_seq_gap",
        title: "one book delta withheld (seq_no jumps by 2) after 50 deltas",
        recovery_ms: Some(recovery_ms),
        lost: 0,
        lost_what: "book state: the withheld delta is superseded by a fresh snapshot",
        user_saw: format!(
            "BookGaps 1, book flagged invalid{} until the resnapshot, resnapshots 1, connects 1",
            if saw_invalid {
                " (seen by the reader)"
            } else {
                ""
            }
        ),
        details: json!({
            "gap_to_valid_ms": recovery_ms,
            "reader_saw_invalid_flag": saw_invalid,
            "feed_stats": stats_json(&stats), "ring_counters": counters(&books),
        }),
    }
    .record();
}
