#!/usr/bin/env python3
"""Regenerates tracking/chaos-test-results.md from the chaos suite's JSON result files and the
fuzz logs.

    python3 scripts/chaos_report.py --chaos target/chaos-results --fuzz target/fuzz-results \
        --out tracking/chaos-test-results.md

`make chaos` runs the suite then this. Each chaos test writes `<scenario>.json` after its
assertions pass (tests/chaos/support.rs); a scenario without a file did not pass in that run
and is listed as missing. Fuzz figures come from libFuzzer's `-print_final_stats=1` output
(`<target>.record.log`, `<target>.smoke.log`) and the stable runner's `smoke-stable.json`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import re
import subprocess
from pathlib import Path

from host_info import cpu_model

# Every scenario the suite has, in report order (a missing file is reported, never skipped).
SCENARIOS = [
    "ws_drop", "ws_stall", "ws_malformed", "ws_truncated", "ws_oversized", "book_seq_gap",
    "rest_timeout_create", "rest_5xx_storm", "rest_429_storm", "jwt_expiry",
    "feed_sigkill", "exec_sigkill", "mock_restart",
    "sec_shm_permissions", "sec_no_secrets_in_output", "sec_tls_default", "sec_mock_auth",
]
FUZZ_TARGETS = ["sbe_decode", "feed_frames", "exec_stream", "rest_models", "ring_open"]


def git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine() -> str:
    cpu = cpu_model() or "unknown CPU"
    cores = len(re.findall(r"^processor", Path("/proc/cpuinfo").read_text(), re.M)) if Path("/proc/cpuinfo").exists() else "?"
    return f"{platform.node()}: {cpu}, {cores} cores, Linux {platform.release()}"


def fmt_ms(value) -> str:
    return "—" if value is None else f"{value:,.1f} ms"


def cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def chaos_section(results_dir: Path) -> list[str]:
    found = {}
    if results_dir.is_dir():
        for path in sorted(results_dir.glob("*.json")):
            data = json.loads(path.read_text())
            found[data["scenario"]] = data
    lines = ["## Chaos scenarios", "",
             "| scenario | fault | time to recover | lost | what the user saw |",
             "| --- | --- | --- | --- | --- |"]
    for name in SCENARIOS + sorted(set(found) - set(SCENARIOS)):
        data = found.get(name)
        if data is None:
            lines.append(f"| `{name}` | — | — | — | **no result: the test failed or did not run** |")
            continue
        lost = f"{data['lost']} ({data['lost_what']})"
        lines.append(f"| `{name}` | {cell(data['title'])} | {fmt_ms(data.get('recovery_ms'))} | "
                     f"{cell(lost)} | {cell(data['user_saw'])} |")
    lines += ["", "### Details per scenario", ""]
    for name in SCENARIOS:
        data = found.get(name)
        if data is None:
            continue
        details = data.get("details", {})
        note = details.pop("recovery_note", None)
        lines.append(f"- `{name}`: " + (f"recovery = {note}; " if note else "")
                     + ", ".join(f"{k} = {json.dumps(v)}" for k, v in details.items()))
    passed = sum(1 for n in SCENARIOS if n in found)
    return [f"{passed} of {len(SCENARIOS)} scenarios passed with results.", ""] + lines


STAT = re.compile(r"^stat::(number_of_executed_units|average_exec_per_sec|new_units_added|peak_rss_mb):\s*(\d+)", re.M)
PROGRESS = re.compile(r"^#(\d+)\s+(?:pulse|NEW|REDUCE|DONE|INITED)\b.*?(?:exec/s:\s*(\d+))?", re.M)


def libfuzzer_row(target: str, log: Path) -> str | None:
    if not log.exists():
        return None
    text = log.read_text(errors="replace")
    stats = dict(STAT.findall(text))
    crashed = bool(re.search(r"==\d+==\s*ERROR|deadly signal|panicked at", text))
    if "number_of_executed_units" in stats:
        execs = int(stats["number_of_executed_units"])
        if "run interrupted" in text:
            state = "interrupted (out of time)"
        elif "-max_total_time" in text and execs < 10_000_000:
            state = "time limit reached"
        else:
            state = "finished"
    else:
        progress = PROGRESS.findall(text)
        execs = int(progress[-1][0]) if progress else 0
        state = "not finished when this report was generated (last progress line)"
    rate = stats.get("average_exec_per_sec", "—")
    result = "**CRASH** (see log)" if crashed else "0 crashes"
    return f"| `{target}` | libFuzzer | {execs:,} | {rate} | {result} | {state} |"


def fuzz_section(fuzz_dir: Path) -> list[str]:
    lines = ["## Fuzzing", "",
             "Targets are library functions in `fuzz/src/` (libFuzzer entry points in `fuzz/fuzz_targets/`). "
             "`make fuzz-record` runs each for 10 M executions; `make fuzz-smoke` for a CI-sized run "
             "(libFuzzer when nightly + cargo-fuzz exist, else the stable runner over seeds + mutated inputs).", ""]
    for kind, title in (("record", "Record runs (target ≥ 10 M executions)"), ("smoke", "Smoke runs")):
        rows = [r for t in FUZZ_TARGETS if (r := libfuzzer_row(t, fuzz_dir / f"{t}.{kind}.log"))]
        if kind == "record":
            # Runs that found a crash which was then fixed (the log is renamed before the rerun).
            rows += [r.replace("| finished |", "| crashed; fixed, regression test added, rerun above |")
                     .replace("not finished when this report was generated (last progress line)", "crashed; fixed, regression test added, rerun above")
                     for t in FUZZ_TARGETS
                     if (r := libfuzzer_row(t, fuzz_dir / f"{t}.crash-before-fix.log"))]
        if kind == "smoke":
            stable = fuzz_dir / "smoke-stable.json"
            if stable.exists():
                for row in json.loads(stable.read_text()):
                    rate = round(row["execs"] / row["seconds"]) if row["seconds"] else "—"
                    result = "0 crashes" if row["crashes"] == 0 else f"**{row['crashes']} CRASHES**"
                    rows.append(f"| `{row['target']}` | stable runner | {row['execs']:,} | {rate} | {result} | finished |")
        lines += [f"### {title}", ""]
        if rows:
            lines += ["| target | engine | executions | exec/s | result | state |",
                      "| --- | --- | --- | --- | --- | --- |", *rows, ""]
        else:
            lines += ["No runs recorded.", ""]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chaos", type=Path, default=Path("target/chaos-results"))
    parser.add_argument("--fuzz", type=Path, default=Path("target/fuzz-results"))
    parser.add_argument("--out", type=Path, default=Path("tracking/chaos-test-results.md"))
    args = parser.parse_args()
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    commit = git("rev-parse", "--short", "HEAD")
    dirty = " (with uncommitted changes)" if git("status", "--porcelain", "--untracked-files=no") else ""
    lines = [
        "# Chaos, fuzzing and security results (#8)", "",
        "Generated by `make chaos` (`scripts/chaos_report.py`) from the test run's result files; do not edit by hand.", "",
        f"- Date: {now}",
        f"- Commit: `{commit}`{dirty}",
        f"- Machine: {machine()} (shared with other builds while measured: times are upper bounds)",
        "- Reproduce: `make chaos` (scenarios + security), `make fuzz-smoke`, `make fuzz-record`", "",
    ]
    lines += chaos_section(args.chaos) + [""] + fuzz_section(args.fuzz)
    args.out.write_text("\n".join(lines).rstrip() + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
