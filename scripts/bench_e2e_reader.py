"""Python reader process of the end-to-end harness (`cargo bench -p paradex-benches --bench e2e`).

Started by the harness before the feed exists: imports everything, prints `READY`, waits for
the BBO ring to appear, opens it at the oldest record, and drains it with `RingReader.poll()`
into numpy until `--expect` records were read or lost (or the stream went idle). For every
record it stores `time.monotonic_ns()` taken right after the `poll()` that returned it, minus
the record's `ts_recv` (the feed thread's CLOCK_MONOTONIC at frame receipt): the frame
received -> record visible in numpy latency. Samples go to `--latencies` as little-endian
int64; the last stdout line is a JSON summary (received, lost, the first record's ts_recv,
reader clock at the first and last record, CPU ns).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

import paradex_core as pc


def open_when_created(path: str, deadline: float) -> "pc.RingReader":
    while True:
        try:
            return pc.RingReader(path, "bbo", start="oldest", register=True)
        except (pc.RingError, OSError, ValueError) as e:
            if time.monotonic() > deadline:
                raise RuntimeError(f"ring {path} never opened: {e}") from e
            time.sleep(0.0002)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ring", required=True)
    ap.add_argument("--expect", type=int, required=True)
    ap.add_argument("--warmup", type=int, default=0)
    ap.add_argument("--idle-timeout", type=float, default=3.0)
    ap.add_argument("--deadline", type=float, default=120.0)
    ap.add_argument("--latencies", required=True)
    args = ap.parse_args()

    print("READY", flush=True)
    start = time.monotonic()
    try:
        reader = open_when_created(args.ring, start + 10.0)
    except RuntimeError as e:
        print(json.dumps({"error": str(e)}), flush=True)
        return 1
    cpu_before = time.process_time_ns()
    chunks: list[np.ndarray] = []
    received = lost = 0
    first_ns = last_ns = first_recv_ns = 0
    last_activity = time.monotonic()
    monotonic_ns = time.monotonic_ns
    while received + lost < args.expect:
        batch = reader.poll(4096, on_lap="count")
        n = len(batch)
        if n == 0:
            lost = reader.lost
            now = time.monotonic()
            if (received and now - last_activity > args.idle_timeout) or now - start > args.deadline:
                break
            continue
        now_ns = monotonic_ns()
        if received == 0:
            first_ns = now_ns
            first_recv_ns = int(batch["ts_recv"][0])
        last_ns = now_ns
        chunks.append(now_ns - batch["ts_recv"])
        received += n
        lost = reader.lost
        last_activity = time.monotonic()
    cpu_ns = time.process_time_ns() - cpu_before
    samples = np.concatenate(chunks) if chunks else np.empty(0, dtype=np.int64)
    samples[args.warmup:].astype("<i8").tofile(args.latencies)
    print(json.dumps({"received": received, "lost": int(lost), "first_recv_ns": first_recv_ns, "first_ns": first_ns,
                      "last_ns": last_ns, "cpu_ns": cpu_ns}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
