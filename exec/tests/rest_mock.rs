//! The REST client against `paradex-mock` on loopback: onboarding and auth with the mock's real
//! signature checks, the full order lifecycle, timeouts and 5xx without duplicate orders, 429
//! backoff, and a client restart that reconciles to zero difference.

use std::time::Duration;

use paradex_exec::reconcile::{apply, reconcile};
use paradex_exec::rest::{ClientConfig, Credentials, NewOrder, RestClient};
use paradex_exec::state::{OrderBook, OrderStatus};
use paradex_mock::config::MockConfig;
use paradex_mock::exchange::Level;
use paradex_mock::exchange::num::parse;
use paradex_mock::faults::{FaultKind, FaultSpec};
use paradex_mock::server::{MockServer, MockServerHandle};
use paradex_proto::typed_data::OrderSide;

// The SDK vectors' made-up identity (never used on Paradex).
const KEY: &str = "0x1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcde";
const ACCOUNT: &str = "0x3a5e6ca3f7d55722bfb79595c96bd41dba9980fe2abf5c0577591a135ec6dc4";
const L1: &str = "0xFCAd0B19bB29D4674531d6f115237E16AfCE377c";
const CHAIN: &str = "PRIVATE_SN_POTC_SEPOLIA";
const ETH: &str = "ETH-USD-PERP";

/// Starts a quiet mock (no synthetic market data, fixed maker quotes 2950 / 3050 on ETH);
/// dropping the handle stops it.
async fn start_mock() -> MockServerHandle {
    let config = MockConfig {
        md_rate: 0.0,
        ..MockConfig::default()
    };
    let mock = MockServer::start(config).await.expect("mock starts");
    let level = |price: &str| Level {
        price: parse(price).expect("price"),
        size: parse("5").expect("size"),
    };
    mock.exchange()
        .set_maker_quotes(ETH, &[level("2950")], &[level("3050")])
        .expect("quotes");
    mock
}

fn client(mock: &MockServerHandle, tune: impl FnOnce(&mut ClientConfig)) -> RestClient {
    let mut config = ClientConfig::new(&mock.http_url());
    tune(&mut config);
    RestClient::new(
        config,
        Credentials::new(KEY, CHAIN, ACCOUNT).expect("credentials"),
    )
    .expect("client")
}

async fn onboarded(mock: &MockServerHandle) -> RestClient {
    let c = client(mock, |_| {});
    c.onboard(L1).await.expect("onboarding accepted");
    c.authenticate().await.expect("auth accepted");
    c
}

fn limit(client_id: &str, side: OrderSide, size: &str, price: &str) -> NewOrder {
    NewOrder {
        market: ETH.into(),
        side,
        order_type: "LIMIT".into(),
        size: size.into(),
        price: Some(price.into()),
        instruction: "GTC".into(),
        client_id: client_id.into(),
        flags: Vec::new(),
        trigger_price: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_uses_the_mocks_signature_check() {
    let mock = start_mock().await;
    let c = client(&mock, |_| {});
    // Not onboarded yet: the mock refuses the (valid) signature.
    let err = c.authenticate().await.expect_err("not onboarded");
    assert_eq!(err.api_code(), Some("NOT_ONBOARDED"), "{err}");
    c.onboard(L1).await.expect("onboard");
    c.onboard(L1).await.expect("onboarding is idempotent");
    c.authenticate().await.expect("auth");
    let exp = c.jwt_expires_at().expect("token held");
    assert!(exp > 1_700_000_000);
    // A client with another key for the same account is refused.
    let other = RestClient::new(
        ClientConfig::new(&mock.http_url()),
        Credentials::new("0x7", CHAIN, ACCOUNT).expect("credentials"),
    )
    .expect("client");
    assert!(other.authenticate().await.is_err());
    assert_eq!(c.account().await.expect("account").status, "ACTIVE");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_order_lifecycle() {
    let mock = start_mock().await;
    let c = onboarded(&mock).await;
    let markets = c.markets().await.expect("markets");
    assert!(markets.iter().any(|m| m.symbol == ETH));
    let mut book = OrderBook::new();

    book.submit(
        "life-1",
        ETH,
        OrderSide::Buy,
        "LIMIT",
        10_000_000,
        290_000_000_000,
    )
    .expect("submit");
    let created = c
        .create_order(&limit("life-1", OrderSide::Buy, "0.1", "2900"))
        .await
        .expect("create");
    assert_eq!(created.client_id.as_deref(), Some("life-1"));
    book.apply_order(&created);
    let id = created.id.to_string();
    let fetched = c.order(&id).await.expect("get by id");
    assert_eq!(fetched.id, created.id);
    assert_eq!(
        c.order_by_client_id("life-1")
            .await
            .expect("get by client id")
            .id,
        created.id
    );
    assert!(
        c.open_orders(Some(ETH))
            .await
            .expect("open")
            .iter()
            .any(|o| o.id == created.id)
    );

    let modified = c
        .modify_order(&id, &limit("life-1", OrderSide::Buy, "0.2", "2910"))
        .await
        .expect("modify");
    assert_eq!(
        (modified.id, modified.size_e8, modified.price_e8),
        (created.id, 20_000_000, 291_000_000_000)
    );
    book.apply_order(&modified);

    // Batch: two orders, then a batch cancel by client id.
    let (accepted, errors) = c
        .create_orders(&[
            limit("life-2", OrderSide::Buy, "0.1", "2890"),
            limit("life-3", OrderSide::Sell, "0.1", "3100"),
        ])
        .await
        .expect("batch");
    assert_eq!((accepted.len(), errors.len()), (2, 0), "{errors:?}");
    let results = c
        .cancel_batch(&[], &["life-2".into(), "life-3".into()])
        .await
        .expect("cancel batch");
    assert_eq!(results.len(), 2);

    c.cancel_order(&id).await.expect("cancel");
    let history = c.orders_history(Some(ETH), None).await.expect("history");
    let closed = history
        .iter()
        .filter(|o| o.id == created.id)
        .max_by_key(|o| o.seq_no)
        .expect("in history");
    assert_eq!(closed.status, OrderStatus::Closed);
    book.apply_order(closed);
    assert_eq!(
        book.by_client_id("life-1").expect("tracked").status,
        OrderStatus::Closed
    );

    // Cancel by client id and cancel-all.
    c.create_order(&limit("life-4", OrderSide::Buy, "0.1", "2900"))
        .await
        .expect("create");
    c.cancel_by_client_id("life-4", Some(ETH))
        .await
        .expect("cancel by client id");
    c.create_order(&limit("life-5", OrderSide::Buy, "0.1", "2900"))
        .await
        .expect("create");
    c.cancel_all(Some(ETH)).await.expect("cancel all");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(c.open_orders(None).await.expect("open").is_empty());

    // A market order trades against the mock's book: a fill and a position appear.
    let mut market = limit("life-6", OrderSide::Buy, "0.05", "0");
    market.order_type = "MARKET".into();
    market.price = None;
    market.instruction = "IOC".into();
    c.create_order(&market).await.expect("market order");
    tokio::time::sleep(Duration::from_millis(50)).await;
    let fills = c.fills(Some(ETH), None).await.expect("fills");
    assert!(
        fills
            .iter()
            .any(|f| f.client_id.as_deref() == Some("life-6")),
        "{fills:?}"
    );
    let positions = c.positions().await.expect("positions");
    assert!(
        positions
            .iter()
            .any(|p| p.market == ETH && p.size_e8 == 5_000_000),
        "{positions:?}"
    );
    assert!(!c.balances().await.expect("balances").is_empty());

    // The local book, fed only by REST replies, is repaired by one reconciliation.
    let snapshot = c.snapshot(None).await.expect("snapshot");
    let report = reconcile(&book, &snapshot);
    apply(&mut book, &report);
    assert!(reconcile(&book, &snapshot).is_clean());
    assert_eq!(book.position(ETH).map(|p| p.size_e8), Some(5_000_000));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn timeouts_and_5xx_never_duplicate_an_order() {
    let mock = start_mock().await;
    let c = onboarded(&mock).await;
    let slow = client(&mock, |cfg| {
        cfg.timeout = Duration::from_millis(200);
        cfg.backoff = Duration::from_millis(600);
    });
    slow.authenticate().await.expect("auth");

    // The first attempt is executed after the client gave up; the retry finds the order.
    let delay = FaultSpec {
        count: Some(1),
        path: Some("/v1/orders".into()),
        ..FaultSpec::new(FaultKind::RestDelay { delay_ms: 400 })
    };
    mock.faults().install(delay).expect("fault");
    let created = slow
        .create_order(&limit("dup-1", OrderSide::Buy, "0.1", "2900"))
        .await
        .expect("create after timeout");
    assert_eq!(created.client_id.as_deref(), Some("dup-1"));

    // Two 503s, then success.
    let unavailable = FaultSpec {
        count: Some(2),
        path: Some("/v1/orders".into()),
        ..FaultSpec::new(FaultKind::RestStatus { status: 503 })
    };
    mock.faults().install(unavailable).expect("fault");
    c.create_order(&limit("dup-2", OrderSide::Buy, "0.1", "2900"))
        .await
        .expect("create after 503s");

    // A 429 on reads is retried with backoff.
    let limited = FaultSpec {
        count: Some(2),
        path: Some("/v1/orders".into()),
        ..FaultSpec::new(FaultKind::RestStatus { status: 429 })
    };
    mock.faults().install(limited).expect("fault");
    let open = c
        .open_orders(Some(ETH))
        .await
        .expect("open orders after 429s");
    for cid in ["dup-1", "dup-2"] {
        let n = open
            .iter()
            .filter(|o| o.client_id.as_deref() == Some(cid))
            .count();
        assert_eq!(n, 1, "{cid} must exist exactly once: {open:?}");
    }
    assert_eq!(open.len(), 2);

    // Without retries left, a timeout is reported, not hidden.
    let strict = client(&mock, |cfg| {
        cfg.timeout = Duration::from_millis(100);
        cfg.max_retries = 0;
    });
    strict.authenticate().await.expect("auth");
    let hang = FaultSpec {
        count: Some(1),
        path: Some("/v1/orders".into()),
        ..FaultSpec::new(FaultKind::RestTimeout {
            duration_ms: Some(300),
        })
    };
    mock.faults().install(hang).expect("fault");
    let err = strict
        .create_order(&limit("dup-3", OrderSide::Buy, "0.1", "2900"))
        .await
        .expect_err("timeout");
    assert!(err.is_retryable(), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restart_mid_trading_reconciles_to_zero_difference() {
    let mock = start_mock().await;
    let first = onboarded(&mock).await;
    let mut book = OrderBook::new();
    for (i, price) in ["2900", "2910", "2920"].iter().enumerate() {
        let cid = format!("rs-{i}");
        book.submit(&cid, ETH, OrderSide::Buy, "LIMIT", 10_000_000, 0)
            .expect("submit");
        book.apply_order(
            &first
                .create_order(&limit(&cid, OrderSide::Buy, "0.1", price))
                .await
                .expect("create"),
        );
    }
    // A submission whose create never got out (the process died first).
    book.submit("rs-lost", ETH, OrderSide::Buy, "LIMIT", 10_000_000, 0)
        .expect("submit");
    let mut market = limit("rs-mkt", OrderSide::Sell, "0.02", "0");
    market.order_type = "MARKET".into();
    market.price = None;
    market.instruction = "IOC".into();
    first.create_order(&market).await.expect("market order");
    first
        .cancel_by_client_id("rs-1", Some(ETH))
        .await
        .expect("cancel");
    drop(first);

    // The restarted process: a new client, the old (stale) book, one reconciliation.
    let second = onboarded(&mock).await;
    let snapshot = second.snapshot(None).await.expect("snapshot");
    let report = reconcile(&book, &snapshot);
    assert!(!report.is_clean());
    apply(&mut book, &report);
    let again = second.snapshot(None).await.expect("snapshot");
    assert!(
        reconcile(&book, &again).is_clean(),
        "{:?}",
        reconcile(&book, &again)
    );
    assert_eq!(
        book.by_client_id("rs-1").expect("known").status,
        OrderStatus::Closed
    );
    assert_eq!(
        book.by_client_id("rs-lost").expect("known").status,
        OrderStatus::Rejected
    );
    assert_eq!(book.live_orders().count(), again.open_orders.len());
    assert_eq!(book.position(ETH).map(|p| p.size_e8), Some(-2_000_000));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn modify_moves_a_stops_trigger_price() {
    let mock = start_mock().await;
    let c = onboarded(&mock).await;
    let stop = NewOrder {
        order_type: "STOP_LIMIT".into(),
        trigger_price: Some("3100".into()),
        ..limit("stop-1", OrderSide::Buy, "0.1", "3110")
    };
    let created = c.create_order(&stop).await.expect("stop accepted");
    let id = created.id.to_string();
    let moved = NewOrder {
        trigger_price: Some("3120".into()),
        ..stop
    };
    let raw = c.modify_order_raw(&id, &moved).await.expect("modify");
    let row: serde_json::Value = serde_json::from_slice(&raw).expect("order JSON");
    assert_eq!(row["trigger_price"].as_str(), Some("3120"), "{row}");
}
