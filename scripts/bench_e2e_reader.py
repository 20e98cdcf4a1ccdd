"""Python reader process of the end-to-end harness (`cargo bench -p paradex-benches --bench e2e`).

Started by the harness before the feed exists: imports everything, prints `READY`, waits for
the BBO ring to appear, opens it at the oldest record, and drains it with `RingReader.poll()`
into numpy until `--expect` records were read or lost (or the stream went idle). For every
record it stores `time.monotonic_ns()` taken right after the `poll()` that returned it, minus
the record's `ts_recv` (the feed thread's CLOCK_MONOTONIC at frame receipt): the frame
received -> record visible in numpy latency. A second series, `<latencies>.send`, is the
mock's send time (the record's `ts_exchange`, the SBE frame's µs wall-clock stamp) -> wall
clock (`time.time_ns()`) after the same `poll()`. `--core` pins the process (the harness keeps
it off the core the mock and the feed share). Samples are little-endian int64; the last stdout line is a JSON summary (received, lost, the first record's ts_recv,
reader clock at the first and last record, CPU ns, the extra series' files).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

import paradex_core as pc

from bench_common import pin_to_core


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
    ap.add_argument("--core", type=int, default=None, help="pin the process to that CPU")
    args = ap.parse_args()
    pin_to_core(args.core)

    print("READY", flush=True)
    start = time.monotonic()
    try:
        reader = open_when_created(args.ring, start + 10.0)
    except RuntimeError as e:
        print(json.dumps({"error": str(e)}), flush=True)
        return 1
    cpu_before = time.process_time_ns()
    chunks: list[np.ndarray] = []
    send_chunks: list[np.ndarray] = []
    received = lost = 0
    first_ns = last_ns = first_recv_ns = 0
    last_activity = time.monotonic()
    monotonic_ns = time.monotonic_ns
    wall_ns = time.time_ns
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
        now_wall = wall_ns()
        if received == 0:
            first_ns = now_ns
            first_recv_ns = int(batch["ts_recv"][0])
        last_ns = now_ns
        chunks.append(now_ns - batch["ts_recv"])
        send_chunks.append(now_wall - batch["ts_exchange"])
        received += n
        lost = reader.lost
        last_activity = time.monotonic()
    cpu_ns = time.process_time_ns() - cpu_before
    send_path = f"{args.latencies}.send"
    for parts, path in ((chunks, args.latencies), (send_chunks, send_path)):
        samples = np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
        samples[args.warmup:].astype("<i8").tofile(path)
    print(json.dumps({"received": received, "lost": int(lost), "first_recv_ns": first_recv_ns,
                      "first_ns": first_ns, "last_ns": last_ns, "cpu_ns": cpu_ns,
                      "series": {"send": send_path}}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
