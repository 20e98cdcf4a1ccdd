//! The feed handler against a scripted loopback WebSocket server: every channel decoded into
//! the rings, book gaps, reconnects, stalls, malformed frames, pings, JSON-only mode, epoll.

mod support;

use std::time::{Duration, Instant};

use paradex_feed::{ChannelKind, FeedConfig, FeedHandle, PollMode};
use paradex_proto::sbe::{
    BboEvent, BookEvent, FillType, FundingDataEvent, HeartbeatEvent, Level, Levels,
    MarketSummaryEvent, PkgType, Side, TradeEvent,
};
use paradex_ring::{
    BOOK_END_OF_UPDATE, BOOK_INVALIDATED, BOOK_SNAPSHOT_BEGIN, Bbo, BookLevel, HealthCounter,
    MarkFunding, NULL_PRICE, RecordKind, SIDE_BUY, SIDE_NONE, SIDE_SELL, Trade,
};
use support::{Out, RingDir, ScriptServer, assert_quiet, read_n, reader, wait_until};

const SECOND: Duration = Duration::from_secs(1);
const MARKETS: [&str; 2] = ["BTC-USD-PERP", "ETH-USD-PERP"];
const ALL_CHANNELS: [ChannelKind; 5] = [
    ChannelKind::Bbo,
    ChannelKind::Trades,
    ChannelKind::BookDeltas,
    ChannelKind::MarketsSummary,
    ChannelKind::FundingData,
];
const SUBSCRIPTIONS: usize = MARKETS.len() * ALL_CHANNELS.len();

fn config(server: &ScriptServer, dir: &RingDir) -> FeedConfig {
    let mut config = FeedConfig::new(server.url(), &MARKETS, &ALL_CHANNELS);
    config.rings_dir = dir.path().to_path_buf();
    config.feed_name = "t".into();
    config.ring_capacity = 1024;
    config.backoff_initial_ms = 20;
    config.backoff_max_ms = 200;
    // Epoll keeps the shared 2-core test machine usable; busy-poll has its own test.
    config.poll_mode = PollMode::Epoll;
    config
}

fn bbo_frame(seq: i64, bid: i64) -> Vec<u8> {
    let mut out = Vec::new();
    BboEvent {
        ts_us: 1_700_000_000_000_000 + seq,
        seq,
        bid_price: Some(bid),
        bid_size: Some(5),
        ask_price: None,
        ask_size: None,
        market: "BTC-USD-PERP",
    }
    .encode(2, &mut out)
    .unwrap();
    out
}

fn book_frame(seq: i64, pkg_type: PkgType, bids: &[Level], asks: &[Level]) -> Vec<u8> {
    let mut out = Vec::new();
    BookEvent {
        ts_us: 1_000 + seq,
        seq,
        pkg_type,
        bids: Levels::from_slice(bids),
        asks: Levels::from_slice(asks),
        market: "BTC-USD-PERP",
        ..BookEvent::default()
    }
    .encode(2, &mut out)
    .unwrap();
    out
}

const fn level(price: i64, size: i64) -> Level {
    Level { price, size }
}

/// Starts a feed and waits until it has subscribed on connection `0`.
fn start(server: &ScriptServer, config: FeedConfig, subscriptions: usize) -> FeedHandle {
    let feed = FeedHandle::spawn(config).expect("feed starts");
    assert!(
        server.wait_for(0, subscriptions, 2 * SECOND),
        "feed did not subscribe"
    );
    feed
}

#[test]
fn every_sbe_channel_lands_in_its_ring() {
    every_channel(PollMode::BusyPoll);
}

#[test]
fn epoll_mode_decodes_the_same() {
    every_channel(PollMode::Epoll);
}

fn every_channel(mode: PollMode) {
    let server = ScriptServer::start();
    let dir = RingDir::new();
    let mut cfg = config(&server, &dir);
    cfg.poll_mode = mode;
    let feed = start(&server, cfg, SUBSCRIPTIONS);
    server.with_conn(0, |conn| {
        assert_eq!(conn.uri, "/v1?sbeSchemaId=1&sbeSchemaVersion=2");
        for market in MARKETS {
            for channel in [
                format!("bbo.{market}"),
                format!("trades.{market}"),
                format!("order_book.{market}.deltas"),
                format!("markets_summary.{market}"),
                format!("funding_data.{market}"),
            ] {
                let wanted = format!(r#""method":"subscribe","params":{{"channel":"{channel}"}}"#);
                assert!(
                    conn.received.iter().any(|m| m.contains(&wanted)),
                    "{wanted} not in {:?}",
                    conn.received
                );
            }
        }
    });

    let mut bbos = reader::<Bbo>(dir.path(), "t", RecordKind::Bbo);
    let mut trades = reader::<Trade>(dir.path(), "t", RecordKind::Trade);
    let mut books = reader::<BookLevel>(dir.path(), "t", RecordKind::BookLevel);
    let mut marks = reader::<MarkFunding>(dir.path(), "t", RecordKind::MarkFunding);
    let before = paradex_ring::clock::monotonic_ns();

    server.send(0, Out::Binary(bbo_frame(7, 4_200_000_000_000)));
    let bbo = read_n(&mut bbos, 1, SECOND)[0];
    assert_eq!(
        bbo,
        Bbo {
            ts_exchange: 1_700_000_000_000_007_000,
            ts_recv: bbo.ts_recv,
            market_id: 0,
            flags: 0,
            bid_px: 4_200_000_000_000,
            bid_sz: 5,
            ask_px: NULL_PRICE,
            ask_sz: 0,
        }
    );
    assert!(bbo.ts_recv >= before);

    let mut frame = Vec::new();
    TradeEvent {
        ts_us: 2,
        seq: 8,
        trade_id: 1,
        side: Side::Sell,
        price: 4_199_900_000_000,
        size: 250_000,
        created_at_us: 1_700_000_000_000_123,
        trade_type: FillType::Liquidation,
        market: "ETH-USD-PERP",
        trade_id_str: Some("1718154353750201703989430001"),
    }
    .encode(2, &mut frame)
    .unwrap();
    server.send(0, Out::Binary(frame));
    let trade = read_n(&mut trades, 1, SECOND)[0];
    assert_eq!(
        trade,
        Trade {
            ts_exchange: 1_700_000_000_000_123_000,
            ts_recv: trade.ts_recv,
            market_id: 1,
            side: SIDE_SELL,
            trade_type: 2,
            price: 4_199_900_000_000,
            size: 250_000,
            seq: 8,
            reserved: 0,
        }
    );

    let snapshot = book_frame(
        100,
        PkgType::Snapshot,
        &[level(10, 1), level(9, 2)],
        &[level(11, 3)],
    );
    server.send(0, Out::Binary(snapshot));
    server.send(
        0,
        Out::Binary(book_frame(101, PkgType::Delta, &[level(9, 0)], &[])),
    );
    let levels = read_n(&mut books, 4, SECOND);
    let summary: Vec<_> = levels
        .iter()
        .map(|l| (l.side, l.flags, l.price, l.size, l.seq, l.ts_exchange))
        .collect();
    assert_eq!(
        summary,
        [
            (SIDE_BUY, BOOK_SNAPSHOT_BEGIN, 10, 1, 100, 1_100_000),
            (SIDE_BUY, 0, 9, 2, 100, 1_100_000),
            (SIDE_SELL, BOOK_END_OF_UPDATE, 11, 3, 100, 1_100_000),
            (SIDE_BUY, BOOK_END_OF_UPDATE, 9, 0, 101, 1_101_000),
        ]
    );
    assert!(books.book_valid(0).unwrap());
    assert!(!books.book_valid(1).unwrap());

    let mut frame = Vec::new();
    MarketSummaryEvent {
        ts_us: 5,
        seq: 1,
        mark_price: 100,
        index_price: 101,
        last_price: 102,
        open_interest: 7,
        funding_rate: -3,
        funding_rate_precise: Some(-3_000),
        market: "BTC-USD-PERP",
        ..MarketSummaryEvent::default()
    }
    .encode(2, &mut frame)
    .unwrap();
    server.send(0, Out::Binary(frame));
    let mut frame = Vec::new();
    FundingDataEvent {
        ts_us: 6,
        seq: 2,
        funding_rate: 12,
        funding_index: 13,
        created_at_us: 9,
        funding_premium: 14,
        funding_rate_8h: 15,
        funding_period_hours: 8,
        impact_premium_rate: None,
        market: "ETH-USD-PERP",
    }
    .encode(2, &mut frame)
    .unwrap();
    server.send(0, Out::Binary(frame));
    let mut frame = Vec::new();
    HeartbeatEvent { ts_us: 1, seq: 1 }
        .encode(2, &mut frame)
        .unwrap();
    server.send(0, Out::Binary(frame));
    let marks = read_n(&mut marks, 2, SECOND);
    assert_eq!(
        (
            marks[0].market_id,
            marks[0].ts_exchange,
            marks[0].mark_px,
            marks[0].index_px
        ),
        (0, 5_000, 100, 101)
    );
    assert_eq!((marks[0].funding_rate, marks[0].open_interest), (-3, 7));
    assert_eq!(
        (
            marks[1].market_id,
            marks[1].ts_exchange,
            marks[1].mark_px,
            marks[1].funding_rate
        ),
        (1, 9_000, NULL_PRICE, 12)
    );
    assert_eq!(bbos.health(HealthCounter::Messages), 1);
    assert_eq!(books.health(HealthCounter::Messages), 2);
    assert_eq!(books.health(HealthCounter::MalformedFrames), 0);
    let stats = feed.stats().unwrap();
    assert_eq!(
        (stats.published, stats.connects, stats.malformed),
        (6, 1, 0)
    );
    feed.shutdown().unwrap();
}

#[test]
fn book_gap_invalidates_and_resubscribes_for_a_snapshot() {
    let server = ScriptServer::start();
    let dir = RingDir::new();
    let mut cfg = config(&server, &dir);
    cfg.channels = vec![ChannelKind::BookDeltas];
    cfg.markets = vec!["BTC-USD-PERP".into()];
    let feed = start(&server, cfg, 1);
    let mut books = reader::<BookLevel>(dir.path(), "t", RecordKind::BookLevel);

    // A delta before any snapshot is dropped.
    server.send(
        0,
        Out::Binary(book_frame(9, PkgType::Delta, &[level(1, 1)], &[])),
    );
    server.send(
        0,
        Out::Binary(book_frame(10, PkgType::Snapshot, &[level(5, 1)], &[])),
    );
    server.send(
        0,
        Out::Binary(book_frame(11, PkgType::Delta, &[level(5, 2)], &[])),
    );
    let applied = read_n(&mut books, 2, SECOND);
    assert_eq!((applied[0].seq, applied[1].seq), (10, 11));
    assert!(books.book_valid(0).unwrap());

    server.send(
        0,
        Out::Binary(book_frame(13, PkgType::Delta, &[level(5, 3)], &[])),
    );
    let marker = read_n(&mut books, 1, SECOND)[0];
    assert_eq!((marker.side, marker.flags), (SIDE_NONE, BOOK_INVALIDATED));
    assert!(!books.book_valid(0).unwrap());
    assert_eq!(books.health(HealthCounter::BookGaps), 1);
    assert!(server.wait_for(0, 3, SECOND), "no resubscription");
    server.with_conn(0, |conn| {
        assert!(conn.received[1].contains(
            r#""method":"unsubscribe","params":{"channel":"order_book.BTC-USD-PERP.deltas"}"#
        ));
        assert!(conn.received[2].contains(
            r#""method":"subscribe","params":{"channel":"order_book.BTC-USD-PERP.deltas"}"#
        ));
    });

    // Deltas until the new snapshot are dropped; the snapshot restores the book.
    server.send(
        0,
        Out::Binary(book_frame(14, PkgType::Delta, &[level(5, 4)], &[])),
    );
    server.send(
        0,
        Out::Binary(book_frame(20, PkgType::Snapshot, &[], &[level(6, 1)])),
    );
    server.send(
        0,
        Out::Binary(book_frame(21, PkgType::Delta, &[], &[level(6, 0)])),
    );
    let resumed = read_n(&mut books, 2, SECOND);
    assert_eq!(
        (resumed[0].seq, resumed[0].flags),
        (20, BOOK_SNAPSHOT_BEGIN | BOOK_END_OF_UPDATE)
    );
    assert_eq!((resumed[1].seq, resumed[1].size), (21, 0));
    assert!(books.book_valid(0).unwrap());
    assert_eq!(books.health(HealthCounter::StaleDropped), 2);
    assert_eq!(feed.stats().unwrap().resnapshots, 1);
    feed.shutdown().unwrap();
}

#[test]
fn reconnects_within_a_second_of_a_dropped_connection() {
    let server = ScriptServer::start();
    let dir = RingDir::new();
    let feed = start(&server, config(&server, &dir), SUBSCRIPTIONS);
    let mut books = reader::<BookLevel>(dir.path(), "t", RecordKind::BookLevel);
    server.send(
        0,
        Out::Binary(book_frame(1, PkgType::Snapshot, &[level(5, 1)], &[])),
    );
    read_n(&mut books, 1, SECOND);

    let dropped = Instant::now();
    server.send(0, Out::Drop);
    assert!(
        server.wait_for(1, SUBSCRIPTIONS, SECOND),
        "not resubscribed within 1 s"
    );
    let took = dropped.elapsed();
    // The lost connection invalidated the book until a new snapshot.
    let marker = read_n(&mut books, 1, SECOND)[0];
    assert_eq!(marker.flags, BOOK_INVALIDATED);
    assert!(!books.book_valid(0).unwrap());
    assert_eq!(books.health(HealthCounter::Reconnects), 1);
    let bbos = reader::<Bbo>(dir.path(), "t", RecordKind::Bbo);
    assert_eq!(bbos.health(HealthCounter::Reconnects), 1);
    // Data flows on the new connection.
    let mut bbos = bbos;
    server.send(1, Out::Binary(bbo_frame(1, 77)));
    assert_eq!(read_n(&mut bbos, 1, SECOND)[0].bid_px, 77);
    let stats = feed.stats().unwrap();
    assert_eq!((stats.connects, stats.reconnects), (2, 1));
    eprintln!("reconnected and resubscribed in {took:?}");
    feed.shutdown().unwrap();
}

#[test]
fn a_stalled_stream_is_reconnected() {
    let server = ScriptServer::start();
    let dir = RingDir::new();
    let mut cfg = config(&server, &dir);
    cfg.stall_timeout_ms = 200;
    let feed = start(&server, cfg, SUBSCRIPTIONS);
    assert!(
        server.wait_for(1, SUBSCRIPTIONS, 2 * SECOND),
        "no reconnect after stall"
    );
    let stats = feed.stats().unwrap();
    assert!(stats.stalls >= 1, "{stats:?}");
    feed.shutdown().unwrap();
}

#[test]
fn malformed_unknown_and_oversized_frames_are_counted_and_skipped() {
    let server = ScriptServer::start();
    let dir = RingDir::new();
    let mut cfg = config(&server, &dir);
    cfg.max_frame_bytes = 512;
    let feed = start(&server, cfg, SUBSCRIPTIONS);
    let mut bbos = reader::<Bbo>(dir.path(), "t", RecordKind::Bbo);

    let good = bbo_frame(1, 42);
    let mut unknown_template = good.clone();
    unknown_template[2] = 99;
    let mut other_schema = good.clone();
    other_schema[4] = 7;
    let mut bad_utf8 = good.clone();
    *bad_utf8.last_mut().unwrap() = 0xFF;
    for frame in [
        vec![1, 2, 3],
        good[..30].to_vec(),
        bad_utf8,
        vec![0; 1000],
        unknown_template,
        other_schema,
    ] {
        server.send(0, Out::Binary(frame));
    }
    server.send(0, Out::Text("{not json".into()));
    server.send(0, Out::Text(r#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"bbo.BTC-USD-PERP","data":{"market":"BTC-USD-PERP","bid":"1.2.3"}}}"#.into()));
    server.send(0, Out::Binary(good));
    assert_eq!(read_n(&mut bbos, 1, SECOND)[0].bid_px, 42);
    assert_eq!(bbos.health(HealthCounter::MalformedFrames), 4);
    assert_eq!(bbos.health(HealthCounter::UnknownTemplates), 2);
    assert_eq!(bbos.health(HealthCounter::ParseErrors), 2);
    let stats = feed.stats().unwrap();
    assert_eq!((stats.malformed, stats.unknown, stats.oversized), (6, 2, 1));
    assert_eq!(
        server.connections(),
        1,
        "bad frames must not cost the connection"
    );
    feed.shutdown().unwrap();
}

#[test]
fn pings_are_answered() {
    let server = ScriptServer::start();
    let dir = RingDir::new();
    let feed = start(&server, config(&server, &dir), SUBSCRIPTIONS);
    server.send(0, Out::Ping);
    assert!(wait_until(SECOND, || server.with_conn(0, |c| c.pongs) == 1));
    feed.shutdown().unwrap();
}

#[test]
fn json_only_mode_reads_json_payloads() {
    let server = ScriptServer::start();
    let dir = RingDir::new();
    let mut cfg = config(&server, &dir);
    cfg.json_only = true;
    let feed = start(&server, cfg, SUBSCRIPTIONS);
    server.with_conn(0, |conn| assert_eq!(conn.uri, "/v1"));
    let mut bbos = reader::<Bbo>(dir.path(), "t", RecordKind::Bbo);
    let mut trades = reader::<Trade>(dir.path(), "t", RecordKind::Trade);
    let mut books = reader::<BookLevel>(dir.path(), "t", RecordKind::BookLevel);
    let mut marks = reader::<MarkFunding>(dir.path(), "t", RecordKind::MarkFunding);
    let envelope = |channel: &str, data: &str| {
        format!(
            r#"{{"jsonrpc":"2.0","method":"subscription","params":{{"channel":"{channel}","data":{data}}}}}"#
        )
    };
    server.send(
        0,
        Out::Text(r#"{"jsonrpc":"2.0","result":{"channel":"bbo.BTC-USD-PERP"},"id":1}"#.into()),
    );
    server.send(0, Out::Text(envelope("bbo.BTC-USD-PERP", r#"{"market":"BTC-USD-PERP","bid":"30112.22","bid_size":"0.04","ask":"","ask_size":"","last_updated_at":1681493939981,"seq_no":20784}"#)));
    server.send(0, Out::Text(envelope("trades.ETH-USD-PERP", r#"{"id":"1","market":"ETH-USD-PERP","side":"BUY","size":"34028","price":"0.028776","created_at":1718179273230,"trade_type":"FILL"}"#)));
    server.send(0, Out::Text(envelope("order_book.BTC-USD-PERP.deltas", r#"{"seq_no":5,"market":"BTC-USD-PERP","last_updated_at":1,"update_type":"s","inserts":[{"side":"BUY","price":"67629.7","size":"0.992"},{"side":"SELL","price":"69378.6","size":"3.137"}],"updates":[],"deletes":[]}"#)));
    server.send(0, Out::Text(envelope("order_book.BTC-USD-PERP.deltas", r#"{"seq_no":6,"market":"BTC-USD-PERP","last_updated_at":2,"update_type":"d","inserts":[],"updates":[{"side":"SELL","price":"69378.6","size":"2.0"}],"deletes":[{"side":"BUY","price":"67629.7","size":"0.992"}]}"#)));
    server.send(0, Out::Text(envelope("markets_summary.BTC-USD-PERP", r#"{"symbol":"BTC-USD-PERP","mark_price":"49.80885481","underlying_price":"47.93","open_interest":"6999.5","funding_rate":"0.03919997509811","created_at":3}"#)));
    server.send(0, Out::Text(envelope("funding_data.ETH-USD-PERP", r#"{"market":"ETH-USD-PERP","funding_rate":"-0.00014969570582","funding_period_hours":8,"created_at":4}"#)));

    let bbo = read_n(&mut bbos, 1, SECOND)[0];
    assert_eq!(
        (
            bbo.ts_exchange,
            bbo.bid_px,
            bbo.bid_sz,
            bbo.ask_px,
            bbo.ask_sz
        ),
        (
            1_681_493_939_981_000_000,
            3_011_222_000_000,
            4_000_000,
            NULL_PRICE,
            0
        )
    );
    let trade = read_n(&mut trades, 1, SECOND)[0];
    assert_eq!(
        (
            trade.market_id,
            trade.side,
            trade.trade_type,
            trade.price,
            trade.size
        ),
        (1, SIDE_BUY, 1, 2_877_600, 3_402_800_000_000)
    );
    let levels = read_n(&mut books, 4, SECOND);
    let summary: Vec<_> = levels
        .iter()
        .map(|l| (l.side, l.flags, l.price, l.size, l.seq))
        .collect();
    assert_eq!(
        summary,
        [
            (
                SIDE_BUY,
                BOOK_SNAPSHOT_BEGIN,
                6_762_970_000_000,
                99_200_000,
                5
            ),
            (
                SIDE_SELL,
                BOOK_END_OF_UPDATE,
                6_937_860_000_000,
                313_700_000,
                5
            ),
            (SIDE_SELL, 0, 6_937_860_000_000, 200_000_000, 6),
            (SIDE_BUY, BOOK_END_OF_UPDATE, 6_762_970_000_000, 0, 6),
        ]
    );
    let marks = read_n(&mut marks, 2, SECOND);
    assert_eq!(
        (
            marks[0].mark_px,
            marks[0].index_px,
            marks[0].funding_rate,
            marks[0].open_interest
        ),
        (4_980_885_481, 4_793_000_000, 3_919_997, 699_950_000_000)
    );
    assert_eq!(
        (marks[1].market_id, marks[1].funding_rate, marks[1].mark_px),
        (1, -14_969, NULL_PRICE)
    );
    assert_eq!(bbos.health(HealthCounter::ParseErrors), 0);
    assert_quiet(&mut bbos, Duration::from_millis(20));
    feed.shutdown().unwrap();
}
