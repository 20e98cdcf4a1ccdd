"""Runs every benchmark of the project and regenerates `tracking/performance-benchmarks.md`.

    python scripts/bench_report.py all [--quick]   # what `make bench` / `make bench-quick` call
    python scripts/bench_report.py run [--quick] [--out DIR]
    python scripts/bench_report.py render [--results DIR] [--markdown PATH] [--plots DIR]

`run` executes each stage (criterion benches, the end-to-end harness, and every benchmark
script that exists), each writing the shared JSON result shape into the results directory, and
records in `manifest.json` what ran, with which command, and how it ended. A stage that is
missing or fails is recorded as such; the report prints it and never invents a figure.
`render` reads the results directory (and criterion's `estimates.json` files, collected by
`run` into `criterion.json`), draws the PNG plots and writes the markdown. `--quick` runs
seconds-long versions into a temporary directory and renders there, leaving the tracked
markdown untouched.

Modules: `bench_stages` (running the stages, the manifest, the machine), `bench_format`
(numbers, target checks, tables), `bench_plots` (PNG plots), `bench_markdown` (the record).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from bench_markdown import render
from bench_stages import REPO, Runner


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("command", choices=("run", "render", "all"))
    ap.add_argument("--quick", action="store_true", help="seconds-long run into a temp dir")
    ap.add_argument("--out", type=Path, help="results directory (run)")
    ap.add_argument("--results", type=Path, help="results directory (render)")
    ap.add_argument("--markdown", type=Path, help="markdown to write (render)")
    ap.add_argument("--plots", type=Path, help="PNG/.hgrm directory (render)")
    ap.add_argument("--python", default=sys.executable,
                    help="interpreter with paradex_core, numpy, nautilus_trader")
    ap.add_argument("--sdk-python", default=os.environ.get("BENCH_SDK_PYTHON") or None,
                    help="interpreter with paradex-py (SDK baseline and signing comparison)")
    args = ap.parse_args()
    # Benches run with the package as their working directory: hand them absolute interpreters
    # (not resolved: a venv's python must keep its venv path).
    args.python = os.path.abspath(args.python) if os.sep in args.python else args.python
    if args.sdk_python and os.sep in args.sdk_python:
        args.sdk_python = os.path.abspath(args.sdk_python)

    scratch = Path(tempfile.mkdtemp(prefix="paradex-bench-quick-")) if args.quick else None
    results = args.out or args.results or (
        scratch / "results" if scratch else REPO / "target" / "bench-results")
    if args.command in ("run", "all"):
        if results.exists() and not args.quick:
            shutil.rmtree(results)
        results.mkdir(parents=True, exist_ok=True)
        Runner(results, args.quick, args.python, args.sdk_python).run_all()
    if args.command in ("render", "all"):
        markdown = args.markdown or (
            scratch / "performance-benchmarks.md" if scratch
            else REPO / "tracking" / "performance-benchmarks.md")
        plots = args.plots or (scratch / "bench" if scratch else REPO / "tracking" / "bench")
        render(results, markdown, plots)
        print(f"wrote {markdown} (plots in {plots})")
    if args.quick:
        return quick_verdict(results)
    return 0


def quick_verdict(results: Path) -> int:
    """In quick mode every existing stage must have worked: that is what CI checks."""
    manifest = json.loads((results / "manifest.json").read_text())
    bad = [s for s in manifest["stages"] if s["status"] not in ("ok", "missing")]
    for s in bad:
        print(f"FAILED stage {s['name']}: {s['status']}\n{s.get('stderr_tail', '')}")
    e2e = results / "e2e.json"
    if e2e.exists():
        errors = json.loads(e2e.read_text()).get("errors", [])
        ours = [e for e in errors if "not set" not in e]
        for e in ours:
            print(f"FAILED e2e: {e}")
        bad += ours
    print("bench-quick:", "ok" if not bad else f"{len(bad)} failure(s)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
