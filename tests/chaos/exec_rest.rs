//! The REST client (`paradex-exec`) against timeouts, 5xx and 429 storms and JWT expiry during
//! trading: bounded retries, never a duplicate order, a clear error or a success, and the true
//! state of an ambiguous create found by its client id. `exec/tests/rest_mock.rs` covers one
//! retry of each; these are storms, measured.

use std::time::{Duration, Instant};

use paradex_exec::rest::RestClient;
use paradex_mock::config::MockConfig;
use paradex_mock::faults::{FaultKind, FaultSpec};
use paradex_mock::server::{MockServer, MockServerHandle};
use serde_json::json;

use crate::support::{
    L1, ScenarioResult, limit_buy, ms_since, orders_with_client_id, quote_eth, rest_client, unique,
};

async fn start_mock(tune: impl FnOnce(&mut MockConfig)) -> MockServerHandle {
    let mut config = MockConfig {
        md_rate: 0.0,
        ..MockConfig::default()
    };
    tune(&mut config);
    let mock = MockServer::start(config).await.expect("mock starts");
    quote_eth(&mock);
    mock
}

async fn onboarded(
    mock: &MockServerHandle,
    tune: impl FnOnce(&mut paradex_exec::rest::ClientConfig),
) -> RestClient {
    let client = rest_client(mock, tune);
    client.onboard(L1).await.expect("onboard");
    client.authenticate().await.expect("auth");
    client
}

/// Requests a `count`-limited fault has used so far.
fn used(mock: &MockServerHandle, id: u64, installed: u32) -> u32 {
    let left = mock
        .faults()
        .list()
        .iter()
        .find(|f| f.id == id)
        .and_then(|f| f.spec.count)
        .unwrap_or(0);
    installed - left
}

fn on_orders(kind: FaultKind, count: u32) -> FaultSpec {
    FaultSpec::new(kind).count(count).path("/v1/orders")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rest_timeout_during_create_finds_the_true_state_by_client_id() {
    let mock = start_mock(|_| {}).await;
    // A caller that does not retry: it must see the timeout, then find the truth by client id.
    let strict = onboarded(&mock, |c| {
        c.timeout = Duration::from_millis(150);
        c.max_retries = 0;
    })
    .await;

    // (a) The venue executes the order but answers after the client gave up.
    let late = unique("late");
    mock.faults()
        .install(on_orders(FaultKind::RestDelayResponse { delay_ms: 400 }, 1))
        .expect("fault");
    let started = Instant::now();
    let err = strict
        .create_order(&limit_buy(&late, "2900"))
        .await
        .expect_err("times out");
    assert!(err.is_retryable(), "a timeout is retryable: {err}");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let found = strict
        .order_by_client_id(&late)
        .await
        .expect("executed late: found");
    let late_known_ms = ms_since(started);
    assert_eq!(found.client_id.as_deref(), Some(late.as_str()));
    assert_eq!(orders_with_client_id(&strict, &late).await.len(), 1);

    // (b) The venue hangs and answers 503 without executing.
    let never = unique("never");
    mock.faults()
        .install(on_orders(
            FaultKind::RestTimeout {
                duration_ms: Some(300),
            },
            1,
        ))
        .expect("fault");
    let started = Instant::now();
    let err_b = strict
        .create_order(&limit_buy(&never, "2900"))
        .await
        .expect_err("times out");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let missing = strict
        .order_by_client_id(&never)
        .await
        .expect_err("never executed");
    let never_known_ms = ms_since(started);
    assert!(orders_with_client_id(&strict, &never).await.is_empty());

    // (c) A retrying client on the same late venue: one call, one order.
    let retrying = onboarded(&mock, |c| {
        c.timeout = Duration::from_millis(150);
        c.backoff = Duration::from_millis(400);
    })
    .await;
    let again = unique("retry");
    mock.faults()
        .install(on_orders(FaultKind::RestDelayResponse { delay_ms: 300 }, 1))
        .expect("fault");
    let started = Instant::now();
    let created = retrying
        .create_order(&limit_buy(&again, "2900"))
        .await
        .expect("retried create");
    let retry_ms = ms_since(started);
    assert_eq!(created.client_id.as_deref(), Some(again.as_str()));
    assert_eq!(
        orders_with_client_id(&retrying, &again).await.len(),
        1,
        "duplicate order"
    );

    ScenarioResult {
        scenario: "rest_timeout_create",
        title: "REST timeout during order create: executed but answered after 400 ms, never executed (hang then 503), and a retrying client",
        recovery_ms: Some(retry_ms),
        lost: 0,
        lost_what: "orders duplicated or whose state stayed unknown",
        user_saw: format!(
            "non-retrying caller: `{err}` then the order found by client id; hang: `{err_b}` then by-client-id lookup `{missing}` (never arrived); retrying caller: success, exactly 1 order"
        ),
        details: json!({
            "executed_late_state_known_ms": late_known_ms,
            "never_executed_state_known_ms": never_known_ms,
            "retrying_create_ms": retry_ms,
            "recovery_note": "ms for the retrying client's create call to return the one order",
        }),
    }
    .record();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_xx_storm_is_bounded_and_never_duplicates() {
    let mock = start_mock(|_| {}).await;
    let client = onboarded(&mock, |c| c.backoff = Duration::from_millis(20)).await;
    let retries = 3;

    // A storm longer than the retries: bounded attempts, a clear error, no order.
    let cid = unique("storm");
    let storm = mock
        .faults()
        .install(on_orders(FaultKind::RestStatus { status: 503 }, 50))
        .expect("fault");
    let started = Instant::now();
    let err = client
        .create_order(&limit_buy(&cid, "2900"))
        .await
        .expect_err("storm wins");
    let give_up_ms = ms_since(started);
    let attempts = used(&mock, storm, 50);
    mock.faults().clear();
    assert!(err.to_string().contains("503"), "{err}");
    assert!(err.is_retryable());
    // The fault's path prefix also catches the client's lookups by client id, so the bound
    // is one create and one lookup per attempt.
    assert!(
        attempts <= 2 * (retries + 1),
        "{attempts} requests for {retries} retries"
    );
    assert!(orders_with_client_id(&client, &cid).await.is_empty());

    // A storm shorter than the retries: success, exactly one order.
    let cid2 = unique("storm");
    let short = mock
        .faults()
        .install(on_orders(FaultKind::RestStatus { status: 500 }, 2))
        .expect("fault");
    let started = Instant::now();
    client
        .create_order(&limit_buy(&cid2, "2900"))
        .await
        .expect("rides out two 500s");
    let ride_out_ms = ms_since(started);
    assert_eq!(used(&mock, short, 2), 2);
    assert_eq!(orders_with_client_id(&client, &cid2).await.len(), 1);
    // The caller retries the failed one after the storm: one order, not two.
    client
        .create_order(&limit_buy(&cid, "2900"))
        .await
        .expect("after the storm");
    assert_eq!(orders_with_client_id(&client, &cid).await.len(), 1);

    ScenarioResult {
        scenario: "rest_5xx_storm",
        title: "50 × 503 on /v1/orders (longer than the retries), then 2 × 500",
        recovery_ms: Some(ride_out_ms),
        lost: 0,
        lost_what: "orders duplicated or silently dropped",
        user_saw: format!(
            "long storm: `{err}` after {attempts} requests in {give_up_ms:.0} ms, no order; short storm: success after 2 × 500, exactly 1 order"
        ),
        details: json!({
            "long_storm_requests": attempts, "max_retries": retries,
            "long_storm_give_up_ms": give_up_ms, "short_storm_success_ms": ride_out_ms,
            "recovery_note": "ms for a create to succeed through two 500s",
        }),
    }
    .record();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_storm_waits_as_told_or_fails_clearly() {
    let mock = start_mock(|_| {}).await;
    let client = onboarded(&mock, |c| c.backoff = Duration::from_millis(20)).await;

    // Two 429s (the mock says: reset in 1 s): the client waits and succeeds, one order.
    let cid = unique("rl");
    let short = mock
        .faults()
        .install(on_orders(FaultKind::RestStatus { status: 429 }, 2))
        .expect("fault");
    let started = Instant::now();
    client
        .create_order(&limit_buy(&cid, "2900"))
        .await
        .expect("rides out two 429s");
    let ride_out_ms = ms_since(started);
    assert_eq!(used(&mock, short, 2), 2);
    assert_eq!(orders_with_client_id(&client, &cid).await.len(), 1);

    // A storm: a bounded number of requests, then a clear rate-limit error, no order.
    let cid2 = unique("rl");
    let storm = mock
        .faults()
        .install(on_orders(FaultKind::RestStatus { status: 429 }, 50))
        .expect("fault");
    let started = Instant::now();
    let err = client
        .create_order(&limit_buy(&cid2, "2900"))
        .await
        .expect_err("storm wins");
    let give_up_ms = ms_since(started);
    let attempts = used(&mock, storm, 50);
    mock.faults().clear();
    assert!(err.to_string().contains("429"), "{err}");
    assert!(
        attempts <= 8,
        "{attempts} requests for 3 retries (creates and lookups)"
    );
    assert!(orders_with_client_id(&client, &cid2).await.is_empty());

    ScenarioResult {
        scenario: "rest_429_storm",
        title: "2 × 429 (x-ratelimit-reset 1 s), then 50 × 429 on /v1/orders",
        recovery_ms: Some(ride_out_ms),
        lost: 0,
        lost_what: "orders duplicated or silently dropped",
        user_saw: format!(
            "short: success after waiting out two 429s ({ride_out_ms:.0} ms), 1 order; storm: `{err}` after {attempts} requests in {give_up_ms:.0} ms, no order"
        ),
        details: json!({
            "short_storm_success_ms": ride_out_ms, "storm_requests": attempts,
            "storm_give_up_ms": give_up_ms,
            "recovery_note": "ms for a create to succeed through two 429s",
        }),
    }
    .record();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jwt_expiry_during_trading() {
    // 3 s tokens; the client refreshes on its own, 20 orders over 7 s (past two expiries).
    let mock = start_mock(|c| c.jwt_ttl_secs = 3).await;
    let client = onboarded(&mock, |_| {}).await;
    let first_expiry = client.jwt_expires_at().expect("token");
    let started = Instant::now();
    let mut tokens_seen = vec![first_expiry];
    let mut slowest_ms: f64 = 0.0;
    let mut ids = Vec::new();
    for i in 0..20 {
        let cid = unique("jwt");
        let sent = Instant::now();
        client
            .create_order(&limit_buy(&cid, "2900"))
            .await
            .unwrap_or_else(|e| panic!("order {i} failed across a JWT expiry: {e}"));
        slowest_ms = slowest_ms.max(ms_since(sent));
        ids.push(cid);
        if let Some(exp) = client.jwt_expires_at()
            && tokens_seen.last() != Some(&exp)
        {
            tokens_seen.push(exp);
        }
        tokio::time::sleep(Duration::from_millis(350)).await;
    }
    let elapsed_s = started.elapsed().as_secs_f64();
    for cid in &ids {
        assert_eq!(orders_with_client_id(&client, cid).await.len(), 1, "{cid}");
    }
    assert!(elapsed_s > 6.0, "the run must outlive two tokens");
    assert!(
        tokens_seen.len() >= 3,
        "expected ≥ 2 refreshes: {tokens_seen:?}"
    );

    ScenarioResult {
        scenario: "jwt_expiry",
        title: "JWT lifetime 3 s, 20 orders over ~7 s without an explicit refresh loop",
        recovery_ms: Some(slowest_ms),
        lost: 0,
        lost_what: "orders failed or duplicated across token expiry",
        user_saw: format!(
            "all 20 orders accepted once; {} tokens used (refreshed before expiry, no 401 reached the caller)",
            tokens_seen.len()
        ),
        details: json!({
            "tokens_used": tokens_seen.len(), "orders": ids.len(),
            "slowest_create_ms": slowest_ms, "run_s": elapsed_s,
            "recovery_note": "slowest single create (includes any refresh it triggered)",
        }),
    }
    .record();
}
