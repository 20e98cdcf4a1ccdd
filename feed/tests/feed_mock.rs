//! The feed handler against the real mock exchange (`paradex-mock`): records match the frames
//! the mock sent, the firehose arrives without loss or gaps, and `wss://` works with the
//! mock's CA (and fails without it).

mod support;

use std::time::{Duration, Instant};

use paradex_feed::{ChannelKind, FeedConfig, FeedHandle, PollMode};
use paradex_mock::config::MockConfig;
use paradex_mock::marketdata::{FrameKind, Recording};
use paradex_mock::server::{BlockingMockServer, MockServer};
use paradex_proto::sbe::{self, Message, PkgType};
use paradex_ring::{
    Bbo, BookLevel, HealthCounter, MarkFunding, NULL_PRICE, RecordKind, SIDE_BUY, SIDE_SELL, Trade,
};
use support::{RingDir, reader, wait_until};

const SECOND: Duration = Duration::from_secs(1);
const MARKETS: [&str; 2] = ["BTC-USD-PERP", "ETH-USD-PERP"];

fn feed_config(server: &BlockingMockServer, dir: &RingDir, channels: &[ChannelKind]) -> FeedConfig {
    let mut config = FeedConfig::new(server.handle().ws_url(), &MARKETS, channels);
    config.rings_dir = dir.path().to_path_buf();
    config.feed_name = "mock".into();
    config.ring_capacity = 1 << 17;
    config.poll_mode = PollMode::Epoll;
    config
}

/// Every record currently in a ring, oldest first.
fn drain<R: paradex_ring::ShmRecord>(reader: &mut paradex_ring::Reader<R>) -> Vec<R> {
    let mut out = Vec::new();
    loop {
        match reader.try_read() {
            paradex_ring::Read::Record(r) => out.push(r),
            paradex_ring::Read::Empty => return out,
            paradex_ring::Read::Lapped(lost) => panic!("lapped: {lost}"),
        }
    }
}

fn market_id(symbol: &str) -> u32 {
    MARKETS.iter().position(|m| *m == symbol).unwrap() as u32
}

#[derive(Default)]
struct Expected {
    bbo: Vec<Bbo>,
    trade: Vec<Trade>,
    book: Vec<(u32, u16, i64, i64, i64)>,
    /// `book.len()` after each book frame: the feed publishes whole frames.
    book_frame_ends: Vec<usize>,
    mark: Vec<MarkFunding>,
}

/// What the rings must hold for the frames the mock recorded (receive times zeroed).
fn expected_from(recording: &Recording) -> Expected {
    let mut expected = Expected::default();
    let mut last_bbo_seq = [i64::MIN; 2];
    for frame in &recording.frames {
        assert_eq!(
            frame.kind,
            FrameKind::Binary,
            "SBE session sent a text data frame"
        );
        match sbe::decode(&frame.payload).expect("mock frames decode") {
            Message::Bbo(e) => {
                let id = market_id(e.market);
                if e.seq >= last_bbo_seq[id as usize] {
                    last_bbo_seq[id as usize] = e.seq;
                    expected.bbo.push(Bbo {
                        ts_exchange: e.ts_us * 1_000,
                        ts_recv: 0,
                        market_id: id,
                        flags: 0,
                        bid_px: e.bid_price.unwrap_or(NULL_PRICE),
                        bid_sz: e.bid_size.unwrap_or(0),
                        ask_px: e.ask_price.unwrap_or(NULL_PRICE),
                        ask_sz: e.ask_size.unwrap_or(0),
                    });
                }
            }
            Message::Trade(e) => expected.trade.push(Trade {
                ts_exchange: e.created_at_us * 1_000,
                ts_recv: 0,
                market_id: market_id(e.market),
                side: if e.side == sbe::Side::Buy {
                    SIDE_BUY
                } else {
                    SIDE_SELL
                },
                trade_type: u16::from(e.trade_type.to_u8()),
                price: e.price,
                size: e.size,
                seq: e.seq,
                reserved: 0,
            }),
            Message::Book(e) => {
                assert!(matches!(e.pkg_type, PkgType::Snapshot | PkgType::Delta));
                let id = market_id(e.market);
                for l in e.bids {
                    expected.book.push((id, SIDE_BUY, l.price, l.size, e.seq));
                }
                for l in e.asks {
                    expected.book.push((id, SIDE_SELL, l.price, l.size, e.seq));
                }
                expected.book_frame_ends.push(expected.book.len());
            }
            Message::MarketSummary(e) => expected.mark.push(MarkFunding {
                ts_exchange: e.ts_us * 1_000,
                ts_recv: 0,
                market_id: market_id(e.market),
                flags: 0,
                mark_px: e.mark_price,
                index_px: e.index_price,
                funding_rate: e.funding_rate,
                open_interest: e.open_interest,
            }),
            Message::FundingData(e) => expected.mark.push(MarkFunding {
                ts_exchange: e.created_at_us * 1_000,
                ts_recv: 0,
                market_id: market_id(e.market),
                flags: 0,
                mark_px: NULL_PRICE,
                index_px: NULL_PRICE,
                funding_rate: e.funding_rate,
                open_interest: NULL_PRICE,
            }),
            _ => {}
        }
    }
    expected
}

#[test]
fn records_match_the_frames_the_mock_sent() {
    let dir = RingDir::new();
    let recording_path = dir.path().join("session.rec");
    let server = MockServer::start_blocking(MockConfig {
        md_rate: 200.0,
        record: Some(recording_path.clone()),
        ..MockConfig::default()
    })
    .expect("mock starts");
    let channels = [
        ChannelKind::Bbo,
        ChannelKind::Trades,
        ChannelKind::BookDeltas,
        ChannelKind::MarketsSummary,
        ChannelKind::FundingData,
    ];
    let feed = FeedHandle::spawn(feed_config(&server, &dir, &channels)).expect("feed starts");
    let mut books = reader::<BookLevel>(dir.path(), "mock", RecordKind::BookLevel);
    assert!(wait_until(2 * SECOND, || books
        .health(HealthCounter::Messages)
        >= 20));
    std::thread::sleep(Duration::from_millis(300));
    // Stop reading first: the mock then ends the session and flushes the recording.
    feed.shutdown().unwrap();
    let mut recording = None;
    assert!(wait_until(2 * SECOND, || {
        recording = Recording::load(&recording_path).ok();
        recording.is_some()
    }));
    let expected = expected_from(&recording.unwrap());

    let strip = |ts_recv: &mut i64| *ts_recv = 0;
    let mut bbos = drain(&mut reader::<Bbo>(dir.path(), "mock", RecordKind::Bbo));
    bbos.iter_mut().for_each(|r| strip(&mut r.ts_recv));
    let mut trades = drain(&mut reader::<Trade>(dir.path(), "mock", RecordKind::Trade));
    trades.iter_mut().for_each(|r| strip(&mut r.ts_recv));
    let mut marks = drain(&mut reader::<MarkFunding>(
        dir.path(),
        "mock",
        RecordKind::MarkFunding,
    ));
    marks.iter_mut().for_each(|r| strip(&mut r.ts_recv));
    let levels: Vec<_> = drain(&mut books)
        .iter()
        .map(|l| (l.market_id, l.side, l.price, l.size, l.seq))
        .collect();

    // The feed may stop before the last frames the mock had in flight: what it published must
    // be exactly the start of what was sent, and most of it (counted in frames).
    let book_frames = expected.book_frame_ends.len();
    let book_frames_read = expected
        .book_frame_ends
        .iter()
        .position(|&end| end == levels.len())
        .map_or(0, |i| i + 1);
    assert!(
        book_frames_read + 50 >= book_frames,
        "book: {} levels are not the first {book_frames_read} of {book_frames} frames",
        levels.len()
    );
    for (name, got, sent) in [
        ("bbo", bbos.len(), expected.bbo.len()),
        ("trade", trades.len(), expected.trade.len()),
        ("book frames", book_frames_read, book_frames),
        ("mark", marks.len(), expected.mark.len()),
    ] {
        assert!(
            got <= sent && got + 50 >= sent,
            "{name}: published {got} of {sent}"
        );
        eprintln!("{name}: {got} records match of {sent} sent");
    }
    assert!(!bbos.is_empty() && !levels.is_empty() && !marks.is_empty());
    assert_eq!(bbos, expected.bbo[..bbos.len()]);
    assert_eq!(trades, expected.trade[..trades.len()]);
    assert_eq!(levels, expected.book[..levels.len()]);
    assert_eq!(marks, expected.mark[..marks.len()]);
    assert_eq!(books.health(HealthCounter::BookGaps), 0);
    assert_eq!(books.health(HealthCounter::MalformedFrames), 0);
    assert_eq!(books.health(HealthCounter::UnknownTemplates), 0);
}

#[test]
fn firehose_book_deltas_arrive_without_loss_or_gaps() {
    const COUNT: u64 = 100_000;
    let dir = RingDir::new();
    let server = MockServer::start_blocking(MockConfig {
        firehose: true,
        firehose_count: COUNT,
        md_rate: 0.0,
        ..MockConfig::default()
    })
    .expect("mock starts");
    let mut config = feed_config(&server, &dir, &[ChannelKind::BookDeltas]);
    config.markets = vec!["BTC-USD-PERP".into()];
    let started = Instant::now();
    let feed = FeedHandle::spawn(config).expect("feed starts");
    let books = reader::<BookLevel>(dir.path(), "mock", RecordKind::BookLevel);
    // The snapshot, then COUNT contiguous deltas.
    let done = wait_until(20 * SECOND, || {
        books.health(HealthCounter::Messages) > COUNT
    });
    let elapsed = started.elapsed();
    assert!(
        done,
        "only {} book messages",
        books.health(HealthCounter::Messages)
    );
    assert_eq!(books.health(HealthCounter::Messages), COUNT + 1);
    assert_eq!(books.health(HealthCounter::BookGaps), 0);
    assert_eq!(books.health(HealthCounter::StaleDropped), 0);
    assert_eq!(books.health(HealthCounter::MalformedFrames), 0);
    assert!(books.book_valid(0).unwrap());
    let stats = feed.stats().unwrap();
    assert_eq!((stats.connects, stats.resnapshots), (1, 0));
    eprintln!(
        "{COUNT} deltas in {elapsed:?} incl. connect: {:.0} msg/s",
        COUNT as f64 / elapsed.as_secs_f64()
    );
    feed.shutdown().unwrap();
}

#[test]
fn wss_needs_the_mock_ca_and_works_with_it() {
    let dir = RingDir::new();
    let server = MockServer::start_blocking(MockConfig {
        tls: true,
        tls_cert_out: Some(dir.path().join("mock-ca.pem")),
        md_rate: 100.0,
        ..MockConfig::default()
    })
    .expect("mock starts");
    assert!(server.handle().ws_url().starts_with("wss://"));

    // Verification is on by default: the self-signed certificate is refused.
    let mut untrusted = feed_config(&server, &dir, &[ChannelKind::Bbo]);
    untrusted.feed_name = "untrusted".into();
    let feed = FeedHandle::spawn(untrusted).expect("feed starts");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(feed.stats().unwrap().connects, 0);
    feed.shutdown().unwrap();

    let mut trusted = feed_config(&server, &dir, &[ChannelKind::Bbo, ChannelKind::BookDeltas]);
    trusted.ca_file = Some(server.handle().cert_path().expect("cert").to_path_buf());
    let feed = FeedHandle::spawn(trusted).expect("feed starts");
    let books = reader::<BookLevel>(dir.path(), "mock", RecordKind::BookLevel);
    assert!(wait_until(3 * SECOND, || books
        .health(HealthCounter::Messages)
        > 0));
    assert_eq!(feed.stats().unwrap().connects, 1);
    feed.shutdown().unwrap();
}
