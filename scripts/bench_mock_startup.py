"""Times paradex-mock's start-up (spawn → the `listening` banner) and clean stop (SIGINT → exit 0).

Usage: python scripts/bench_mock_startup.py <path to paradex-mock> [--runs N] [--quick]
       [--json PATH] [extra mock flags, e.g. --tls]
"""

import argparse
import json
import signal
import statistics
import subprocess
import sys
import time


def measure(binary: str, extra: list[str], runs: int) -> tuple[list[float], list[float]]:
    starts, stops = [], []
    for _ in range(runs):
        began = time.perf_counter_ns()
        proc = subprocess.Popen([binary, "--md-rate", "0", *extra], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
        try:
            banner = proc.stdout.readline()
            ready = time.perf_counter_ns()
            if "listening" not in banner:
                sys.exit(f"no banner, got {banner!r}")
            proc.send_signal(signal.SIGINT)
            if proc.wait(timeout=5) != 0:
                sys.exit(f"exit code {proc.returncode} after SIGINT")
            stopped = time.perf_counter_ns()
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        starts.append(ready - began)
        stops.append(stopped - ready)
    return starts, stops


def row(case: str, samples: list[float]) -> dict:
    ordered = sorted(samples)

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {"case": case, "unit": "ns", "count": len(ordered), "p50": statistics.median(ordered),
            "p99": pct(0.99), "p999": pct(0.999), "mean": statistics.fmean(ordered),
            "max": ordered[-1], "value": None, "target": None, "baseline_of": None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("binary")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="3 runs, for CI smoke tests")
    parser.add_argument("--json", metavar="PATH")
    args, extra = parser.parse_known_args()  # unknown flags (e.g. --tls) go to the mock
    extra = [a for a in extra if a != "--"]
    runs = 3 if args.quick else args.runs
    starts, stops = measure(args.binary, extra, runs)
    label = " ".join(extra) or "plain"
    print(f"{label}: spawn→banner median {statistics.median(starts) / 1e6:.1f} ms "
          f"(min {min(starts) / 1e6:.1f}, max {max(starts) / 1e6:.1f}); SIGINT→exit 0 median "
          f"{statistics.median(stops) / 1e6:.1f} ms (max {max(stops) / 1e6:.1f}); {runs} runs")
    if args.json:
        result = {"bench": "mock_startup", "title": "paradex-mock start-up and clean stop",
                  "machine_note": None,
                  "rows": [row(f"spawn -> listening banner ({label})", starts),
                           row(f"SIGINT -> exit 0 ({label})", stops)],
                  "notes": "wall time from process spawn to the banner line on stdout, and from "
                           "SIGINT to the process exiting with status 0; --md-rate 0"}
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(result, out, indent=1)


if __name__ == "__main__":
    main()
