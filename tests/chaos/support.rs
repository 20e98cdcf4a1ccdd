//! Scaffolding shared by the chaos scenarios: result files, unique ring directories, child
//! processes and mocks that stop on drop, the test identity, polling with deadlines.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use paradex_exec::rest::{ClientConfig, Credentials, NewOrder, RestClient};
use paradex_mock::config::MockConfig;
use paradex_mock::exchange::Level;
use paradex_mock::exchange::num::parse;
use paradex_mock::server::{BlockingMockServer, MockServer, MockServerHandle};
use paradex_proto::typed_data::OrderSide;
use serde_json::{Value, json};

// The SDK vectors' made-up identity (never used on Paradex).
pub const KEY: &str = "0x1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcde";
pub const ACCOUNT: &str = "0x3a5e6ca3f7d55722bfb79595c96bd41dba9980fe2abf5c0577591a135ec6dc4";
pub const L1: &str = "0xFCAd0B19bB29D4674531d6f115237E16AfCE377c";
pub const CHAIN: &str = "PRIVATE_SN_POTC_SEPOLIA";
pub const ETH: &str = "ETH-USD-PERP";
pub const BTC: &str = "BTC-USD-PERP";

/// What one scenario measured, written as `<scenario>.json` into the results directory
/// (`PARADEX_CHAOS_OUT`, default `target/chaos-results/`) for `scripts/chaos_report.py`.
#[derive(Debug)]
pub struct ScenarioResult {
    /// File stem and table key, e.g. `ws_drop`.
    pub scenario: &'static str,
    /// One line: what was done.
    pub title: &'static str,
    /// From the fault to normal service again, in ms (`None`: nothing to recover from).
    pub recovery_ms: Option<f64>,
    /// Messages or orders lost that the exchange still had (must be 0).
    pub lost: u64,
    /// What "lost" counts in this scenario.
    pub lost_what: &'static str,
    /// What the user saw: errors, counters, flags.
    pub user_saw: String,
    /// Everything else measured.
    pub details: Value,
}

impl ScenarioResult {
    /// Writes the result file; call after the scenario's assertions passed.
    pub fn record(&self) {
        let dir = results_dir();
        std::fs::create_dir_all(&dir).expect("results dir");
        let body = json!({
            "scenario": self.scenario,
            "title": self.title,
            "passed": true,
            "recovery_ms": self.recovery_ms,
            "lost": self.lost,
            "lost_what": self.lost_what,
            "user_saw": self.user_saw,
            "details": self.details,
            "finished_unix_ms": std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis()),
        });
        let path = dir.join(format!("{}.json", self.scenario));
        std::fs::write(&path, serde_json::to_vec_pretty(&body).expect("json"))
            .expect("write result");
        eprintln!("chaos result {}: {body}", path.display());
    }
}

/// The workspace root (the `tests` crate's parent).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn results_dir() -> PathBuf {
    std::env::var_os("PARADEX_CHAOS_OUT").map_or_else(
        || workspace_root().join("target/chaos-results"),
        PathBuf::from,
    )
}

/// Milliseconds since `start`.
pub fn ms_since(start: Instant) -> f64 {
    start.elapsed().as_secs_f64() * 1e3
}

/// Polls `condition` every 2 ms until it holds or `timeout` passes.
pub fn wait_until(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

static UNIQUE: AtomicU32 = AtomicU32::new(0);

/// A name unique to this process and call: `<tag>-<pid>-<n>`.
pub fn unique(tag: &str) -> String {
    let n = UNIQUE.fetch_add(1, Ordering::Relaxed);
    format!("{tag}-{}-{n}", std::process::id())
}

/// A unique directory under `/dev/shm` (rings) or the temp dir, removed on drop.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    /// A ring directory under `/dev/shm`.
    pub fn shm(tag: &str) -> Self {
        Self::under(Path::new("/dev/shm"), tag)
    }

    /// A directory under the system temp dir.
    pub fn tmp(tag: &str) -> Self {
        Self::under(&std::env::temp_dir(), tag)
    }

    fn under(parent: &Path, tag: &str) -> Self {
        let dir = parent.join(unique(&format!("paradex-chaos-{tag}")));
        std::fs::create_dir_all(&dir).expect("temp dir");
        Self(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A child process killed (SIGKILL) and reaped on drop.
#[derive(Debug)]
pub struct ChildGuard(pub Option<Child>);

impl ChildGuard {
    pub fn spawn(command: &mut Command) -> Self {
        Self(Some(command.spawn().expect("spawn child")))
    }

    pub fn child(&mut self) -> &mut Child {
        self.0.as_mut().expect("child present")
    }

    pub fn pid(&self) -> u32 {
        self.0.as_ref().expect("child present").id()
    }

    /// SIGKILL, then reap (a zombie would still look alive to `kill(pid, 0)`).
    pub fn kill(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A binary of another workspace package, built (debug, same target dir) if missing.
pub fn workspace_binary(package: &str, bin: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), PathBuf::from);
    let path = target.join("debug").join(bin);
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // Always ask cargo: it is a no-op when the binary is fresh, and never runs a stale one.
    let status = Command::new(cargo)
        .args(["build", "--quiet", "-p", package, "--bin", bin])
        .current_dir(workspace_root())
        .stdout(Stdio::null())
        .status()
        .expect("run cargo build");
    assert!(status.success(), "building {bin} failed");
    assert!(path.exists(), "{} missing after build", path.display());
    path
}

/// An in-process mock publishing `md_rate` updates per second per market.
pub fn market_mock(md_rate: f64) -> BlockingMockServer {
    MockServer::start_blocking(MockConfig {
        md_rate,
        ..MockConfig::default()
    })
    .expect("mock starts")
}

/// Fixed maker quotes 2950 / 3050 on ETH, so limit buys at ≤ 2900 rest and market orders fill.
pub fn quote_eth(mock: &MockServerHandle) {
    let level = |price: &str| Level {
        price: parse(price).expect("price"),
        size: parse("50").expect("size"),
    };
    mock.exchange()
        .set_maker_quotes(ETH, &[level("2950")], &[level("3050")])
        .expect("quotes");
}

/// A REST client of the test identity, tuned by `tune`.
pub fn rest_client(mock: &MockServerHandle, tune: impl FnOnce(&mut ClientConfig)) -> RestClient {
    let mut config = ClientConfig::new(&mock.http_url());
    tune(&mut config);
    RestClient::new(
        config,
        Credentials::new(KEY, CHAIN, ACCOUNT).expect("credentials"),
    )
    .expect("client")
}

/// A resting limit buy of 0.01 ETH at `price`.
pub fn limit_buy(client_id: &str, price: &str) -> NewOrder {
    NewOrder {
        market: ETH.into(),
        side: OrderSide::Buy,
        order_type: "LIMIT".into(),
        size: "0.01".into(),
        price: Some(price.into()),
        instruction: "GTC".into(),
        client_id: client_id.into(),
        flags: Vec::new(),
        trigger_price: None,
    }
}

/// Every order the exchange holds (open and closed) with `client_id`, by exchange id.
pub async fn orders_with_client_id(client: &RestClient, client_id: &str) -> Vec<u128> {
    let mut ids: Vec<u128> = client
        .orders_history(Some(ETH), None)
        .await
        .expect("history")
        .iter()
        .chain(client.open_orders(Some(ETH)).await.expect("open").iter())
        .filter(|o| o.client_id.as_deref() == Some(client_id))
        .map(|o| o.id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids
}
