"""Times paradex-mock's start-up (spawn → the `listening` banner) and clean stop (SIGINT → exit 0).

Usage: python scripts/bench_mock_startup.py <path to paradex-mock> [extra flags, e.g. --tls]
"""

import signal
import statistics
import subprocess
import sys
import time

RUNS = 20


def main() -> None:
    binary, extra = sys.argv[1], sys.argv[2:]
    starts, stops = [], []
    for _ in range(RUNS):
        began = time.perf_counter()
        proc = subprocess.Popen([binary, "--md-rate", "0", *extra], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True)
        banner = proc.stdout.readline()
        ready = time.perf_counter()
        if "listening" not in banner:
            sys.exit(f"no banner, got {banner!r}")
        proc.send_signal(signal.SIGINT)
        if proc.wait(timeout=5) != 0:
            sys.exit(f"exit code {proc.returncode} after SIGINT")
        stopped = time.perf_counter()
        starts.append((ready - began) * 1e3)
        stops.append((stopped - ready) * 1e3)
    print(f"{' '.join(extra) or 'plain'}: spawn→banner median {statistics.median(starts):.1f} ms "
          f"(min {min(starts):.1f}, max {max(starts):.1f}); SIGINT→exit 0 median "
          f"{statistics.median(stops):.1f} ms (max {max(stops):.1f}); {RUNS} runs")


if __name__ == "__main__":
    main()
