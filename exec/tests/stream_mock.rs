//! The private stream against `paradex-mock`: auth, subscriptions, order/fill/position events
//! feeding the order book, and reconnect + resubscribe after the server drops the socket.

use std::time::Duration;

use paradex_exec::rest::{ClientConfig, Credentials, NewOrder, RestClient};
use paradex_exec::state::{OrderBook, OrderStatus};
use paradex_exec::stream::{PrivateStream, StreamConfig, StreamEvent};
use paradex_mock::config::MockConfig;
use paradex_mock::exchange::Level;
use paradex_mock::exchange::num::parse;
use paradex_mock::faults::{FaultKind, FaultSpec};
use paradex_mock::server::MockServer;
use paradex_proto::typed_data::OrderSide;

const KEY: &str = "0x1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcde";
const ACCOUNT: &str = "0x3a5e6ca3f7d55722bfb79595c96bd41dba9980fe2abf5c0577591a135ec6dc4";
const L1: &str = "0xFCAd0B19bB29D4674531d6f115237E16AfCE377c";
const ETH: &str = "ETH-USD-PERP";

fn order(client_id: &str, order_type: &str, side: OrderSide, price: Option<&str>) -> NewOrder {
    NewOrder {
        market: ETH.into(),
        side,
        order_type: order_type.into(),
        size: "0.1".into(),
        price: price.map(String::from),
        instruction: if price.is_some() { "GTC" } else { "IOC" }.into(),
        client_id: client_id.into(),
        flags: Vec::new(),
        trigger_price: None,
    }
}

/// The next event that is not `Ignored`, within 5 s.
async fn next(stream: &mut PrivateStream) -> StreamEvent {
    tokio::time::timeout(Duration::from_secs(5), stream.next())
        .await
        .expect("event in time")
        .expect("stream alive")
}

/// Feeds events into the book until `done` holds for it, or until a reconnect when `done`
/// never holds (each wait is bounded by 5 s). Returns the number of reconnects seen.
async fn feed_until(
    stream: &mut PrivateStream,
    book: &mut OrderBook,
    done: impl Fn(&OrderBook) -> bool,
) -> usize {
    let mut connects = 0;
    while !done(book) && connects == 0 {
        match next(stream).await {
            StreamEvent::Order(u) => {
                book.apply_order(&u);
            }
            StreamEvent::Fill(f) => {
                book.apply_fill(&f);
            }
            StreamEvent::Position(p) => {
                book.apply_position(&p);
            }
            StreamEvent::Connected => connects += 1,
            _ => {}
        }
    }
    connects
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn private_stream_feeds_the_book_and_survives_a_drop() {
    let mock = MockServer::start(MockConfig {
        md_rate: 0.0,
        ..MockConfig::default()
    })
    .await
    .expect("mock");
    let level = |price: &str| Level {
        price: parse(price).expect("price"),
        size: parse("5").expect("size"),
    };
    mock.exchange()
        .set_maker_quotes(ETH, &[level("2950")], &[level("3050")])
        .expect("quotes");
    let rest = RestClient::new(
        ClientConfig::new(&mock.http_url()),
        Credentials::new(KEY, "PRIVATE_SN_POTC_SEPOLIA", ACCOUNT).expect("credentials"),
    )
    .expect("client");
    rest.onboard(L1).await.expect("onboard");

    // The first session is dropped by the server after two data frames.
    let drop_fault = FaultSpec {
        sessions: Some(1),
        ..FaultSpec::new(FaultKind::WsDrop { after: 2 })
    };
    mock.faults().install(drop_fault).expect("fault");
    let mut config = StreamConfig::new(&mock.ws_url());
    config.backoff = Duration::from_millis(20);
    let mut stream = PrivateStream::spawn(config, rest.clone());
    assert_eq!(next(&mut stream).await, StreamEvent::Connected);

    let mut book = OrderBook::new();
    rest.create_order(&order("ws-1", "LIMIT", OrderSide::Buy, Some("2900")))
        .await
        .expect("create");
    rest.create_order(&order("ws-2", "MARKET", OrderSide::Buy, None))
        .await
        .expect("market");
    // Events until the reconnect (re-auth + resubscribe) completes; some are lost in the gap.
    let connects = feed_until(&mut stream, &mut book, |_| false).await;
    assert_eq!(connects, 1);

    // The reconciler repairs what the gap lost.
    let snapshot = rest.snapshot(None).await.expect("snapshot");
    let report = paradex_exec::reconcile::reconcile(&book, &snapshot);
    paradex_exec::reconcile::apply(&mut book, &report);
    assert_eq!(
        book.by_client_id("ws-1").expect("known").status,
        OrderStatus::Open
    );
    assert_eq!(
        book.by_client_id("ws-2").expect("known").status,
        OrderStatus::Closed
    );
    assert!(
        book.fills()
            .iter()
            .any(|f| f.client_id.as_deref() == Some("ws-2"))
    );
    assert_eq!(book.position(ETH).map(|p| p.size_e8), Some(10_000_000));

    // The new session is subscribed: new events arrive and apply.
    rest.cancel_by_client_id("ws-1", Some(ETH))
        .await
        .expect("cancel");
    rest.create_order(&order("ws-3", "LIMIT", OrderSide::Buy, Some("2900")))
        .await
        .expect("create");
    feed_until(&mut stream, &mut book, |b| {
        b.by_client_id("ws-3")
            .is_some_and(|o| o.status == OrderStatus::Open)
            && b.by_client_id("ws-1")
                .is_some_and(|o| o.status == OrderStatus::Closed)
    })
    .await;
}
