"""Rust writer process -> Python reader: latency and throughput of records reaching numpy.

Latency: the `ring_writer` helper publishes one BBO every `--interval-us` with `ts_recv` =
CLOCK_MONOTONIC at publish; Python spin-polls and stamps `time.monotonic_ns()` as soon as a
poll returns records. Reported per mode (copy `poll()`, zero-copy `poll_view()`, pure-numpy
`RingFile.poll()`): p50/p90/p99/p99.9/max of (Python-visible - published), after warm-up.
Throughput: the writer publishes as fast as it can; Python drains in batches; reports records/s
delivered to numpy and records lost to laps.

Run with (release build of the extension first):
    cd python && maturin develop --release && cd ..
    python scripts/bench_python_reader.py [--records 200000] [--interval-us 20]
Numbers on a shared 2-core VM are noisy; pin cores on a quiet machine for published figures.
"""

from __future__ import annotations

import argparse
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


class Writer:
    def __init__(self, binary: str, name: str, *args: str):
        self.proc = subprocess.Popen([binary, "--name", name, "--wait-go", *args],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
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
        seen = 0
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
        return {"mode": mode, **percentiles(lat)}
    finally:
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--interval-us", type=int, default=20)
    ap.add_argument("--throughput-records", type=int, default=2_000_000)
    args = ap.parse_args()
    binary = writer_binary()
    name = f"paradex.bench.{os.getpid()}"
    results = {"latency": [], "throughput": []}
    try:
        for mode in ("copy", "view", "pure"):
            r = latency(binary, mode, args.records, args.interval_us, f"{name}.lat.{mode}")
            results["latency"].append(r)
            print("latency   ", json.dumps(r), flush=True)
        for mode in ("copy", "view", "pure"):
            r = throughput(binary, mode, args.throughput_records, f"{name}.thr.{mode}")
            results["throughput"].append(r)
            print("throughput", json.dumps(r), flush=True)
    finally:
        for path in Path("/dev/shm").glob(f"{name}.*"):
            path.unlink()
    json.dump(results, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
