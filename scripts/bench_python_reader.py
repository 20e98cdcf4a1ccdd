"""Rust writer process -> Python reader: latency and throughput of records reaching numpy.

Latency: the `ring_writer` helper publishes one BBO every `--interval-us` with `ts_recv` =
CLOCK_MONOTONIC at publish; Python spin-polls and stamps `time.monotonic_ns()` as soon as a
poll returns records. Reported per mode (copy `poll()`, zero-copy `poll_view()`, pure-numpy
`RingFile.poll()`): p50/p90/p99/p99.9/max of (Python-visible - published), after warm-up.
Throughput: the writer publishes as fast as it can; Python drains in batches; reports records/s
delivered to numpy and records lost to laps.

Run with (release build of the extension installed in the venv first):
    python scripts/bench_python_reader.py [--records 200000] [--interval-us 20] [--json PATH]
    python scripts/bench_python_reader.py --quick      # seconds-long smoke run
`--json PATH` writes the common benchmark result file (tracking/performance-benchmarks.md).

Method: Python's cyclic GC is off and the sample array pre-faulted while measuring, so a
collection or a first-touch page fault in the harness is not counted as ring latency. The
writer process is pinned to one core and Python to another (when there are two): unpinned, the
scheduler migrates the two spinners and a migration costs a cold cache. On a 2-core machine any
third runnable task still preempts one of them, and that (not the reader) sets the p99 there.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import paradex_core as pc
from paradex_core.ringfile import RingFile

REPO = Path(__file__).resolve().parents[1]


def writer_binary() -> str:
    sys.path.insert(0, str(REPO / "python" / "tests"))
    from conftest import cargo_executable

    return cargo_executable("paradex-tests", "ring_writer")


# (writer core, reader core), read once before anything is pinned; None with one core.
CORES = sorted(os.sched_getaffinity(0))
PLACEMENT = (CORES[0], CORES[1]) if len(CORES) >= 2 else None


class Writer:
    def __init__(self, binary: str, name: str, *args: str):
        self.proc = subprocess.Popen([binary, "--name", name, "--wait-go", *args],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        if PLACEMENT is not None:
            os.sched_setaffinity(self.proc.pid, {PLACEMENT[0]})
        assert self.proc.stdout.readline().startswith("ready")

    def go(self) -> None:
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def percentiles(ns: np.ndarray) -> dict:
    q = np.percentile(ns, [50, 90, 99, 99.9])
    return {"n": int(len(ns)), "p50_us": q[0] / 1e3, "p90_us": q[1] / 1e3, "p99_us": q[2] / 1e3,
            "p99.9_us": q[3] / 1e3, "max_us": float(ns.max()) / 1e3,
            "min_us": float(ns.min()) / 1e3}


def latency(binary: str, mode: str, records: int, interval_us: int, name: str) -> dict:
    writer = Writer(binary, name, "--count", str(records), "--capacity", "65536",
                    "--interval-ns", str(interval_us * 1000))
    try:
        if mode == "pure":
            reader = RingFile(name, start="next")
            poll = reader.poll
        else:
            reader = pc.RingReader(name, start="next")
            poll = reader.poll if mode == "copy" else reader.poll_view
        now = time.monotonic_ns
        lat = np.empty(records, dtype=np.int64)
        lat.fill(0)  # fault the pages in now, not inside the timed loop
        seen = 0
        gc.collect()
        gc.disable()
        writer.go()
        deadline = time.monotonic() + records * interval_us / 1e6 + 30
        while seen < records:
            got = poll()
            if len(got):
                t = now()
                recs = got if mode != "view" else got.records
                ts = recs["ts_recv"]
                lat[seen:seen + len(ts)] = t - ts
                seen += len(ts)
            elif time.monotonic() > deadline:
                break
        lat = lat[:seen][len(lat[:seen]) // 10:]  # drop the first 10% as warm-up
        return {"mode": mode, **percentiles(lat), "ns": lat}
    finally:
        gc.enable()
        writer.close()


def throughput(binary: str, mode: str, records: int, name: str) -> dict:
    writer = Writer(binary, name, "--count", str(records), "--capacity", str(1 << 20))
    try:
        reader = RingFile(name, start="next") if mode == "pure" else \
            pc.RingReader(name, start="next")
        got = 0
        writer.go()
        t0 = time.perf_counter()
        while got + reader.lost < records:
            if mode == "view":
                batch = reader.poll_view(on_lap="count")
                n = len(batch)
                if n:
                    float(batch.records["bid_px"][-1])  # touch the data
            else:
                n = len(reader.poll(on_lap="count"))
            got += n
        dt = time.perf_counter() - t0
        return {"mode": mode, "records": got, "lost": reader.lost, "seconds": dt,
                "records_per_s": got / dt}
    finally:
        writer.close()


MODE_CASES = {
    "copy": "rust writer -> python poll() (copy)",
    "view": "rust writer -> python poll_view() (zero-copy)",
    "pure": "rust writer -> pure-numpy RingFile.poll()",
}


def latency_row(result: dict) -> dict:
    ns = result["ns"]
    p50, p99, p999 = np.percentile(ns, [50, 99, 99.9])
    return {"case": MODE_CASES[result["mode"]], "unit": "ns", "count": int(len(ns)),
            "p50": float(p50), "p99": float(p99), "p999": float(p999),
            "mean": float(ns.mean()), "max": float(ns.max()), "value": None,
            "target": None if result["mode"] == "pure" else "p50 ≤ 1 µs, p99 ≤ 5 µs",
            "baseline_of": None}


def throughput_row(result: dict) -> dict:
    return {"case": f"{MODE_CASES[result['mode']]} throughput", "unit": "rec/s",
            "count": int(result["records"]), "p50": None, "p99": None, "p999": None,
            "mean": None, "max": None, "value": float(result["records_per_s"]),
            "target": None, "baseline_of": None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--interval-us", type=int, default=20)
    ap.add_argument("--throughput-records", type=int, default=2_000_000)
    ap.add_argument("--json", metavar="PATH", help="write the common benchmark result file")
    ap.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
    args = ap.parse_args()
    if args.quick:
        args.records, args.throughput_records = 5_000, 200_000
    binary = writer_binary()
    if PLACEMENT is not None:
        os.sched_setaffinity(0, {PLACEMENT[1]})
    name = f"paradex.bench.{os.getpid()}"
    results = {"latency": [], "throughput": []}
    rows = []
    try:
        for mode in ("copy", "view", "pure"):
            r = latency(binary, mode, args.records, args.interval_us, f"{name}.lat.{mode}")
            rows.append(latency_row(r))
            r = {k: v for k, v in r.items() if k != "ns"}
            results["latency"].append(r)
            print("latency   ", json.dumps(r), flush=True)
        for mode in ("copy", "view", "pure"):
            r = throughput(binary, mode, args.throughput_records, f"{name}.thr.{mode}")
            rows.append(throughput_row(r))
            results["throughput"].append(r)
            print("throughput", json.dumps(r), flush=True)
    finally:
        for path in Path("/dev/shm").glob(f"{name}.*"):
            path.unlink()
    if args.json:
        doc = {
            "bench": "python_reader",
            "title": "Rust writer -> Python reader latency and throughput",
            "machine_note": f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f} at the end",
            "rows": rows,
            "notes": (f"one BBO every {args.interval_us} us from the ring_writer process, "
                      f"{args.records} samples per mode (first 10% dropped as warm-up); latency "
                      "= Python time.monotonic_ns() after the poll returns - ts_recv stamped at "
                      "publish; GC off and samples pre-faulted while timing; throughput drains "
                      f"{args.throughput_records} records published as fast as possible; "
                      + (f"writer pinned to core {PLACEMENT[0]}, Python to core {PLACEMENT[1]}"
                         if PLACEMENT else "one core: nothing pinned")
                      + ("; --quick run" if args.quick else "")),
        }
        Path(args.json).write_text(json.dumps(doc, indent=1) + "\n")
    json.dump(results, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
