"""Baseline (2) of the end-to-end harness: the official `paradex-py` SDK's WebSocket client.

`ParadexWebsocketClient(ws_url_override=<mock>)` is pointed at the mock (the SDK supports that
argument directly) and subscribes `bbo.<market>` with a callback, in JSON mode or, with `--sbe`,
with the SDK's own SBE decoding (`sbe_enabled=True`). The SDK opens its connection itself, with
its own `websockets.connect(url, **kwargs)` call; the only change is that this script wraps
`websockets.connect` to add `create_connection=` (an `ArrivalStampedConnection` from
`bench_common` whose `recv()` also notes when it returned), so the client, its reader task and
its dispatch run unmodified. The SDK runs on the default asyncio loop (it does not install
uvloop).

Latency per message, with `time.monotonic_ns()` taken when the SDK calls our callback:
* primary (`--latencies`): the bytes arrived (`data_received`) -> callback;
* `recv` series: the SDK's `recv()` returned the frame -> callback (its JSON parse or SBE
  decode, channel routing and dispatch);
* `send` series (`--sbe` only): the mock's send time, the SBE frame's µs wall-clock timestamp,
  read from the raw frame after the callback's stamps -> `time.time_ns()` at the callback. The
  SDK's decoded model carries only ms, and JSON frames carry ms, so JSON has no such series.
Throughput is messages / (last arrival - first arrival). Runs in its own venv
(`pip install paradex-py==0.8.2`); prints one JSON summary line.
"""

from __future__ import annotations

import asyncio
import logging
import struct
import sys
import time

import websockets
from paradex_py.api.ws_client import ParadexWebsocketChannel, ParadexWebsocketClient

from bench_common import ArrivalStampedConnection, Series, arg_parser, monotonic_ns, run_main

SBE_TIMESTAMP = struct.Struct("<q")  # first field after the 8-byte SBE header, µs
SBE_HEADER_LEN = 8


class RecvStampedConnection(ArrivalStampedConnection):
    """Also notes, per message, when `recv()` returned it, its arrival stamp and the frame."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003 - passed through
        super().__init__(*args, **kwargs)
        self.recv_ns = 0
        self.arrival_ns = 0
        self.frame: str | bytes = b""

    async def recv(self, decode: bool | None = None) -> str | bytes:
        frame = await super().recv(decode)
        self.recv_ns = monotonic_ns()
        self.arrival_ns = self.arrivals.popleft()
        self.frame = frame
        return frame


async def run(args) -> dict:  # noqa: ANN001 - argparse.Namespace
    markets = args.markets.split(",")
    sdk_connect = websockets.connect

    def stamped_connect(*a, **kw):  # noqa: ANN002, ANN003, ANN202 - websockets.connect's
        return sdk_connect(*a, create_connection=RecvStampedConnection, **kw)

    # The SDK calls `websockets.connect` through the module; this is the one point it changes.
    websockets.connect = stamped_connect

    names = ["arrival", "recv"] + (["send"] if args.sbe else [])
    series = Series(args.expect, names)
    by_arrival, by_recv = series.data["arrival"], series.data["recv"]
    by_send = series.data.get("send")
    state = {"received": 0, "first_ns": 0, "last_ns": 0}
    done = asyncio.Event()
    client: ParadexWebsocketClient | None = None

    async def on_bbo(_channel, message) -> None:  # noqa: ANN001 - the SDK's callback signature
        now = monotonic_ns()
        wall = time.time_ns()
        ws = client.ws
        n = state["received"]
        if n >= args.expect or "data" not in message.get("params", {}):
            return
        by_arrival[n] = now - ws.arrival_ns
        by_recv[n] = now - ws.recv_ns
        if by_send is not None:
            ts_us = SBE_TIMESTAMP.unpack_from(ws.frame, SBE_HEADER_LEN)[0]
            by_send[n] = wall - ts_us * 1000
        if n == 0:
            state["first_ns"] = ws.arrival_ns
        state["last_ns"] = ws.arrival_ns
        state["received"] = n + 1
        if n + 1 >= args.expect:
            done.set()

    client = ParadexWebsocketClient(
        env="testnet", ws_url_override=args.url, sbe_enabled=args.sbe,
        enable_compression=False, disable_reconnect=True, reader_sleep_on_error=0,
        reader_sleep_on_no_connection=0.001, logger=logging.getLogger("sdk-baseline"))
    if not await client.connect():
        raise RuntimeError(f"paradex-py could not connect to {args.url}")
    if not isinstance(client.ws, RecvStampedConnection):
        raise RuntimeError("paradex-py did not open its connection through websockets.connect")
    cpu_before = time.process_time_ns()
    for market in markets:
        await client.subscribe(ParadexWebsocketChannel.BBO, callback=on_bbo,
                               params={"market": market})
    seen = -1
    while not done.is_set() and seen != state["received"]:
        seen = state["received"]
        try:
            await asyncio.wait_for(done.wait(), timeout=args.idle_timeout)
        except asyncio.TimeoutError:
            pass
    cpu_ns = time.process_time_ns() - cpu_before
    # paradex-py's reader task sometimes survives the cancel in close() (Python 3.11's
    # asyncio.wait_for can swallow a cancellation) and close() then never returns: give it 2 s,
    # and run_main exits the process after the summary (exit_when_done).
    await asyncio.wait({asyncio.ensure_future(client.close())}, timeout=2.0)
    n = state["received"]
    extras = series.write("arrival", args.latencies, args.warmup, n)
    return {"received": n, "lost": 0, "first_ns": state["first_ns"], "last_ns": state["last_ns"],
            "cpu_ns": cpu_ns, "mode": "sbe" if args.sbe else "json", "series": extras}


def main() -> int:
    ap = arg_parser(__doc__.splitlines()[0])
    ap.add_argument("--sbe", action="store_true", help="use the SDK's SBE decoding")
    logging.basicConfig(level=logging.WARNING)
    return run_main(ap, run, exit_when_done=True)


if __name__ == "__main__":
    sys.exit(main())
