//! Long-session behaviour against `paradex-mock`: JWT renewal across many short expiries (no
//! gap, failures retried), 429 wait hints, and https/wss with a private CA.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use paradex_exec::rest::{ClientConfig, Credentials, NewOrder, RestClient, RestError};
use paradex_exec::stream::{PrivateStream, StreamConfig, StreamEvent};
use paradex_mock::config::MockConfig;
use paradex_mock::faults::{FaultKind, FaultSpec};
use paradex_mock::server::{MockServer, MockServerHandle};
use paradex_proto::typed_data::OrderSide;

// The SDK vectors' made-up identity (never used on Paradex).
const KEY: &str = "0x1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcde";
const ACCOUNT: &str = "0x3a5e6ca3f7d55722bfb79595c96bd41dba9980fe2abf5c0577591a135ec6dc4";
const L1: &str = "0xFCAd0B19bB29D4674531d6f115237E16AfCE377c";
const CHAIN: &str = "PRIVATE_SN_POTC_SEPOLIA";
const ETH: &str = "ETH-USD-PERP";

async fn mock_with(tune: impl FnOnce(&mut MockConfig)) -> MockServerHandle {
    let mut config = MockConfig {
        md_rate: 0.0,
        ..MockConfig::default()
    };
    tune(&mut config);
    MockServer::start(config).await.expect("mock starts")
}

fn client(base_url: &str, tune: impl FnOnce(&mut ClientConfig)) -> RestClient {
    let mut config = ClientConfig::new(base_url);
    tune(&mut config);
    RestClient::new(
        config,
        Credentials::new(KEY, CHAIN, ACCOUNT).expect("credentials"),
    )
    .expect("client")
}

fn limit(client_id: &str, price: &str) -> NewOrder {
    NewOrder {
        market: ETH.into(),
        side: OrderSide::Buy,
        order_type: "LIMIT".into(),
        size: "0.1".into(),
        price: Some(price.into()),
        instruction: "GTC".into(),
        client_id: client_id.into(),
        flags: Vec::new(),
        trigger_price: None,
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// `exp` (unix seconds) of a JWT, read from its payload.
fn exp_of(token: &str) -> u64 {
    let payload = token.split('.').nth(1).expect("payload");
    let json = URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .expect("base64");
    let claims: serde_json::Value = serde_json::from_slice(&json).expect("json");
    claims["exp"].as_u64().expect("exp")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trading_continues_across_short_jwt_lifetimes_without_a_gap() {
    let mock = mock_with(|c| c.jwt_ttl_secs = 3).await;
    let rest = client(&mock.http_url(), |_| {});
    rest.onboard(L1).await.expect("onboard");
    rest.authenticate().await.expect("auth");
    let keeper = tokio::spawn(rest.clone().keep_jwt_fresh());

    let started = Instant::now();
    let mut expiries_seen = std::collections::BTreeSet::new();
    let mut last_exp = rest.jwt_expires_at().expect("token");
    let mut n = 0u32;
    let mut fault_installed = false;
    while started.elapsed() < Duration::from_secs(9) {
        // Every token handed out is still valid when it is used: no call can meet a 401.
        let token = rest.bearer_token().await.expect("bearer");
        let exp = exp_of(&token);
        assert!(exp * 1000 > now_ms(), "an expired token was handed out");
        expiries_seen.insert(exp);
        // A renewal replaces a token before it expired.
        let current = rest.jwt_expires_at().expect("token");
        if current != last_exp {
            assert!(now_ms() < last_exp * 1000, "renewed only after expiry");
            last_exp = current;
        }
        // Private calls succeed throughout: orders every few iterations, reads in between.
        if n.is_multiple_of(5) {
            let id = format!("jwt-{n}");
            rest.create_order(&limit(&id, "2900"))
                .await
                .expect("create");
            rest.cancel_by_client_id(&id, Some(ETH))
                .await
                .expect("cancel");
        } else {
            rest.positions().await.expect("positions");
        }
        // Halfway, /auth fails more often than one renewal retries: the keeper backs off and
        // tries again while the old token still works.
        if !fault_installed && started.elapsed() > Duration::from_secs(4) {
            let failing_auth = FaultSpec {
                count: Some(5),
                path: Some("/v1/auth".into()),
                ..FaultSpec::new(FaultKind::RestStatus { status: 503 })
            };
            mock.faults().install(failing_auth).expect("fault");
            fault_installed = true;
        }
        n += 1;
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    keeper.abort();
    // Nine seconds of three-second tokens: at least three were used.
    assert!(expiries_seen.len() >= 3, "tokens used: {expiries_seen:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_waits_for_the_servers_reset_hint() {
    let mock = mock_with(|_| {}).await;
    let rest = client(&mock.http_url(), |c| {
        c.backoff = Duration::from_millis(10);
        c.max_backoff = Duration::from_millis(20);
    });
    rest.onboard(L1).await.expect("onboard");
    rest.authenticate().await.expect("auth");
    // The injected 429 says `x-ratelimit-reset: 1`: the retry waits that second, not 10 ms.
    let limited = FaultSpec {
        count: Some(1),
        path: Some("/v1/positions".into()),
        ..FaultSpec::new(FaultKind::RestStatus { status: 429 })
    };
    mock.faults().install(limited).expect("fault");
    let started = Instant::now();
    rest.positions().await.expect("positions after one 429");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(900),
        "waited only {waited:?}"
    );

    // A reset further away than the client may wait: RateLimited at once, no retry.
    let impatient = client(&mock.http_url(), |c| {
        c.max_rate_limit_wait = Duration::from_millis(500);
    });
    impatient.authenticate().await.expect("auth");
    let always = FaultSpec {
        path: Some("/v1/positions".into()),
        ..FaultSpec::new(FaultKind::RestStatus { status: 429 })
    };
    mock.faults().install(always).expect("fault");
    let started = Instant::now();
    let err = impatient.positions().await.expect_err("rate limited");
    assert!(matches!(err, RestError::RateLimited), "{err}");
    assert!(started.elapsed() < Duration::from_millis(500));
    mock.faults().clear();

    // The mock's own limiter (absolute `x-ratelimit-reset`) is honoured the same way.
    let limited_mock = mock_with(|c| c.rate_limit_per_min = 120).await;
    let public = paradex_exec::rest::PublicClient::new(ClientConfig::new(&limited_mock.http_url()))
        .expect("client");
    for _ in 0..130 {
        public
            .get("/v1/system/time")
            .await
            .expect("within the limit or retried");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_and_wss_trust_the_given_ca_and_only_it() {
    let mock = mock_with(|c| c.tls = true).await;
    let ca = mock.cert_path().expect("tls mock writes its CA").to_owned();
    assert!(mock.http_url().starts_with("https://"));

    // Without the CA: refused, with an error that names the cause.
    let untrusting = client(&mock.http_url(), |_| {});
    let err = untrusting.onboard(L1).await.expect_err("unknown issuer");
    assert!(matches!(err, RestError::Transport(_)), "{err}");
    let text = err.to_string().to_lowercase();
    assert!(
        text.contains("certificate") || text.contains("issuer"),
        "{text}"
    );

    // With it: REST and the private stream both work.
    let rest = client(&mock.http_url(), |c| c.ca_file = Some(ca.clone()));
    rest.onboard(L1).await.expect("onboard over https");
    rest.authenticate().await.expect("auth over https");
    let mut config = StreamConfig::new(&mock.ws_url());
    config.ca_file = Some(ca.clone());
    let mut stream = PrivateStream::spawn(config, rest.clone());
    let first = tokio::time::timeout(Duration::from_secs(5), stream.next())
        .await
        .expect("in time");
    assert_eq!(first, Some(StreamEvent::Connected));
    rest.create_order(&limit("tls-1", "2900"))
        .await
        .expect("create");
    let event = tokio::time::timeout(Duration::from_secs(5), stream.next())
        .await
        .expect("in time");
    assert!(matches!(event, Some(StreamEvent::Order(_))), "{event:?}");

    // The stream without the CA never connects (the raw stream says why).
    let mut config = StreamConfig::new(&mock.ws_url());
    config.backoff = Duration::from_millis(50);
    let mut raw = PrivateStream::spawn_raw(config, rest.clone());
    let event = tokio::time::timeout(Duration::from_secs(5), raw.next())
        .await
        .expect("in time");
    match event {
        Some(paradex_exec::stream::RawStreamEvent::Disconnected { reason }) => {
            assert!(reason.contains("tls"), "{reason}");
        }
        other => panic!("expected a refused connection, got {other:?}"),
    }

    // A CA file that is not PEM is a configuration error, not a silent fallback.
    let bogus =
        std::env::temp_dir().join(format!("paradex-exec-bogus-ca-{}.pem", std::process::id()));
    std::fs::write(&bogus, "not a certificate").expect("write");
    let refused = RestClient::new(
        ClientConfig {
            ca_file: Some(bogus.clone()),
            ..ClientConfig::new(&mock.http_url())
        },
        Credentials::new(KEY, CHAIN, ACCOUNT).expect("credentials"),
    );
    std::fs::remove_file(&bogus).expect("remove");
    let err = refused.expect_err("bogus CA");
    assert!(err.to_string().contains("ca_file"), "{err}");
}
