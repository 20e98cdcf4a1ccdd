//! The consumers of the feed's BBO ring: Rust reader threads and Python reader processes.
//!
//! Every reader starts at the oldest record, so none is missed while readers attach, and
//! measures, per record, its own `CLOCK_MONOTONIC` on seeing the record minus the record's
//! `ts_recv` (the feed thread's `CLOCK_MONOTONIC` when the WebSocket frame was received), and
//! its wall clock minus the record's `ts_exchange` (the mock's send time, µs resolution): the
//! `send` series, which adds the wire and the feed's socket stack to the figure.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use paradex_benches::affinity::Cores;
use paradex_benches::cpu::thread_cpu_ns;
use paradex_benches::latency::LatencyRecorder;
use paradex_ring::clock::monotonic_ns;
use paradex_ring::{Bbo, Read, Reader, ReaderOptions, StartAt};

/// How much a reader waits for and reads.
#[derive(Debug, Clone, Copy)]
pub struct ReadPlan {
    /// Records the feed will publish.
    pub expect: u64,
    /// Leading records left out of the latency histogram (attach and warm-up).
    pub warmup: u64,
    /// Stop after this long without a record (once the first one arrived).
    pub idle_timeout: Duration,
    /// Hard limit for the whole read.
    pub deadline: Duration,
    /// Give the core away when idle (more reader threads than cores for them); otherwise
    /// spin, since a yield on a busy machine costs a whole time slice.
    pub yield_when_idle: bool,
}

/// What one reader saw.
#[derive(Debug, Clone)]
pub struct ReaderOutcome {
    /// `rust#0`, `python#0`, ….
    pub name: String,
    /// Records read.
    pub received: u64,
    /// Records overwritten before this reader got to them (laps).
    pub lost: u64,
    /// Frame received by the feed → record visible to this reader, ns.
    pub latency: LatencyRecorder,
    /// Further series from other start points, by name (`send`: mock send time, wall clock →
    /// visible; `recv`: a baseline's `recv()` returned → object).
    pub extra: Vec<(String, LatencyRecorder)>,
    /// The first record's `ts_recv`: when the feed received its frame.
    pub first_recv_ns: i64,
    /// Reader clock at the first and the last record.
    pub first_ns: i64,
    /// See `first_ns`.
    pub last_ns: i64,
    /// CPU time of the reader (thread or process), ns.
    pub cpu_ns: Option<u64>,
    /// Why the reader failed, if it did.
    pub error: Option<String>,
}

impl ReaderOutcome {
    fn failed(name: String, error: String) -> Self {
        Self {
            name,
            received: 0,
            lost: 0,
            latency: LatencyRecorder::new(),
            extra: Vec::new(),
            first_recv_ns: 0,
            first_ns: 0,
            last_ns: 0,
            cpu_ns: None,
            error: Some(error),
        }
    }

    /// Sustained end-to-end rate: records per second from the feed receiving the first frame
    /// to this reader seeing the last record (a reader that fell behind and drained a backlog
    /// is not credited with its drain speed).
    #[must_use]
    pub fn throughput(&self) -> f64 {
        let span = self.last_ns - self.first_recv_ns;
        if self.received < 2 || span <= 0 {
            return 0.0;
        }
        (self.received - 1) as f64 / (span as f64 / 1e9)
    }

    /// The series named `name` (see `extra`).
    #[must_use]
    pub fn series(&self, name: &str) -> Option<&LatencyRecorder> {
        self.extra.iter().find(|(n, _)| n == name).map(|(_, r)| r)
    }
}

/// Wall clock, ns since the Unix epoch (the clock of the mock's send stamp).
fn wall_ns() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// Opens the ring once the feed has created it (readers start before the feed).
fn open_when_created(path: &Path, deadline: Instant) -> Result<Reader<Bbo>, String> {
    let options = ReaderOptions {
        start: StartAt::Oldest,
        register: true,
    };
    loop {
        let error = match Reader::<Bbo>::open_with(path, options) {
            Ok(reader) => return Ok(reader),
            Err(e) => e.to_string(),
        };
        if Instant::now() > deadline {
            return Err(format!("ring {} never opened: {error}", path.display()));
        }
        std::thread::sleep(Duration::from_micros(200));
    }
}

/// Starts a reader thread pinned to `core` (an index into `cores`), spinning on the ring
/// (and, with `plan.yield_when_idle`, yielding the core after a short spin so that more
/// readers than cores all make progress).
pub fn spawn_rust_reader(
    index: usize,
    ring: PathBuf,
    plan: ReadPlan,
    cores: Cores,
    core: Option<usize>,
) -> JoinHandle<ReaderOutcome> {
    let name = format!("rust#{index}");
    std::thread::Builder::new()
        .name(format!("e2e-reader-{index}"))
        .spawn(move || {
            if let Some(core) = core {
                cores.pin(core);
            }
            let start = Instant::now();
            let mut reader = match open_when_created(&ring, start + Duration::from_secs(10)) {
                Ok(reader) => reader,
                Err(e) => return ReaderOutcome::failed(name, e),
            };
            let cpu_before = thread_cpu_ns();
            let mut out = read_all(&mut reader, plan, start);
            out.name = name;
            out.cpu_ns = cpu_before.zip(thread_cpu_ns()).map(|(a, b)| b - a);
            out
        })
        .expect("spawn reader thread")
}

fn read_all(reader: &mut Reader<Bbo>, plan: ReadPlan, start: Instant) -> ReaderOutcome {
    let mut out = ReaderOutcome::failed(String::new(), String::new());
    out.error = None;
    let mut send = LatencyRecorder::new();
    let mut empties = 0_u32;
    let mut last_activity = Instant::now();
    while out.received + out.lost < plan.expect {
        match reader.try_read() {
            Read::Record(record) => {
                let now = monotonic_ns();
                let wall = wall_ns();
                if out.received >= plan.warmup {
                    out.latency.record(now - record.ts_recv);
                    send.record(wall - record.ts_exchange);
                }
                if out.received == 0 {
                    out.first_ns = now;
                    out.first_recv_ns = record.ts_recv;
                }
                out.last_ns = now;
                out.received += 1;
                empties = 0;
            }
            Read::Lapped(n) => {
                out.lost += n;
                empties = 0;
            }
            Read::Empty => {
                empties = empties.wrapping_add(1);
                if plan.yield_when_idle && empties >= 256 {
                    std::thread::yield_now();
                } else {
                    std::hint::spin_loop();
                }
                if empties.is_multiple_of(1024) {
                    let now = Instant::now();
                    let idle_too_long =
                        out.received > 0 && now.duration_since(last_activity) > plan.idle_timeout;
                    if idle_too_long || now.duration_since(start) > plan.deadline {
                        break;
                    }
                }
                continue;
            }
        }
        last_activity = Instant::now();
    }
    out.extra.push(("send".to_owned(), send));
    out
}

/// A Python reader process (`scripts/bench_e2e_reader.py` in the benchmark venv).
pub struct PythonReader {
    name: String,
    child: Child,
    stdout: BufReader<ChildStdout>,
    latencies: PathBuf,
}

impl PythonReader {
    /// Starts the process (pinned to OS CPU `cpu` when given) and waits until it has imported
    /// everything and is polling for the ring.
    ///
    /// # Errors
    /// A message when the interpreter cannot start or never says `READY`.
    pub fn start(
        index: usize,
        python: &Path,
        script: &Path,
        ring: &Path,
        plan: ReadPlan,
        work_dir: &Path,
        cpu: Option<usize>,
    ) -> Result<Self, String> {
        let latencies = work_dir.join(format!("python-reader-{index}.i64"));
        let mut command = Command::new(python);
        command.arg(script);
        if let Some(cpu) = cpu {
            command.args(["--core", &cpu.to_string()]);
        }
        let mut child = command
            .arg("--ring")
            .arg(ring)
            .args(["--expect", &plan.expect.to_string()])
            .args(["--warmup", &plan.warmup.to_string()])
            .args([
                "--idle-timeout",
                &plan.idle_timeout.as_secs_f64().to_string(),
            ])
            .args(["--deadline", &plan.deadline.as_secs_f64().to_string()])
            .arg("--latencies")
            .arg(&latencies)
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", python.display()))?;
        let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let mut line = String::new();
        let _ = stdout.read_line(&mut line);
        if line.trim() != "READY" {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!(
                "python reader did not start (said {:?})",
                line.trim()
            ));
        }
        Ok(Self {
            name: format!("python#{index}"),
            child,
            stdout,
            latencies,
        })
    }

    /// Waits for the process's summary line and loads its latency samples.
    pub fn finish(mut self) -> ReaderOutcome {
        let mut line = String::new();
        let _ = self.stdout.read_line(&mut line);
        let status = self.child.wait();
        let outcome = parse_python_summary(&self.name, &line, &self.latencies);
        let _ = std::fs::remove_file(&self.latencies);
        match (outcome, status) {
            (Ok(outcome), _) => outcome,
            (Err(e), status) => {
                ReaderOutcome::failed(self.name.clone(), format!("{e} (exit status {status:?})"))
            }
        }
    }
}

impl Drop for PythonReader {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Parses `{"received":…,"lost":…,"first_recv_ns":…,"first_ns":…,"last_ns":…,"cpu_ns":…,
/// "series":{"name":"path",…}}` and the raw little-endian i64 latency files written by a
/// Python process (`latencies`, the primary series, and each extra series, which are removed
/// once read).
pub fn parse_python_summary(
    name: &str,
    line: &str,
    latencies: &Path,
) -> Result<ReaderOutcome, String> {
    let doc: serde_json::Value =
        serde_json::from_str(line.trim()).map_err(|e| format!("bad summary {line:?}: {e}"))?;
    if let Some(error) = doc.get("error").and_then(|e| e.as_str()) {
        return Err(error.to_owned());
    }
    let int = |key: &str| {
        doc.get(key)
            .and_then(serde_json::Value::as_i64)
            .unwrap_or(0)
    };
    let latency = load_samples(latencies)?;
    let mut extra = Vec::new();
    if let Some(series) = doc.get("series").and_then(serde_json::Value::as_object) {
        for (series_name, path) in series {
            let path = Path::new(path.as_str().ok_or("series path is not a string")?);
            let samples = load_samples(path);
            let _ = std::fs::remove_file(path);
            extra.push((series_name.clone(), samples?));
        }
    }
    Ok(ReaderOutcome {
        name: name.to_owned(),
        received: int("received").max(0) as u64,
        lost: int("lost").max(0) as u64,
        latency,
        extra,
        first_recv_ns: doc
            .get("first_recv_ns")
            .and_then(serde_json::Value::as_i64)
            .unwrap_or_else(|| int("first_ns")),
        first_ns: int("first_ns"),
        last_ns: int("last_ns"),
        cpu_ns: doc.get("cpu_ns").and_then(serde_json::Value::as_u64),
        error: None,
    })
}

fn load_samples(path: &Path) -> Result<LatencyRecorder, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("latency file {}: {e}", path.display()))?;
    let mut latency = LatencyRecorder::new();
    for chunk in bytes.chunks_exact(8) {
        let mut sample = [0_u8; 8];
        sample.copy_from_slice(chunk);
        latency.record(i64::from_le_bytes(sample));
    }
    Ok(latency)
}
