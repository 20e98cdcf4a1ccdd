//! The mock exchange restarted (`POST /admin/restart`, 300 ms down, state kept) under a running
//! feed handler and a running execution client (REST + private stream): each reconnects on its
//! own, the orders placed before are still there, and the client reconciles to zero difference.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use paradex_exec::reconcile::{apply, reconcile};
use paradex_exec::state::OrderBook;
use paradex_exec::stream::{PrivateStream, StreamConfig, StreamEvent};
use paradex_feed::{ChannelKind, FeedConfig, FeedHandle, PollMode};
use paradex_proto::typed_data::OrderSide;
use paradex_ring::{BookLevel, HealthCounter, Reader, ReaderOptions, RecordKind, StartAt};
use serde_json::json;

use crate::support::{
    BTC, ETH, L1, ScenarioResult, TempDir, limit_buy, market_mock, quote_eth, rest_client, unique,
    wait_until,
};

const FEED: &str = "chaosrestart";
const DOWN_MS: u64 = 300;

/// `POST /admin/restart` over a plain HTTP/1.1 socket; returns the status code.
fn admin_restart(addr: std::net::SocketAddr, down_ms: u64) -> u16 {
    let body = format!("{{\"down_ms\":{down_ms}}}");
    let mut socket = TcpStream::connect(addr).expect("connect admin");
    write!(
        socket,
        "POST /admin/restart HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut reply = String::new();
    let _ = socket.read_to_string(&mut reply);
    reply
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0)
}

#[test]
fn mock_restart_under_running_feed_and_exec_client() {
    let server = market_mock(200.0);
    quote_eth(server.handle());
    let dir = TempDir::shm("restart");
    let mut config = FeedConfig::new(
        server.handle().ws_url(),
        &[BTC],
        &[ChannelKind::Bbo, ChannelKind::BookDeltas],
    );
    config.rings_dir = dir.path().to_path_buf();
    config.feed_name = FEED.into();
    config.ring_capacity = 1 << 14;
    config.poll_mode = PollMode::Epoll;
    let feed = FeedHandle::spawn(config).expect("feed starts");
    let books = Reader::<BookLevel>::open_with(
        dir.path().join(RecordKind::BookLevel.segment_name(FEED)),
        ReaderOptions {
            start: StartAt::Next,
            register: false,
        },
    )
    .expect("book ring");

    // The execution client: REST, a private stream whose events land in a shared book.
    let rest = rest_client(server.handle(), |c| c.backoff = Duration::from_millis(100));
    let book = Arc::new(Mutex::new(OrderBook::new()));
    let connected_at: Arc<Mutex<Vec<Instant>>> = Arc::default();
    let before: Vec<String> = (0..3).map(|_| unique("before")).collect();
    server.block_on(async {
        rest.onboard(L1).await.expect("onboard");
        rest.authenticate().await.expect("auth");
        let mut stream =
            PrivateStream::spawn(StreamConfig::new(&server.handle().ws_url()), rest.clone());
        let (shared_book, connects) = (Arc::clone(&book), Arc::clone(&connected_at));
        tokio::spawn(async move {
            while let Some(event) = stream.next().await {
                let mut book = shared_book.lock().expect("book");
                match event {
                    StreamEvent::Connected => connects.lock().expect("times").push(Instant::now()),
                    StreamEvent::Order(u) => {
                        book.apply_order(&u);
                    }
                    StreamEvent::Fill(f) => {
                        book.apply_fill(&f);
                    }
                    StreamEvent::Position(p) => {
                        book.apply_position(&p);
                    }
                    _ => {}
                }
            }
        });
        for cid in &before {
            book.lock()
                .expect("book")
                .submit(
                    cid,
                    ETH,
                    OrderSide::Buy,
                    "LIMIT",
                    1_000_000,
                    290_000_000_000,
                )
                .expect("submit");
            let created = rest
                .create_order(&limit_buy(cid, "2900"))
                .await
                .expect("create");
            book.lock().expect("book").apply_order(&created);
        }
    });
    assert!(wait_until(Duration::from_secs(10), || {
        connected_at.lock().expect("times").len() == 1 && books.book_valid(0).unwrap_or(false)
    }));

    let restart = Instant::now();
    assert_eq!(admin_restart(server.handle().addr(), DOWN_MS), 202);
    let (mut feed_back, mut stream_back) = (None, None);
    let all_back = wait_until(Duration::from_secs(20), || {
        if feed_back.is_none()
            && feed.stats().is_some_and(|s| s.connects >= 2)
            && books.book_valid(0).unwrap_or(false)
        {
            feed_back = Some(restart.elapsed());
        }
        if stream_back.is_none() && connected_at.lock().expect("times").len() >= 2 {
            stream_back = Some(restart.elapsed());
        }
        feed_back.is_some() && stream_back.is_some()
    });
    assert!(
        all_back,
        "feed {feed_back:?} stream {stream_back:?} {:?}",
        feed.stats()
    );
    let (rest_back, after_id) = server.block_on(async {
        let cid = unique("after");
        book.lock()
            .expect("book")
            .submit(
                &cid,
                ETH,
                OrderSide::Buy,
                "LIMIT",
                1_000_000,
                290_000_000_000,
            )
            .expect("submit");
        let created = rest
            .create_order(&limit_buy(&cid, "2900"))
            .await
            .expect("create after restart");
        book.lock().expect("book").apply_order(&created);
        (restart.elapsed(), cid)
    });
    let (corrections, clean, open) = server.block_on(async {
        let snapshot = rest.snapshot(None).await.expect("snapshot");
        let corrections = {
            let mut book = book.lock().expect("book");
            let report = reconcile(&book, &snapshot);
            apply(&mut book, &report);
            report.corrections.len()
        };
        let again = rest.snapshot(None).await.expect("snapshot");
        let clean = reconcile(&book.lock().expect("book"), &again).is_clean();
        (corrections, clean, again.open_orders)
    });
    let kept = before
        .iter()
        .filter(|cid| {
            open.iter()
                .any(|o| o.client_id.as_deref() == Some(cid.as_str()))
        })
        .count();
    let stats = feed.stats().expect("stats");
    feed.shutdown().expect("feed stops");

    assert!(clean, "reconciliation left a difference");
    assert_eq!(
        kept,
        before.len(),
        "orders placed before the restart must survive it"
    );
    assert!(
        open.iter()
            .any(|o| o.client_id.as_deref() == Some(after_id.as_str()))
    );
    assert_eq!(stats.connects, 2, "{stats:?}");
    assert_eq!(books.health(HealthCounter::Reconnects), 1);
    let ms = |d: Duration| d.as_secs_f64() * 1e3;

    ScenarioResult {
        scenario: "mock_restart",
        title: "POST /admin/restart (300 ms down, state kept) under a running feed and exec client",
        recovery_ms: Some(ms(feed_back.expect("feed").max(stream_back.expect("stream")))),
        lost: (before.len() - kept) as u64,
        lost_what: "orders placed before the restart missing after it",
        user_saw: format!(
            "feed: Reconnects 1, book valid again at {:.0} ms; private stream: a second Connected at {:.0} ms; REST create after restart ok at {:.0} ms; {corrections} corrections then 0",
            ms(feed_back.expect("feed")),
            ms(stream_back.expect("stream")),
            ms(rest_back)
        ),
        details: json!({
            "down_ms": DOWN_MS,
            "feed_recovery_ms": ms(feed_back.expect("feed")),
            "stream_recovery_ms": ms(stream_back.expect("stream")),
            "rest_create_after_restart_ms": ms(rest_back),
            "orders_before": before.len(), "orders_kept": kept, "corrections": corrections,
            "recovery_note": "ms from the restart request to both the feed and the private stream being back (includes the 300 ms down time)",
        }),
    }
    .record();
}
