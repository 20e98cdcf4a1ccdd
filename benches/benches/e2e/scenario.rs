//! One end-to-end run: a fresh mock firehose, the pinned feed thread, and the readers.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use paradex_benches::affinity::Cores;
use paradex_benches::cpu::{own_task_cpu_ns, own_tasks_cpu_ns, own_threads_named};
use paradex_feed::{ChannelKind, FeedConfig, FeedHandle, FeedStats, PollMode};
use paradex_mock::config::MockConfig;
use paradex_mock::server::{MockServer, MockServerHandle};
use paradex_ring::RecordKind;

use crate::readers::{PythonReader, ReadPlan, ReaderOutcome, spawn_rust_reader};

/// What to run.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Short id, used in file names (`latency-1m-1r`).
    pub id: String,
    /// Subscribed markets (BBO channel of each).
    pub markets: usize,
    /// Firehose messages per second; 0 = as fast as the socket takes them.
    pub rate: u64,
    /// Messages the mock sends.
    pub count: u64,
    /// Rust reader threads.
    pub rust_readers: usize,
    /// Python reader processes.
    pub python_readers: usize,
}

impl Scenario {
    /// `1 market · 20,000 msg/s · 1 rust + 1 python reader`.
    #[must_use]
    pub fn label(&self) -> String {
        let rate = if self.rate == 0 {
            "full speed".to_owned()
        } else {
            format!("{} msg/s", thousands(self.rate))
        };
        let markets = if self.markets == 1 {
            "1 market".to_owned()
        } else {
            format!("{} markets", self.markets)
        };
        let mut readers = format!("{} rust", self.rust_readers);
        if self.python_readers > 0 {
            readers += &format!(" + {} python", self.python_readers);
        }
        format!("{markets} · {rate} · {readers} reader(s)")
    }

    /// The latency warm-up: records left out while readers attach.
    #[must_use]
    pub fn plan(&self) -> ReadPlan {
        ReadPlan {
            expect: self.count,
            warmup: (self.count / 50).clamp(10, 5_000),
            idle_timeout: Duration::from_secs(3),
            deadline: Duration::from_secs(if self.rate == 0 {
                120
            } else {
                self.count / self.rate.max(1) + 60
            }),
            yield_when_idle: false,
        }
    }

    /// Ring slots: the whole run for full-speed runs (so a slow reader shows as a lap only
    /// when it truly fell a ring behind), 64 Ki otherwise.
    fn ring_capacity(&self) -> u64 {
        if self.rate == 0 {
            self.count.next_power_of_two().clamp(1 << 16, 1 << 21)
        } else {
            1 << 16
        }
    }
}

/// Formats `1234567` as `1,234,567`.
#[must_use]
pub fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The mock's market names for `n` markets: `M000-USD-PERP`, ….
#[must_use]
pub fn market_specs(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("M{i:03}=1000")).collect()
}

/// The matching perpetual symbols.
#[must_use]
pub fn market_symbols(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("M{i:03}-USD-PERP")).collect()
}

/// A mock exchange on its own runtime whose threads are all pinned to one core.
///
/// In production the exchange is another machine; here it shares the box. Its workers must
/// never run on a reader's core (a spinning reader descheduled while the mock writes would
/// measure the mock), so they go on the feed thread's core: time the mock spends there is
/// spent before the feed stamps a frame (the stamp is taken when the feed has read it).
pub struct PinnedMock {
    handle: Option<MockServerHandle>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl PinnedMock {
    /// The running server (URLs).
    pub fn handle(&self) -> &MockServerHandle {
        self.handle.as_ref().expect("present until drop")
    }
}

impl Drop for PinnedMock {
    fn drop(&mut self) {
        // The handle first (stops serving), then the runtime (joins its threads).
        drop(self.handle.take());
        drop(self.runtime.take());
    }
}

/// Starts a mock whose firehose matches `scenario` (BBO frames round-robin over markets), its
/// two worker threads (and any blocking thread) pinned to `core` of `cores` when given.
///
/// # Errors
/// The mock's start error, as text.
pub fn start_mock(scenario: &Scenario, pin: Option<(&Cores, usize)>) -> Result<PinnedMock, String> {
    let config = MockConfig {
        markets: market_specs(scenario.markets),
        firehose: true,
        firehose_rate: scenario.rate,
        firehose_count: scenario.count,
        md_rate: 0.0,
        ..MockConfig::default()
    };
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder
        .worker_threads(2)
        .thread_name("paradex-mock")
        .enable_all();
    if let Some((cores, core)) = pin {
        let cores = cores.clone();
        builder.on_thread_start(move || {
            cores.pin(core);
        });
    }
    let runtime = builder
        .build()
        .map_err(|e| format!("mock runtime failed to build: {e}"))?;
    let handle = runtime
        .block_on(MockServer::start(config))
        .map_err(|e| format!("mock failed to start: {e}"))?;
    Ok(PinnedMock {
        handle: Some(handle),
        runtime: Some(runtime),
    })
}

/// Everything measured in one run.
#[derive(Debug)]
pub struct ScenarioOutcome {
    /// The feed's counters at the end.
    pub feed: Option<FeedStats>,
    /// Feed thread CPU over the run, ns (it busy-polls, so idle time counts too).
    pub feed_cpu_ns: Option<u64>,
    /// Mock worker threads' CPU over the run, ns.
    pub mock_cpu_ns: u64,
    /// Feed start → every reader done.
    pub wall: Duration,
    /// One per reader, Rust first.
    pub readers: Vec<ReaderOutcome>,
}

/// Where the run happens.
#[derive(Debug, Clone)]
pub struct Context {
    /// Cores captured before any pinning.
    pub cores: Cores,
    /// Core index of the feed thread.
    pub feed_core: usize,
    /// Python interpreter with `paradex_core` (None: Python readers are not run).
    pub python: Option<PathBuf>,
    /// `scripts/` of the repository.
    pub scripts: PathBuf,
    /// Scratch directory for sample files.
    pub work_dir: PathBuf,
}

impl Context {
    /// Where the mock's threads go: the feed's core (None on a single core).
    #[must_use]
    pub fn mock_pin(&self) -> Option<(&Cores, usize)> {
        (self.cores.len() > 1).then_some((&self.cores, self.feed_core))
    }

    /// Cores for readers and Python clients: every core but the feed's (and the mock's), or
    /// all cores when there is only one.
    #[must_use]
    pub fn reader_cores(&self) -> Vec<usize> {
        let others: Vec<usize> = (0..self.cores.len())
            .filter(|&c| c != self.feed_core)
            .collect();
        if others.is_empty() {
            (0..self.cores.len()).collect()
        } else {
            others
        }
    }

    /// The OS CPU number a Python process pins itself to (the first reader core).
    #[must_use]
    pub fn python_cpu(&self) -> Option<usize> {
        if self.cores.len() < 2 {
            return None;
        }
        self.reader_cores()
            .first()
            .and_then(|&index| self.cores.cpu(index))
    }
}

/// Removes the feed's ring segments on drop.
struct Segments {
    dir: PathBuf,
    feed: String,
}

impl Drop for Segments {
    fn drop(&mut self) {
        for kind in RecordKind::ALL {
            let _ = std::fs::remove_file(self.dir.join(kind.segment_name(&self.feed)));
        }
    }
}

/// Runs `scenario` against a fresh mock.
///
/// # Errors
/// A message when the mock, the feed or a Python reader cannot start.
pub fn run(scenario: &Scenario, ctx: &Context) -> Result<ScenarioOutcome, String> {
    static RUN: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let mock = start_mock(scenario, ctx.mock_pin())?;
    let mock_tids = own_threads_named("paradex-mock");
    let mock_cpu_before = own_tasks_cpu_ns(&mock_tids);

    let dir = PathBuf::from("/dev/shm");
    let feed_name = format!(
        "e2e-{}-{}",
        std::process::id(),
        RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    let segments = Segments {
        dir: dir.clone(),
        feed: feed_name.clone(),
    };
    let ring = dir.join(RecordKind::Bbo.segment_name(&feed_name));
    let reader_cores = ctx.reader_cores();
    let mut plan = scenario.plan();
    plan.yield_when_idle = scenario.rust_readers > reader_cores.len();

    let mut python = Vec::new();
    if scenario.python_readers > 0 {
        let interpreter = ctx
            .python
            .as_deref()
            .ok_or("no Python interpreter (set BENCH_PYTHON)")?;
        let script = ctx.scripts.join("bench_e2e_reader.py");
        for i in 0..scenario.python_readers {
            python.push(PythonReader::start(
                i,
                interpreter,
                &script,
                &ring,
                plan,
                &ctx.work_dir,
                ctx.python_cpu(),
            )?);
        }
    }
    let rust: Vec<_> = (0..scenario.rust_readers)
        .map(|i| {
            let core = reader_cores.get(i % reader_cores.len().max(1)).copied();
            spawn_rust_reader(i, ring.clone(), plan, ctx.cores.clone(), core)
        })
        .collect();

    let symbols = market_symbols(scenario.markets);
    let symbol_refs: Vec<&str> = symbols.iter().map(String::as_str).collect();
    let mut config = FeedConfig::new(mock.handle().ws_url(), &symbol_refs, &[ChannelKind::Bbo]);
    config.rings_dir = dir;
    config.feed_name = feed_name;
    config.ring_capacity = scenario.ring_capacity();
    config.poll_mode = PollMode::BusyPoll;
    config.core = (ctx.cores.len() > 1).then_some(ctx.feed_core);
    let started = Instant::now();
    let feed = FeedHandle::spawn(config).map_err(|e| format!("feed failed to start: {e}"))?;
    let feed_tid = wait_for_thread("paradex-feed");

    let mut readers: Vec<ReaderOutcome> = rust
        .into_iter()
        .map(|h| h.join().expect("reader thread panicked"))
        .collect();
    readers.extend(python.into_iter().map(PythonReader::finish));
    let wall = started.elapsed();
    let feed_cpu_ns = feed_tid.and_then(own_task_cpu_ns);
    let stats = feed.stats();
    let _ = feed.shutdown();
    drop(segments);
    // Workers that appeared after the first look started during the run (counted from 0).
    let mut all_mock_tids = own_threads_named("paradex-mock");
    all_mock_tids.retain(|t| !mock_tids.contains(t));
    let mock_cpu_ns = (own_tasks_cpu_ns(&mock_tids) + own_tasks_cpu_ns(&all_mock_tids))
        .saturating_sub(mock_cpu_before);
    drop(mock);
    Ok(ScenarioOutcome {
        feed: stats,
        feed_cpu_ns,
        mock_cpu_ns,
        wall,
        readers,
    })
}

fn wait_for_thread(name: &str) -> Option<u32> {
    let deadline = Instant::now() + Duration::from_secs(2);
    while Instant::now() < deadline {
        if let Some(&tid) = own_threads_named(name).first() {
            return Some(tid);
        }
        std::thread::sleep(Duration::from_micros(100));
    }
    None
}

/// The working directory for scratch files under `dir`.
pub fn scratch_dir(dir: &Path) -> std::io::Result<PathBuf> {
    let path = dir.join(format!("e2e-scratch-{}", std::process::id()));
    std::fs::create_dir_all(&path)?;
    Ok(path)
}
