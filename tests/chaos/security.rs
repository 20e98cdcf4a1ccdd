//! Security: ring segments are private to the user, secrets never reach logs, errors or
//! `Debug`, TLS is verified by default, and the mock's auth refuses forged, expired-and-replayed
//! and wrong-account signatures and forged tokens.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::os::unix::fs::MetadataExt as _;
use std::process::Command;
use std::time::{Duration, Instant};

use paradex_exec::rest::{ClientConfig, Credentials, RestClient};
use paradex_feed::{ChannelKind, FeedConfig, FeedHandle, PollMode};
use paradex_mock::config::MockConfig;
use paradex_mock::server::MockServer;
use serde_json::json;

use crate::support::{
    ACCOUNT, BTC, CHAIN, KEY, L1, ScenarioResult, TempDir, market_mock, rest_client, wait_until,
};

#[test]
fn ring_segments_are_0600_and_owned_by_the_user() {
    let server = market_mock(50.0);
    let dir = TempDir::shm("perm");
    let mut config = FeedConfig::new(server.handle().ws_url(), &[BTC], &[ChannelKind::Bbo]);
    config.rings_dir = dir.path().to_path_buf();
    config.feed_name = "perm".into();
    config.ring_capacity = 1 << 10;
    config.poll_mode = PollMode::Epoll;
    let feed = FeedHandle::spawn(config).expect("feed starts");
    let uid = rustix::process::getuid().as_raw();
    let mut checked = Vec::new();
    for entry in std::fs::read_dir(dir.path()).expect("ring dir") {
        let path = entry.expect("entry").path();
        let meta = std::fs::metadata(&path).expect("metadata");
        let mode = meta.mode() & 0o777;
        assert_eq!(mode, 0o600, "{} has mode {mode:o}", path.display());
        assert_eq!(
            meta.uid(),
            uid,
            "{} owned by {}",
            path.display(),
            meta.uid()
        );
        checked.push(path.file_name().unwrap().to_string_lossy().into_owned());
    }
    feed.shutdown().expect("feed stops");
    assert_eq!(checked.len(), 4, "one segment per record kind: {checked:?}");

    ScenarioResult {
        scenario: "sec_shm_permissions",
        title: "ring segments created by the feed handler",
        recovery_ms: None,
        lost: 0,
        lost_what: "segments readable by other users",
        user_saw: format!("{} segments, all mode 0600, owner uid {uid}", checked.len()),
        details: json!({ "segments": checked }),
    }
    .record();
}

/// The key as the output could show it: hex with and without `0x`, both cases, and decimal.
fn key_spellings() -> Vec<String> {
    let hex = KEY.trim_start_matches("0x").to_owned();
    // Decimal by long division of the hex digits.
    let mut digits: Vec<u8> = hex
        .bytes()
        .map(|b| (b as char).to_digit(16).unwrap() as u8)
        .collect();
    let mut decimal = Vec::new();
    while digits.iter().any(|d| *d != 0) {
        let mut rem = 0_u32;
        for d in &mut digits {
            let cur = rem * 16 + u32::from(*d);
            *d = (cur / 10) as u8;
            rem = cur % 10;
        }
        decimal.push(char::from(b'0' + rem as u8));
    }
    let decimal: String = decimal.iter().rev().collect();
    vec![hex.to_lowercase(), hex.to_uppercase(), decimal]
}

#[test]
fn keys_and_jwts_never_appear_in_any_output() {
    let dir = TempDir::shm("secrets");
    let tmp = TempDir::tmp("secrets");
    let jwts_path = tmp.path().join("jwts");
    let started = Instant::now();
    // Everything at TRACE except tungstenite, which logs every WebSocket frame's payload at
    // TRACE, including the private stream's `auth` bearer token (found by this test).
    // Deployments must cap it the same way.
    let output = Command::new(env!("CARGO_BIN_EXE_chaos_secrets_flow"))
        .arg("--rings-dir")
        .arg(dir.path())
        .arg("--jwts-out")
        .arg(&jwts_path)
        .env(
            "RUST_LOG",
            "trace,tungstenite=debug,tokio_tungstenite=debug",
        )
        .output()
        .expect("run the flow");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "flow failed: {}",
        &text[text.len().saturating_sub(4000)..]
    );
    let jwts: Vec<String> = std::fs::read_to_string(&jwts_path)
        .expect("jwt list")
        .lines()
        .map(str::to_owned)
        .collect();
    // The run must have been real: trace lines, every step's printout, refreshed tokens.
    let lines = text.lines().count();
    let trace_lines = text.lines().filter(|l| l.contains("TRACE")).count();
    assert!(lines > 100, "only {lines} lines of output");
    assert!(
        trace_lines >= 10,
        "{trace_lines} TRACE lines: logging was not on"
    );
    assert!(text.contains("credentials ") && text.contains("client "));
    assert!(
        jwts.len() >= 3,
        "expected refreshed tokens, got {}",
        jwts.len()
    );

    let mut searched = key_spellings();
    for jwt in &jwts {
        searched.push(jwt.clone());
        // The signature part alone is as good as the token for forging checks.
        searched.push(jwt.rsplit('.').next().expect("segment").to_owned());
    }
    let leaks: Vec<&String> = searched
        .iter()
        .filter(|s| text.contains(s.as_str()))
        .collect();
    assert!(leaks.is_empty(), "secrets in the output: {leaks:?}");

    ScenarioResult {
        scenario: "sec_no_secrets_in_output",
        title: "full flow (mock + feed + exec REST + private stream + refresh + errors), RUST_LOG=trace,tungstenite=debug, all output captured",
        recovery_ms: None,
        lost: leaks.len() as u64,
        lost_what: "occurrences of the key (hex, HEX, decimal) or of any issued JWT (or its signature)",
        user_saw: format!(
            "{lines} lines / {} bytes of output searched for {} strings ({} JWTs): none found",
            text.len(),
            searched.len(),
            jwts.len()
        ),
        details: json!({
            "output_lines": lines, "trace_lines": trace_lines, "output_bytes": text.len(), "jwts": jwts.len(),
            "run_ms": started.elapsed().as_secs_f64() * 1e3,
            "finding": "with tungstenite at TRACE the private stream's JWT appears twice per connect (client 'Sending frame' and mock 'Received message'): tungstenite must be capped at debug",
        }),
    }
    .record();
}

#[test]
fn tls_is_verified_by_default() {
    let server = MockServer::start_blocking(MockConfig {
        md_rate: 50.0,
        tls: true,
        ..MockConfig::default()
    })
    .expect("tls mock");
    let mock = server.handle();
    let ca = mock.cert_path().expect("mock writes its CA").to_path_buf();
    assert!(mock.ws_url().starts_with("wss://"), "{}", mock.ws_url());

    // Feed: refused without the CA, connected with it.
    let dir = TempDir::shm("tls");
    let feed_with = |ca_file: Option<std::path::PathBuf>, name: &str| {
        let mut config = FeedConfig::new(mock.ws_url(), &[BTC], &[ChannelKind::Bbo]);
        config.rings_dir = dir.path().to_path_buf();
        config.feed_name = name.into();
        config.ring_capacity = 1 << 10;
        config.poll_mode = PollMode::Epoll;
        config.ca_file = ca_file;
        FeedHandle::spawn(config).expect("feed starts")
    };
    let untrusting = feed_with(None, "notrust");
    std::thread::sleep(Duration::from_secs(2));
    let refused = untrusting.stats().expect("stats");
    assert_eq!(
        refused.connects, 0,
        "feed connected to an untrusted server: {refused:?}"
    );
    untrusting.shutdown().expect("stop");
    let trusting = feed_with(Some(ca.clone()), "trust");
    assert!(
        wait_until(Duration::from_secs(10), || trusting
            .stats()
            .is_some_and(|s| s.connects >= 1)),
        "feed did not connect with the CA"
    );
    trusting.shutdown().expect("stop");

    // Exec REST client: refused without the CA, works with it.
    let (rest_refusal, rest_ok) = server.block_on(async {
        let plain = rest_client(mock, |_| {});
        let refusal = plain.onboard(L1).await.expect_err("untrusted certificate");
        let trusting = rest_client(mock, |c| c.ca_file = Some(ca.clone()));
        trusting
            .onboard(L1)
            .await
            .expect("onboard over verified TLS");
        (refusal.to_string(), trusting.authenticate().await.is_ok())
    });
    assert!(rest_ok);
    assert!(
        rest_refusal.to_lowercase().contains("certificate")
            || rest_refusal.contains("UnknownIssuer"),
        "{rest_refusal}"
    );

    ScenarioResult {
        scenario: "sec_tls_default",
        title: "--tls mock (self-signed CA): feed handler and exec REST client, without and with the CA",
        recovery_ms: None,
        lost: 0,
        lost_what: "connections accepted without verification",
        user_saw: format!(
            "feed without CA: 0 connects in 2 s; with CA: connected. REST without CA: `{rest_refusal}`; with CA: onboard + auth ok"
        ),
        details: json!({ "feed_refused_stats": format!("{refused:?}") }),
    }
    .record();
}

/// One HTTP/1.1 request on a fresh connection; returns the status and body.
fn http(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, String)]) -> (u16, String) {
    let mut socket = TcpStream::connect(addr).expect("connect");
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: 0\r\n"
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    socket.write_all(request.as_bytes()).expect("send");
    let mut reply = String::new();
    let _ = socket.read_to_string(&mut reply);
    let status = reply
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = reply
        .split("\r\n\r\n")
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    (status, body)
}

fn auth_headers(
    key: &str,
    account: &str,
    timestamp: u64,
    expiration: u64,
) -> Vec<(&'static str, String)> {
    let credentials = Credentials::new(key, CHAIN, account).expect("credentials");
    let signed = credentials
        .signer()
        .sign_auth(timestamp, expiration)
        .expect("sign");
    vec![
        ("PARADEX-STARKNET-ACCOUNT", account.to_owned()),
        ("PARADEX-STARKNET-SIGNATURE", signed.signature.to_wire()),
        ("PARADEX-TIMESTAMP", timestamp.to_string()),
        ("PARADEX-SIGNATURE-EXPIRATION", expiration.to_string()),
    ]
}

#[test]
fn mock_auth_rejects_forged_replayed_and_wrong_account_signatures() {
    let server = market_mock(0.0);
    let mock = server.handle();
    let addr = mock.addr();
    server.block_on(async {
        let client = RestClient::new(
            ClientConfig::new(&mock.http_url()),
            Credentials::new(KEY, CHAIN, ACCOUNT).expect("credentials"),
        )
        .expect("client");
        client.onboard(L1).await.expect("onboard");
    });
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();

    // Genuine: accepted (the baseline the refusals are measured against).
    let genuine = auth_headers(KEY, ACCOUNT, now, now + 2);
    let (ok, body) = http(addr, "POST", "/v1/auth", &genuine);
    assert_eq!(ok, 200, "{body}");
    let token: String =
        serde_json::from_str::<serde_json::Value>(&body).expect("json")["jwt_token"]
            .as_str()
            .expect("token")
            .to_owned();
    assert_eq!(
        http(
            addr,
            "GET",
            "/v1/orders",
            &[("Authorization", format!("Bearer {token}"))]
        )
        .0,
        200
    );

    // Forged: a signature not made with the account's key.
    let mut forged = genuine.clone();
    forged[1].1 = "[\"0x1234567890abcdef\",\"0x7edcba0987654321\"]".into();
    let (forged_status, forged_body) = http(addr, "POST", "/v1/auth", &forged);
    // Wrong account: signed by another key, presented for this account.
    let wrong = auth_headers("0x7", ACCOUNT, now, now + 60);
    let (wrong_status, wrong_body) = http(addr, "POST", "/v1/auth", &wrong);
    // A forged token: the genuine JWT with its signature altered.
    let mut bad_token = token.clone();
    let last = bad_token.pop().expect("non-empty");
    bad_token.push(if last == 'A' { 'B' } else { 'A' });
    let (token_status, _) = http(
        addr,
        "GET",
        "/v1/orders",
        &[("Authorization", format!("Bearer {bad_token}"))],
    );
    // Replayed after expiry: the genuine headers again, 3 s later (they expired after 2 s).
    std::thread::sleep(Duration::from_secs(3));
    let (replay_status, replay_body) = http(addr, "POST", "/v1/auth", &genuine);

    assert_eq!(forged_status, 401, "forged: {forged_body}");
    assert_eq!(wrong_status, 401, "wrong account: {wrong_body}");
    assert_eq!(token_status, 401, "forged JWT accepted");
    assert_eq!(replay_status, 400, "replayed after expiry: {replay_body}");
    assert!(
        replay_body.contains("INVALID_SIGNATURE_EXPIRATION"),
        "{replay_body}"
    );

    ScenarioResult {
        scenario: "sec_mock_auth",
        title: "POST /v1/auth over HTTP: genuine, forged signature, wrong-account key, replay after expiry; forged JWT",
        recovery_ms: None,
        lost: 0,
        lost_what: "forged or expired credentials accepted",
        user_saw: format!(
            "genuine 200; forged 401 {forged_body}; wrong account 401 {wrong_body}; replay after expiry 400 {replay_body}; tampered JWT 401"
        ),
        details: json!({
            "forged": forged_status, "wrong_account": wrong_status,
            "replayed_after_expiry": replay_status, "forged_jwt": token_status,
        }),
    }
    .record();
}
