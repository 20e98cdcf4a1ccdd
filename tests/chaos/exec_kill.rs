//! The execution process (`chaos_trader`, built on `paradex-exec`) killed with SIGKILL while
//! orders are in flight, then restarted with only its journal of client ids: it reconciles to
//! zero difference with the exchange, and every journaled id is on the exchange exactly once
//! or provably never arrived.

use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use paradex_mock::config::MockConfig;
use paradex_mock::faults::{FaultKind, FaultSpec};
use paradex_mock::server::MockServer;
use serde_json::{Value, json};

use crate::support::{ChildGuard, ScenarioResult, TempDir, quote_eth, unique};

const TRADER: &str = env!("CARGO_BIN_EXE_chaos_trader");

#[test]
fn trader_killed_mid_flight_reconciles_to_zero_difference() {
    let server = MockServer::start_blocking(MockConfig {
        md_rate: 0.0,
        ..MockConfig::default()
    })
    .expect("mock starts");
    quote_eth(server.handle());
    let dir = TempDir::tmp("trader");
    let journal = dir.path().join("orders.journal");
    let http = server.handle().http_url();

    let mut trader = ChildGuard::spawn(
        Command::new(TRADER)
            .args(["--http", &http, "--journal"])
            .arg(&journal)
            .args(["trade", "--prefix", &unique("kill"), "--orders", "400"])
            .args(["--concurrency", "4"])
            .stdout(Stdio::piped()),
    );
    let stdout = trader.child().stdout.take().expect("stdout");
    let (lines_tx, lines) = mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                return;
            }
        }
    });
    let line = lines
        .recv_timeout(Duration::from_secs(60))
        .expect("trader ready");
    assert_eq!(line, "ready");

    // Let 20 orders through, then slow the venue's answers so several orders are in flight
    // (executed by the mock, acknowledgement held 300 ms) at the moment of the kill.
    let mut acked = 0;
    while acked < 20 {
        let line = lines.recv_timeout(Duration::from_secs(30)).expect("acks");
        acked += usize::from(line.starts_with("acked "));
    }
    server
        .handle()
        .faults()
        .install(FaultSpec::new(FaultKind::RestDelayResponse { delay_ms: 300 }).path("/v1/orders"))
        .expect("fault");
    std::thread::sleep(Duration::from_millis(150));
    trader.kill();
    let killed = Instant::now();
    acked += lines.try_iter().filter(|l| l.starts_with("acked ")).count();
    // Let every request already sent finish on the venue's side.
    std::thread::sleep(Duration::from_millis(500));
    server.handle().faults().clear();
    let journaled = std::fs::read_to_string(&journal)
        .expect("journal")
        .lines()
        .count();
    assert!(
        journaled > acked,
        "the kill must catch orders in flight (journaled {journaled}, acked {acked})"
    );

    let reconciled = Command::new(TRADER)
        .args(["--http", &http, "--journal"])
        .arg(&journal)
        .arg("reconcile")
        .output()
        .expect("run reconcile");
    let recovery_ms = killed.elapsed().as_secs_f64() * 1e3;
    let stdout = String::from_utf8_lossy(&reconciled.stdout);
    assert!(
        reconciled.status.success(),
        "reconcile failed: {stdout}\n{}",
        String::from_utf8_lossy(&reconciled.stderr)
    );
    let summary: Value = serde_json::from_str(stdout.trim()).expect("summary JSON");
    let field = |k: &str| summary[k].as_u64().expect(k);
    assert_eq!(field("journaled"), journaled as u64);
    assert_eq!(
        field("on_exchange") + field("never_arrived"),
        journaled as u64
    );
    assert!(
        field("on_exchange") >= acked as u64,
        "an acknowledged order vanished"
    );
    assert_eq!(field("duplicates"), 0);
    assert_eq!(field("corrections_after"), 0);
    assert_eq!(field("live_local"), field("open_on_exchange"));

    ScenarioResult {
        scenario: "exec_sigkill",
        title: "chaos_trader SIGKILLed with 4 orders in flight (executed, acknowledgements held 300 ms), restarted from its journal",
        recovery_ms: Some(recovery_ms),
        lost: field("journaled") - field("on_exchange") - field("never_arrived"),
        lost_what: "journaled client ids not accounted for (on the exchange, or provably never arrived)",
        user_saw: format!(
            "{journaled} journaled, {acked} acknowledged before the kill, {} on the exchange, {} never arrived (marked rejected), {} corrections applied, 0 left, 0 duplicates",
            field("on_exchange"),
            field("never_arrived"),
            field("corrections")
        ),
        details: json!({
            "acked_before_kill": acked, "reconcile": summary,
            "recovery_note": "ms from SIGKILL to the restarted process reporting zero difference (includes 500 ms letting in-flight requests finish, and process start-up)",
        }),
    }
    .record();
}
