//! Baselines on the same mock stream: Python clients that speak JSON over the WebSocket,
//! as Nautilus's Python adapters and the official `paradex-py` SDK do.

use std::io::Read as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::readers::{ReaderOutcome, parse_python_summary};
use crate::scenario::{Context, Scenario, market_symbols, start_mock};

/// Runs `script` (in `interpreter`) against a fresh mock configured like `scenario`; the script
/// prints one JSON summary line and writes its latency samples (i64 ns) to files. The mock's
/// threads are pinned to the feed's core (unused here) and the script to a reader core, so the
/// client never shares a core with the exchange, as in the Rust runs.
///
/// # Errors
/// A message when the mock or the script fails, or the script overruns its deadline.
pub fn run(
    name: &str,
    scenario: &Scenario,
    interpreter: &Path,
    script: &Path,
    extra_args: &[&str],
    ctx: &Context,
) -> Result<ReaderOutcome, String> {
    let mock = start_mock(scenario, ctx.mock_pin())?;
    let plan = scenario.plan();
    let latencies = ctx.work_dir.join(format!("{name}.i64"));
    let mut command = Command::new(interpreter);
    command.arg(script);
    if let Some(cpu) = ctx.python_cpu() {
        command.args(["--core", &cpu.to_string()]);
    }
    let mut child = command
        .args(["--url", &mock.handle().ws_url()])
        .args(["--http-url", &mock.handle().http_url()])
        .args(["--markets", &market_symbols(scenario.markets).join(",")])
        .args(["--expect", &plan.expect.to_string()])
        .args(["--warmup", &plan.warmup.to_string()])
        .args([
            "--idle-timeout",
            &plan.idle_timeout.as_secs_f64().to_string(),
        ])
        .arg("--latencies")
        .arg(&latencies)
        .args(extra_args)
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", interpreter.display()))?;
    let deadline = Instant::now() + plan.deadline + Duration::from_secs(30);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{name} overran its deadline and was killed"));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("{name}: wait failed: {e}")),
        }
    };
    let mut stdout = String::new();
    if let Some(mut pipe) = child.stdout.take() {
        let _ = pipe.read_to_string(&mut stdout);
    }
    drop(mock);
    let last = stdout
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'));
    let outcome = match last {
        Some(line) => parse_python_summary(name, line, &latencies),
        None => Err(format!("{name} printed no summary (exit {status})")),
    };
    let _ = std::fs::remove_file(&latencies);
    outcome
}
