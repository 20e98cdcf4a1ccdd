"""Running the benchmark stages for `bench_report.py`: each criterion bench, the bench binaries
(ring latency, feed throughput, the end-to-end harness) and every benchmark script, each
recorded in `manifest.json` (command, status, time, output tail), plus the machine description.
"""

from __future__ import annotations

import json
import os
import platform
import shlex
import subprocess
import sys
import time
from pathlib import Path

from host_info import cpu_model

REPO = Path(__file__).resolve().parents[1]

CRITERION_BENCHES = ["ring_publish", "feed_decode", "exec_sign", "exec_state", "exec_rest"]
# (result name, script, interpreter: "python" | "sdk", extra arguments)
SCRIPTS = [
    ("python_reader", "bench_python_reader.py", "python", []),
    ("sign_sdk", "bench_sign_sdk.py", "sdk", []),
    ("exec_client", "bench_exec_client.py", "python", []),
    ("nautilus_tick", "bench_nautilus_tick.py", "python", []),
    ("nautilus_order", "bench_nautilus_order.py", "python", []),
    ("mock_startup", "bench_mock_startup.py", "python", ["{mock}"]),
]


def target_dir() -> Path:
    default = Path.home() / ".cache" / "paradex-target"
    return Path(os.environ.get("CARGO_TARGET_DIR", default))


def tail(text: str, lines: int = 12) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


class Runner:
    """Runs stages, recording each in the manifest."""

    def __init__(self, out: Path, quick: bool, python: str, sdk_python: str | None) -> None:
        self.out = out
        self.quick = quick
        self.python = python
        self.sdk_python = sdk_python
        self.stages: list[dict] = []
        self.started = time.time()
        self.env = dict(os.environ, BENCH_RESULTS_DIR=str(out), BENCH_PYTHON=python,
                        BENCH_SDK_PYTHON=sdk_python or "")

    def stage(self, name: str, kind: str, argv: list[str], timeout: float,
              result: str | None = None) -> dict:
        shown = " ".join(shlex.quote(a) for a in argv)
        print(f"== {name}: {shown}", flush=True)
        record = {"name": name, "kind": kind, "command": shown, "result": result}
        begin = time.monotonic()
        try:
            proc = subprocess.run(argv, cwd=REPO, env=self.env, timeout=timeout,
                                  capture_output=True, text=True)
            record["returncode"] = proc.returncode
            record["status"] = "ok" if proc.returncode == 0 else "failed"
            record["stdout_tail"] = tail(proc.stdout, 40)
            record["stderr_tail"] = tail(proc.stderr)
            sys.stdout.write(proc.stdout)
            if proc.returncode != 0:
                sys.stdout.write(proc.stderr[-4000:])
        except subprocess.TimeoutExpired:
            record["status"] = "timeout"
            record["stderr_tail"] = f"killed after {timeout:.0f} s"
        record["seconds"] = round(time.monotonic() - begin, 2)
        if result and record["status"] == "ok" and not (self.out / f"{result}.json").exists():
            record["status"] = "failed"
            record["stderr_tail"] = (f"exited 0 but wrote no {result}.json\n"
                                     + record.get("stderr_tail", ""))
        print(f"== {name}: {record['status']} in {record['seconds']} s", flush=True)
        self.stages.append(record)
        return record

    def missing(self, name: str, why: str) -> None:
        print(f"== {name}: missing ({why})", flush=True)
        self.stages.append({"name": name, "kind": "script", "status": "missing",
                            "command": None, "stderr_tail": why, "result": name})

    def run_all(self) -> None:
        quick = ["--quick"] if self.quick else []
        build = self.stage("build benches", "build",
                           ["cargo", "bench", "-p", "paradex-benches", "--no-run"], 3600)
        if build["status"] == "ok":
            for bench in CRITERION_BENCHES:
                args = ["--quick", "--noplot"] if self.quick else ["--noplot"]
                self.stage(bench, "criterion",
                           ["cargo", "bench", "-p", "paradex-benches", "--bench", bench, "--",
                            *args], 1800)
            self.stage("ring_latency", "bench",
                       ["cargo", "bench", "-p", "paradex-benches", "--bench", "ring_latency",
                        "--", *quick], 900, result="ring_latency")
            self.stage("feed_throughput", "bench",
                       ["cargo", "bench", "-p", "paradex-benches", "--bench", "feed_throughput",
                        "--", *quick], 900, result="feed_throughput")
            self.stage("e2e", "bench",
                       ["cargo", "bench", "-p", "paradex-benches", "--bench", "e2e", "--",
                        *quick, "--out", str(self.out)], 3600, result="e2e")
        mock = self.build_mock()
        for result, script, interpreter, extra in SCRIPTS:
            path = REPO / "scripts" / script
            if not path.exists():
                self.missing(result, f"scripts/{script} does not exist")
                continue
            python = self.sdk_python if interpreter == "sdk" else self.python
            if python is None:
                self.missing(result, "no interpreter with paradex-py (set --sdk-python)")
                continue
            if "{mock}" in extra and mock is None:
                self.missing(result, "paradex-mock binary did not build")
                continue
            args = [a.replace("{mock}", str(mock)) for a in extra]
            out = self.out / f"{result}.json"
            self.stage(result, "script",
                       [python, f"scripts/{script}", *args, "--json", str(out), *quick],
                       300 if self.quick else 1800, result=result)
        self.collect_criterion()
        manifest = {
            "quick": self.quick,
            "started": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(self.started)),
            "seconds": round(time.time() - self.started, 1),
            "machine": machine(self.python),
            "python": self.python,
            "sdk_python": self.sdk_python,
            "stages": self.stages,
        }
        (self.out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")

    def build_mock(self) -> Path | None:
        record = self.stage("build paradex-mock", "build",
                            ["cargo", "build", "--release", "-p", "paradex-mock"], 1800)
        binary = target_dir() / "release" / "paradex-mock"
        return binary if record["status"] == "ok" and binary.exists() else None

    def collect_criterion(self) -> None:
        """Criterion medians written during this run, into `criterion.json`."""
        root = target_dir() / "criterion"
        found = []
        for estimates in sorted(root.glob("**/new/estimates.json")):
            if estimates.stat().st_mtime < self.started:
                continue
            meta_path = estimates.parent / "benchmark.json"
            try:
                est = json.loads(estimates.read_text())
                meta = json.loads(meta_path.read_text())
            except (OSError, json.JSONDecodeError) as e:
                print(f"criterion: skipping {estimates}: {e}")
                continue
            throughput = meta.get("throughput") or {}
            found.append({
                "group": meta.get("group_id"), "function": meta.get("function_id"),
                "id": meta.get("full_id"),
                "median_ns": est["median"]["point_estimate"],
                "median_lo_ns": est["median"]["confidence_interval"]["lower_bound"],
                "median_hi_ns": est["median"]["confidence_interval"]["upper_bound"],
                "mean_ns": est["mean"]["point_estimate"],
                "elements": throughput.get("Elements"),
            })
        (self.out / "criterion.json").write_text(json.dumps(found, indent=1) + "\n")


# ---- machine ------------------------------------------------------------------------------

def _cmd(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, cwd=REPO, capture_output=True, text=True,
                              timeout=60).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"


def machine(python: str) -> dict:
    cpu = cpu_model() or "unknown"
    try:
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        mem_kb = 0
    dirty = _cmd(["git", "status", "--porcelain", "--untracked-files=no"])
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "memory_gib": round(mem_kb / 2**20, 1),
        "kernel": platform.release(),
        "rustc": _cmd(["rustc", "--version"]),
        "python": _cmd([python, "-c", "import sys, numpy; print(sys.version.split()[0], "
                        "'numpy', numpy.__version__)"]),
        # A run from an exported tree (`git archive`) names its commit in BENCH_GIT_COMMIT.
        "commit": os.environ.get("BENCH_GIT_COMMIT")
        or (_cmd(["git", "rev-parse", "--short=12", "HEAD"])
            + (" (with uncommitted changes)" if dirty else "")),
        "loadavg_at_start": Path("/proc/loadavg").read_text().split()[:3],
    }
