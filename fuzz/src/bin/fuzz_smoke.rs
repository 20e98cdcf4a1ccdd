//! Runs every fuzz target on the stable toolchain: the seeds, then `--runs` mutated inputs
//! each, catching panics. For CI machines without nightly or cargo-fuzz; `make fuzz-smoke`
//! prefers libFuzzer when it is available and says which mode ran.
//!
//! `fuzz_smoke [--runs N] [--seed S] [--target NAME]... [--json PATH]`
//! `fuzz_smoke --write-seeds DIR` writes each target's seeds to `DIR/<target>/` (libFuzzer's
//! starting corpus) and exits.

use std::io::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use paradex_fuzz::{Mutator, TARGETS, seeds::seeds};

struct Args {
    runs: u64,
    seed: u64,
    targets: Vec<String>,
    json: Option<PathBuf>,
    write_seeds: Option<PathBuf>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        runs: 20_000,
        seed: 1,
        targets: Vec::new(),
        json: None,
        write_seeds: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--runs" => args.runs = value()?.parse().map_err(|e| format!("--runs: {e}"))?,
            "--seed" => args.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--target" => args.targets.push(value()?),
            "--json" => args.json = Some(PathBuf::from(value()?)),
            "--write-seeds" => args.write_seeds = Some(PathBuf::from(value()?)),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    for name in &args.targets {
        if !TARGETS.iter().any(|(t, _)| t == name) {
            return Err(format!("unknown target {name:?}"));
        }
    }
    Ok(args)
}

/// What one target's run found.
struct Outcome {
    target: &'static str,
    execs: u64,
    crashes: u64,
    seconds: f64,
}

fn run_target(name: &'static str, target: fn(&[u8]), args: &Args) -> Outcome {
    let seed_inputs = seeds(name);
    let mut mutator = Mutator::new(args.seed);
    let started = Instant::now();
    let (mut execs, mut crashes) = (0_u64, 0_u64);
    let mut run = |input: &[u8]| {
        execs += 1;
        if catch_unwind(AssertUnwindSafe(|| target(input))).is_err() {
            crashes += 1;
            save_crash(name, input);
        }
    };
    for input in &seed_inputs {
        run(input);
    }
    for _ in 0..args.runs {
        let input = mutator.input(&seed_inputs);
        run(&input);
    }
    Outcome {
        target: name,
        execs,
        crashes,
        seconds: started.elapsed().as_secs_f64(),
    }
}

/// Keeps a crashing input where `cargo fuzz` keeps its own: `fuzz/artifacts/<target>/`.
fn save_crash(target: &str, input: &[u8]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("artifacts")
        .join(target);
    let hash = input.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    });
    let path = dir.join(format!("crash-stable-{hash:016x}"));
    let saved = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, input));
    match saved {
        Ok(()) => eprintln!("CRASH in {target}: input saved to {}", path.display()),
        Err(e) => eprintln!("CRASH in {target}: could not save the input: {e}"),
    }
}

fn write_seeds(dir: &Path) -> std::io::Result<()> {
    for (name, _) in TARGETS {
        let target_dir = dir.join(name);
        std::fs::create_dir_all(&target_dir)?;
        for (i, input) in seeds(name).iter().enumerate() {
            std::fs::write(target_dir.join(format!("seed-{i:03}")), input)?;
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("fuzz_smoke: {e}");
            return ExitCode::from(2);
        }
    };
    if let Some(dir) = &args.write_seeds {
        return match write_seeds(dir) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("fuzz_smoke: writing seeds to {}: {e}", dir.display());
                ExitCode::FAILURE
            }
        };
    }
    // Panics are caught and counted; their default report would flood the output.
    std::panic::set_hook(Box::new(|info| eprintln!("panic: {info}")));
    println!(
        "fuzz-smoke mode: stable fallback (seeds + {} mutated inputs per target, no coverage guidance)",
        args.runs
    );
    let outcomes: Vec<Outcome> = TARGETS
        .iter()
        .filter(|(name, _)| args.targets.is_empty() || args.targets.iter().any(|t| t == name))
        .map(|(name, target)| run_target(name, *target, &args))
        .collect();
    for o in &outcomes {
        println!(
            "{:<12} {:>9} execs {:>3} crashes {:>7.2} s",
            o.target, o.execs, o.crashes, o.seconds
        );
    }
    if let Some(path) = &args.json {
        let rows: Vec<serde_json::Value> = outcomes
            .iter()
            .map(|o| {
                serde_json::json!({
                    "target": o.target, "mode": "stable", "execs": o.execs,
                    "crashes": o.crashes, "seconds": o.seconds,
                })
            })
            .collect();
        let text = serde_json::to_string_pretty(&rows).unwrap_or_default();
        if let Err(e) = std::fs::File::create(path).and_then(|mut f| f.write_all(text.as_bytes())) {
            eprintln!("fuzz_smoke: writing {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    if outcomes.iter().any(|o| o.crashes > 0) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
