"""Shared plumbing of the end-to-end harness's Python baselines (`baseline_python_ws.py`,
`baseline_sdk_ws.py`): the command line, core pinning, the arrival stamp on the WebSocket
connection, the latency series and the one-line JSON summary the harness parses.

Works in both interpreters the harness uses (the benchmark venv and the `paradex-py` venv,
which has no numpy), so it only needs the standard library and `websockets` >= 13.

Clocks: every latency here is `time.monotonic_ns()` (CLOCK_MONOTONIC, the clock the feed
stamps `ts_recv` with), except the `send` series, which is wall clock (`time.time_ns()`)
minus the mock's send timestamp carried in the frame.
"""

from __future__ import annotations

import argparse
import array
import asyncio
import collections
import json
import os
import sys
import time
from collections.abc import Awaitable, Callable

from websockets.asyncio.client import ClientConnection
from websockets.frames import DATA_OPCODES, Frame

monotonic_ns = time.monotonic_ns


def arg_parser(description: str) -> argparse.ArgumentParser:
    """The options every baseline takes (the harness passes all of them)."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--url", required=True)
    ap.add_argument("--http-url", required=True, help="REST base URL (instrument precisions)")
    ap.add_argument("--markets", required=True, help="comma-separated symbols")
    ap.add_argument("--expect", type=int, required=True)
    ap.add_argument("--warmup", type=int, default=0)
    ap.add_argument("--idle-timeout", type=float, default=3.0)
    ap.add_argument("--latencies", required=True,
                    help="primary series (bytes arrived -> object); extra series go to "
                         "<path>.<name> and are listed in the summary")
    ap.add_argument("--core", type=int, default=None,
                    help="pin this process to that CPU (the harness keeps it off the mock's)")
    return ap


def pin_to_core(core: int | None) -> None:
    """Pins the whole process (every thread it starts later too) to `core`."""
    if core is not None:
        os.sched_setaffinity(0, {core})


class ArrivalStampedConnection(ClientConnection):
    """A `websockets` client connection that notes when the bytes of each message arrived.

    `data_received` is where the event loop hands the protocol the bytes it read from the
    socket, before `websockets` parses frames: the Python counterpart of the moment the Rust
    feed has read and parsed a frame. Each complete data message gets the stamp of the chunk
    that completed it, in order, in `arrivals` (the consumer pops one per `recv()`).
    """

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - passed through
        super().__init__(*args, **kwargs)
        self.chunk_ns = 0
        self.arrivals: collections.deque[int] = collections.deque()

    def data_received(self, data: bytes) -> None:
        self.chunk_ns = monotonic_ns()
        super().data_received(data)

    def process_event(self, event) -> None:  # noqa: ANN001 - a websockets Event
        super().process_event(event)
        if isinstance(event, Frame) and event.opcode in DATA_OPCODES and event.fin:
            self.arrivals.append(self.chunk_ns)


class Series:
    """Named latency series (int64 ns), preallocated for `expect` messages."""

    def __init__(self, expect: int, names: list[str]) -> None:
        self.expect = expect
        self.data = {name: array.array("q", bytes(8 * expect)) for name in names}

    def write(self, primary: str, path: str, warmup: int, count: int) -> dict[str, str]:
        """Writes `primary` to `path` and every other series to `<path>.<name>` (little-endian
        int64, the first `warmup` samples left out); returns {name: path} of the extras."""
        extras = {}
        for name, values in self.data.items():
            target = path if name == primary else f"{path}.{name}"
            chunk = values[warmup:count]
            if sys.byteorder != "little":
                chunk.byteswap()
            with open(target, "wb") as f:
                f.write(chunk.tobytes())
            if name != primary:
                extras[name] = target
        return extras


def run_main(ap: argparse.ArgumentParser,
             body: Callable[[argparse.Namespace], Awaitable[dict]],
             use_uvloop: bool = False, exit_when_done: bool = False) -> int:
    """Parses the options, pins the process, runs `body` on an event loop (uvloop when asked
    and installed) and prints the JSON summary line (or `{"error": ...}`).

    `exit_when_done`: exit the process right after the summary, without the event loop's
    shutdown (which waits for every task: a client whose task ignores the cancel hangs it)."""
    args = ap.parse_args()
    pin_to_core(args.core)
    loop_name = "asyncio"
    if use_uvloop:
        try:
            import uvloop
        except ImportError:
            pass
        else:
            asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
            loop_name = "uvloop"

    async def main() -> int:
        try:
            summary = await body(args)
        except Exception as e:  # reported to the harness, which prints it in the markdown
            print(json.dumps({"error": f"{type(e).__name__}: {e}"}), flush=True)
            status = 1
        else:
            summary["event_loop"] = loop_name
            summary["core"] = args.core
            print(json.dumps(summary), flush=True)
            status = 0
        if exit_when_done:
            sys.stderr.flush()
            os._exit(status)
        return status

    return asyncio.run(main())
