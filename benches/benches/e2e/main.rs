//! End-to-end harness: `paradex-mock` (SBE firehose, fixed rate and full speed) → the feed
//! thread pinned to a core → the BBO ring → readers in Rust (threads) and Python (numpy,
//! `paradex_core.RingReader`, one process each). Baselines on the same mock stream: a
//! pure-Python WebSocket client parsing JSON into Nautilus objects, and the `paradex-py` SDK.
//!
//! Run with `cargo bench -p paradex-benches --bench e2e -- [--quick] [--out DIR]`; `make bench`
//! sets the environment:
//! * `BENCH_PYTHON`: interpreter with `paradex_core` and numpy (Python reader, pure-Python
//!   baseline); unset → those stages are reported as not run.
//! * `BENCH_SDK_PYTHON`: interpreter with `paradex-py` (SDK baseline); unset → not run.
//!
//! Writes `<out>/e2e.json` (the shared result shape, plus per-scenario figures for the
//! growth tables) and one `.hgrm` percentile file per reader and baseline.

mod baseline;
mod readers;
mod scenario;

use std::path::{Path, PathBuf};

use paradex_benches::affinity::Cores;
use paradex_benches::results::{BenchResult, Row, write_hgrm};
use serde_json::json;

use readers::ReaderOutcome;
use scenario::{Context, Scenario, ScenarioOutcome};

/// Message rate of the fixed-rate (latency) runs. The mock paces on tokio's 1 ms timer, so at
/// up to 1,000 msg/s every frame goes out on its own, evenly spread; above it frames leave in
/// 1 ms bursts (see `BURST_RATE`).
const FIXED_RATE: u64 = 1_000;
/// The bursty extra latency run: 20,000 msg/s, which the mock sends as 20 frames per ms.
const BURST_RATE: u64 = 20_000;

const RUST_LATENCY: &str = "e2e latency: rust reader thread, frame received → record visible";
const RUST_SEND_LATENCY: &str =
    "e2e latency: rust reader thread, mock send (wall clock) → record visible";
const RUST_BURST_LATENCY: &str = "e2e latency: rust reader thread, frame received → record visible, 20,000 msg/s in 1 ms bursts of 20";
const PY_LATENCY: &str = "e2e latency: python reader (numpy poll), frame received → record visible";
const PY_SEND_LATENCY: &str =
    "e2e latency: python reader (numpy poll), mock send (wall clock) → record visible";
const BASE_LATENCY: &str =
    "baseline: pure-Python WS + msgspec → QuoteTick, bytes arrived (data_received) → object";
const BASE_RECV_LATENCY: &str = "baseline (later start, not comparable): pure-Python WS + msgspec → QuoteTick, recv() returned → object";
const SDK_LATENCY: &str =
    "baseline: paradex-py SDK WS client, bytes arrived (data_received) → callback";
const SDK_RECV_LATENCY: &str =
    "baseline (later start, not comparable): paradex-py SDK WS client, recv() returned → callback";
const RUST_THROUGHPUT: &str = "e2e throughput: rust reader, zero loss";
const PY_THROUGHPUT: &str = "e2e throughput: python reader, zero loss";
const BASE_THROUGHPUT: &str = "baseline throughput: pure-Python WS + msgspec → QuoteTick";
const SDK_THROUGHPUT: &str = "baseline throughput: paradex-py SDK WS client";
const SDK_SBE_LATENCY: &str =
    "baseline: paradex-py SDK WS client, SBE decoding, bytes arrived (data_received) → callback";
const SDK_SBE_RECV_LATENCY: &str = "baseline (later start, not comparable): paradex-py SDK WS client, SBE decoding, recv() returned → callback";
const SDK_SBE_SEND_LATENCY: &str =
    "baseline: paradex-py SDK WS client, SBE decoding, mock send (wall clock) → callback";
const SDK_SBE_THROUGHPUT: &str = "baseline throughput: paradex-py SDK WS client, SBE decoding";

struct Args {
    quick: bool,
    out: PathBuf,
}

fn parse_args() -> Args {
    let args: Vec<String> = std::env::args().collect();
    // `cargo bench` passes `--bench`; anything else (`cargo test --benches`) is a smoke run.
    let quick = args.iter().any(|a| a == "--quick") || !args.iter().any(|a| a == "--bench");
    let out = args
        .iter()
        .position(|a| a == "--out")
        .and_then(|i| args.get(i + 1))
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("BENCH_RESULTS_DIR").map(PathBuf::from))
        .unwrap_or_else(|| workspace_root().join("target").join("bench-results"));
    Args { quick, out }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("benches/ sits in the workspace")
        .to_path_buf()
}

fn scenarios(quick: bool) -> Vec<Scenario> {
    // Latency runs are paced at FIXED_RATE (1,000 msg/s): counts set their length in seconds.
    let (latency_count, throughput_count, growth_count, burst_count) = if quick {
        (500, 20_000, 5_000, 2_000)
    } else {
        (60_000, 2_000_000, 1_000_000, 200_000)
    };
    let s = |id: &str, markets, rate, count, rust_readers, python_readers| Scenario {
        id: id.to_owned(),
        markets,
        rate,
        count,
        rust_readers,
        python_readers,
    };
    let growth_latency = latency_count / 3;
    // One spinning reader per latency run: on a 2-core machine a second spinner would share
    // the reader's core and the figure would measure the scheduler's time slice.
    let mut list = vec![
        s("latency-m1", 1, FIXED_RATE, latency_count, 1, 0),
        s("latency-py", 1, FIXED_RATE, latency_count, 0, 1),
        s("latency-burst", 1, BURST_RATE, burst_count, 1, 0),
        s("throughput-m1", 1, 0, throughput_count, 1, 0),
        s("throughput-py", 1, 0, throughput_count, 0, 1),
    ];
    if quick {
        list.push(s("latency-m100", 100, FIXED_RATE, latency_count, 1, 0));
        list.push(s("throughput-r16", 1, 0, growth_count, 16, 0));
        return list;
    }
    for markets in [10, 100] {
        let id = |what: &str| format!("{what}-m{markets}");
        list.push(s(&id("latency"), markets, FIXED_RATE, growth_latency, 1, 0));
        list.push(s(&id("throughput"), markets, 0, growth_count, 1, 0));
    }
    for readers in [4, 16] {
        let id = |what: &str| format!("{what}-r{readers}");
        list.push(s(&id("latency"), 1, FIXED_RATE, growth_latency, readers, 0));
        list.push(s(&id("throughput"), 1, 0, growth_count, readers, 0));
    }
    list
}

fn python_from_env(var: &str) -> Option<PathBuf> {
    std::env::var_os(var)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

fn main() {
    // Captured before anything is pinned (see `Cores`).
    let cores = Cores::capture();
    let args = parse_args();
    let out = args.out.clone();
    let work_dir = scenario::scratch_dir(&std::env::temp_dir()).expect("scratch dir");
    let ctx = Context {
        feed_core: 1.min(cores.len().saturating_sub(1)),
        cores,
        python: python_from_env("BENCH_PYTHON"),
        scripts: workspace_root().join("scripts"),
        work_dir: work_dir.clone(),
    };
    let mut result = BenchResult::new("e2e", "end to end: mock → feed → rings → readers");
    let mut scenario_docs = Vec::new();
    let mut hgrms = Vec::new();
    let mut outcomes: Vec<(Scenario, ScenarioOutcome)> = Vec::new();
    for scenario in scenarios(args.quick) {
        eprintln!(
            "e2e: {} ({}, {} msgs)",
            scenario.id,
            scenario.label(),
            scenario.count
        );
        match scenario::run(&scenario, &ctx) {
            Ok(outcome) => {
                for reader in &outcome.readers {
                    report_reader_line(&scenario, reader);
                    if let Some(error) = &reader.error {
                        result.error(format!("{}: {}: {error}", scenario.id, reader.name));
                    } else if reader.latency.summary().count > 0 {
                        let file =
                            format!("e2e-{}-{}.hgrm", scenario.id, reader.name.replace('#', ""));
                        match write_hgrm(reader.latency.histogram(), &out_dir(&out).join(&file)) {
                            Ok(()) => hgrms.push(json!({"file": file, "scenario": scenario.id,
                                "label": format!("{} · {}", scenario.label(), reader.name)})),
                            Err(e) => result.error(format!("writing {file}: {e}")),
                        }
                    }
                }
                scenario_docs.push(scenario_doc(&scenario, &outcome));
                outcomes.push((scenario, outcome));
            }
            Err(e) => result.error(format!("{}: {e}", scenario.id)),
        }
    }
    headline_rows(&mut result, &outcomes);
    run_baselines(&mut result, &ctx, args.quick, &mut hgrms, &out);
    result.set("scenarios", json!(scenario_docs));
    result.set("hgrm", json!(hgrms));
    result.note(format!(
        "Latency, start point 1 (frame received): the feed thread stamps each record's ts_recv \
         with CLOCK_MONOTONIC when tungstenite hands it the WebSocket frame (after its socket \
         read and frame parse); each reader reads CLOCK_MONOTONIC when the record is visible to \
         it (Rust: per record after try_read, spinning; Python: once per poll() batch, after the \
         copy into numpy). The baselines' counterpart is the moment their client library's \
         asyncio protocol receives the bytes (data_received of the websockets connection, \
         stamped per chunk; each message takes the stamp of the chunk that completed it), to \
         the QuoteTick built / the SDK's callback; their recv()-returned start is shown too, \
         labelled as the later start. Start point 2 (mock send): the mock stamps each frame with \
         its wall clock (µs) when it encodes the frame, right before writing it to the socket \
         (SBE ts); the reader's wall clock when the record is visible, minus that, adds the \
         loopback TCP stack, the WebSocket read and the decode; it has 1 µs resolution (the \
         stamp is truncated, so up to 1 µs is added). JSON frames carry ms only \
         (last_updated_at), so the JSON baselines have no start-point-2 figure; the SDK's SBE \
         mode has one (µs read from the raw frame after the callback's clocks). Readers start \
         at the oldest record; the first {} of each run are left out of the latency histograms \
         (attach and warm-up) but counted for loss. Fixed-rate runs send {} msg/s: the mock \
         paces on tokio's 1 ms timer, so each frame goes out alone, evenly spread; the extra \
         {} msg/s run shows the same path when the mock sends bursts of 20 frames per ms. Zero \
         loss means mock sent (its --firehose-count) == feed published == reader received, \
         with no laps. CPU is /proc schedstat run time; the feed thread and Rust readers \
         busy-poll, so their CPU includes idle spinning. Cores ({} here): the mock (2 tokio \
         workers, in the harness process) is pinned to the feed thread's core {} (in \
         production the exchange is another machine; time the mock spends on the feed's core \
         is spent before the feed's stamp), and never runs on a reader's core; Rust readers \
         are pinned to the other core(s), the Python reader and every baseline process to the \
         first of them (the baselines' mock is pinned the same way, with no feed running).",
        "2% (at most 5,000)",
        FIXED_RATE,
        BURST_RATE,
        ctx.cores.len(),
        ctx.feed_core
    ));
    let _ = std::fs::remove_dir_all(&work_dir);
    match result.write(&out_dir(&out)) {
        Ok(path) => eprintln!("e2e: wrote {}", path.display()),
        Err(e) => {
            eprintln!("e2e: cannot write results to {}: {e}", out.display());
            std::process::exit(1);
        }
    }
}

fn out_dir(out: &Path) -> PathBuf {
    let _ = std::fs::create_dir_all(out);
    out.to_path_buf()
}

fn report_reader_line(scenario: &Scenario, reader: &ReaderOutcome) {
    println!(
        "e2e {:<16} {:<9} received {} lost {} {:.0} msg/s  {}{}",
        scenario.id,
        reader.name,
        reader.received,
        reader.lost,
        reader.throughput(),
        reader.latency.summary(),
        reader
            .error
            .as_deref()
            .map(|e| format!("  ERROR {e}"))
            .unwrap_or_default()
    );
}

fn zero_loss(scenario: &Scenario, outcome: &ScenarioOutcome, reader: &ReaderOutcome) -> bool {
    let published = outcome.feed.map_or(0, |s| s.published);
    published == scenario.count && reader.received == scenario.count && reader.lost == 0
}

fn scenario_doc(scenario: &Scenario, outcome: &ScenarioOutcome) -> serde_json::Value {
    let readers: Vec<_> = outcome
        .readers
        .iter()
        .map(|r| {
            let s = r.latency.summary();
            json!({
                "name": r.name, "received": r.received, "lost": r.lost,
                "zero_loss": zero_loss(scenario, outcome, r),
                "p50": s.p50, "p90": s.p90, "p99": s.p99, "p999": s.p999, "max": s.max,
                "mean": s.mean, "samples": s.count, "throughput": r.throughput(),
                "cpu_ns": r.cpu_ns, "error": r.error,
            })
        })
        .collect();
    json!({
        "id": scenario.id, "label": scenario.label(), "markets": scenario.markets,
        "rate": scenario.rate, "count": scenario.count, "rust_readers": scenario.rust_readers,
        "python_readers": scenario.python_readers,
        "feed_published": outcome.feed.map(|s| s.published),
        "feed_frames": outcome.feed.map(|s| s.frames),
        "feed_cpu_ns": outcome.feed_cpu_ns, "mock_cpu_ns": outcome.mock_cpu_ns,
        "wall_s": outcome.wall.as_secs_f64(), "readers": readers,
    })
}

fn find<'a>(
    outcomes: &'a [(Scenario, ScenarioOutcome)],
    id: &str,
    reader: &str,
) -> Option<(&'a Scenario, &'a ScenarioOutcome, &'a ReaderOutcome)> {
    let (s, o) = outcomes.iter().find(|(s, _)| s.id == id)?;
    let r = o
        .readers
        .iter()
        .find(|r| r.name == reader && r.error.is_none())?;
    Some((s, o, r))
}

fn per_million_ms(cpu_ns: u64, messages: u64) -> f64 {
    cpu_ns as f64 / 1e6 / (messages.max(1) as f64 / 1e6)
}

fn headline_rows(result: &mut BenchResult, outcomes: &[(Scenario, ScenarioOutcome)]) {
    for (id, case, reader, series) in [
        ("latency-m1", RUST_LATENCY, "rust#0", None),
        ("latency-m1", RUST_SEND_LATENCY, "rust#0", Some("send")),
        ("latency-py", PY_LATENCY, "python#0", None),
        ("latency-py", PY_SEND_LATENCY, "python#0", Some("send")),
        ("latency-burst", RUST_BURST_LATENCY, "rust#0", None),
    ] {
        let found = find(outcomes, id, reader).and_then(|(s, _, r)| {
            let recorder = match series {
                Some(name) => r.series(name)?,
                None => &r.latency,
            };
            Some((s, recorder))
        });
        match found {
            Some((s, recorder)) => result.push(
                Row::latency(case, &recorder.summary(), None).with("scenario", json!(s.label())),
            ),
            None => result.error(format!("{case}: not measured (see the errors above)")),
        }
    }
    for (id, case, reader, cpu_case) in [
        (
            "throughput-m1",
            RUST_THROUGHPUT,
            "rust#0",
            "CPU per 1M msgs: rust reader thread (busy-polls)",
        ),
        (
            "throughput-py",
            PY_THROUGHPUT,
            "python#0",
            "CPU per 1M msgs: python reader process (spin-polls)",
        ),
    ] {
        let Some((s, o, r)) = find(outcomes, id, reader) else {
            result.error(format!("{case}: not measured (see the errors above)"));
            continue;
        };
        result.push(
            Row::value(
                case,
                "msg/s",
                r.throughput(),
                r.received,
                Some("≥ 1,000,000 msg/s, none lost"),
            )
            .with("scenario", json!(s.label()))
            .with("zero_loss", json!(zero_loss(s, o, r)))
            .with("mock_sent", json!(s.count))
            .with("feed_published", json!(o.feed.map(|f| f.published)))
            .with("received", json!(r.received))
            .with("lost", json!(r.lost)),
        );
        if let Some(cpu) = r.cpu_ns {
            let per_m = per_million_ms(cpu, r.received);
            result.push(Row::value(cpu_case, "ms", per_m, r.received, None));
        }
        if id != "throughput-m1" {
            continue;
        }
        if let Some(cpu) = o.feed_cpu_ns {
            result.push(Row::value(
                "CPU per 1M msgs: feed thread (busy-polls; includes connect and drain)",
                "ms",
                per_million_ms(cpu, s.count),
                s.count,
                None,
            ));
        }
        result.push(Row::value(
            "CPU per 1M msgs: mock firehose (2 tokio workers; SBE encode + send)",
            "ms",
            per_million_ms(o.mock_cpu_ns, s.count),
            s.count,
            None,
        ));
    }
}

/// A Python client measured on the same mock stream as the Rust path.
struct Baseline {
    name: &'static str,
    interpreter_var: &'static str,
    script: &'static str,
    args: &'static [&'static str],
    /// Bytes arrived (`data_received`) → object / callback: compared with `RUST_LATENCY`.
    latency_case: &'static str,
    /// `recv()` returned → object / callback: the later start point, kept for comparison.
    recv_case: &'static str,
    /// Mock send (wall clock) → callback, when the frame carries a µs send time (SBE).
    send_case: Option<&'static str>,
    throughput_case: &'static str,
}

const BASELINES: [Baseline; 3] = [
    Baseline {
        name: "pure-python",
        interpreter_var: "BENCH_PYTHON",
        script: "baseline_python_ws.py",
        args: &[],
        latency_case: BASE_LATENCY,
        recv_case: BASE_RECV_LATENCY,
        send_case: None,
        throughput_case: BASE_THROUGHPUT,
    },
    Baseline {
        name: "paradex-py",
        interpreter_var: "BENCH_SDK_PYTHON",
        script: "baseline_sdk_ws.py",
        args: &[],
        latency_case: SDK_LATENCY,
        recv_case: SDK_RECV_LATENCY,
        send_case: None,
        throughput_case: SDK_THROUGHPUT,
    },
    Baseline {
        name: "paradex-py-sbe",
        interpreter_var: "BENCH_SDK_PYTHON",
        script: "baseline_sdk_ws.py",
        args: &["--sbe"],
        latency_case: SDK_SBE_LATENCY,
        recv_case: SDK_SBE_RECV_LATENCY,
        send_case: Some(SDK_SBE_SEND_LATENCY),
        throughput_case: SDK_SBE_THROUGHPUT,
    },
];

fn run_baselines(
    result: &mut BenchResult,
    ctx: &Context,
    quick: bool,
    hgrms: &mut Vec<serde_json::Value>,
    out: &Path,
) {
    let (latency_count, throughput_count) = if quick {
        (500, 5_000)
    } else {
        (30_000, 200_000)
    };
    let latency = Scenario {
        id: "baseline-latency".into(),
        markets: 1,
        rate: FIXED_RATE,
        count: latency_count,
        rust_readers: 0,
        python_readers: 0,
    };
    let throughput = Scenario {
        id: "baseline-throughput".into(),
        rate: 0,
        count: throughput_count,
        ..latency.clone()
    };
    for baseline in &BASELINES {
        let name = baseline.name;
        let Some(interpreter) = python_from_env(baseline.interpreter_var) else {
            result.error(format!(
                "{name} baseline not run: {} is not set",
                baseline.interpreter_var
            ));
            continue;
        };
        let script = ctx.scripts.join(baseline.script);
        eprintln!("e2e: baseline {name} (latency at {FIXED_RATE} msg/s, then full speed)");
        let run = |scenario: &Scenario, what: &str| {
            baseline::run(
                &format!("{name}-{what}"),
                scenario,
                &interpreter,
                &script,
                baseline.args,
                ctx,
            )
        };
        match run(&latency, "latency") {
            Ok(r) => {
                report_reader_line(&latency, &r);
                let file = format!("e2e-baseline-{name}.hgrm");
                if write_hgrm(r.latency.histogram(), &out.join(&file)).is_ok() {
                    hgrms.push(json!({"file": file, "scenario": latency.id,
                        "label": format!("{name} baseline · {}", latency.label())}));
                }
                let target = Some("rust ≥ 100× lower median");
                let mut cases = vec![
                    (baseline.latency_case, Some(&r.latency), RUST_LATENCY),
                    (baseline.recv_case, r.series("recv"), RUST_LATENCY),
                ];
                if let Some(case) = baseline.send_case {
                    cases.push((case, r.series("send"), RUST_SEND_LATENCY));
                }
                for (case, recorder, rust_case) in cases {
                    match recorder {
                        Some(recorder) => result.push(
                            Row::latency(case, &recorder.summary(), target)
                                .baseline_of(rust_case)
                                .with("scenario", json!(latency.label())),
                        ),
                        None => result.error(format!("{case}: the script wrote no such series")),
                    }
                }
            }
            Err(e) => result.error(format!("{name} baseline (latency): {e}")),
        }
        match run(&throughput, "throughput") {
            Ok(r) => {
                report_reader_line(&throughput, &r);
                result.push(
                    Row::value(
                        baseline.throughput_case,
                        "msg/s",
                        r.throughput(),
                        r.received,
                        Some("rust ≥ 20× higher"),
                    )
                    .baseline_of(RUST_THROUGHPUT)
                    .with("scenario", json!(throughput.label()))
                    .with("received", json!(r.received)),
                );
                if let Some(cpu) = r.cpu_ns {
                    result.push(Row::value(
                        &format!("CPU per 1M msgs: {name} baseline process"),
                        "ms",
                        per_million_ms(cpu, r.received),
                        r.received,
                        None,
                    ));
                }
            }
            Err(e) => result.error(format!("{name} baseline (throughput): {e}")),
        }
    }
}
