"""Baseline (2) of the end-to-end harness: the official `paradex-py` SDK's WebSocket client.

`ParadexWebsocketClient(ws_url_override=<mock>)` is pointed at the mock (the SDK supports that
argument directly, so no patching is needed) and subscribes `bbo.<market>` with a callback, in
JSON mode or, with `--sbe`, with the SDK's own SBE decoding (`sbe_enabled=True`). The SDK's
documented `connector` hook supplies the connection: a thin wrapper around
`websockets.connect` that stamps `time.monotonic_ns()` when `recv()` returns a frame. Latency
per message is that stamp -> the SDK invoking our callback (its JSON parse or SBE decode,
channel routing and dispatch in between); throughput is messages / (last frame - first frame).
Runs in its own venv (`/work/venvs/sdk`: `pip install paradex-py==0.8.2`); prints one JSON
summary line and writes the latency samples (little-endian int64 ns) to `--latencies`.
"""

from __future__ import annotations

import argparse
import asyncio
import array
import json
import logging
import sys
import time

import websockets
from paradex_py.api.ws_client import ParadexWebsocketChannel, ParadexWebsocketClient


class StampedConnection:
    """The SDK's `WebSocketConnection` protocol over a websockets client, stamping each recv."""

    def __init__(self, ws: websockets.ClientConnection) -> None:
        self._ws = ws
        self.recv_ns = 0

    async def send(self, data: str) -> None:
        await self._ws.send(data)

    async def recv(self) -> str | bytes:
        frame = await self._ws.recv()
        self.recv_ns = time.monotonic_ns()
        return frame

    async def close(self) -> None:
        await self._ws.close()

    @property
    def state(self):  # noqa: ANN201 - the SDK compares it with websockets.State
        return self._ws.state


async def run(args: argparse.Namespace) -> dict:
    markets = args.markets.split(",")
    connections: list[StampedConnection] = []

    async def connector(url: str, headers: dict[str, str]) -> StampedConnection:
        ws = await websockets.connect(url, additional_headers=headers, compression=None,
                                      max_size=None, ping_interval=None)
        connections.append(StampedConnection(ws))
        return connections[-1]

    latencies = array.array("q", bytes(8 * args.expect))
    state = {"received": 0, "first_ns": 0, "last_ns": 0}
    done = asyncio.Event()

    async def on_bbo(_channel, message) -> None:  # noqa: ANN001 - the SDK's callback signature
        now = time.monotonic_ns()
        recv_ns = connections[-1].recv_ns
        n = state["received"]
        if n >= args.expect or "data" not in message.get("params", {}):
            return
        latencies[n] = now - recv_ns
        if n == 0:
            state["first_ns"] = recv_ns
        state["last_ns"] = recv_ns
        state["received"] = n + 1
        if n + 1 >= args.expect:
            done.set()

    client = ParadexWebsocketClient(
        env="testnet", ws_url_override=args.url, connector=connector, sbe_enabled=args.sbe,
        enable_compression=False, disable_reconnect=True, reader_sleep_on_error=0,
        reader_sleep_on_no_connection=0.001, logger=logging.getLogger("sdk-baseline"))
    if not await client.connect():
        raise RuntimeError(f"paradex-py could not connect to {args.url}")
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
    await client.close()
    n = state["received"]
    with open(args.latencies, "wb") as f:
        f.write(latencies[args.warmup:n].tobytes())  # native int64: little-endian on x86-64
    return {"received": n, "lost": 0, "first_ns": state["first_ns"], "last_ns": state["last_ns"],
            "cpu_ns": cpu_ns, "mode": "sbe" if args.sbe else "json"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--http-url", default=None, help="unused; accepted for the harness")
    ap.add_argument("--markets", required=True, help="comma-separated symbols")
    ap.add_argument("--expect", type=int, required=True)
    ap.add_argument("--warmup", type=int, default=0)
    ap.add_argument("--idle-timeout", type=float, default=3.0)
    ap.add_argument("--latencies", required=True)
    ap.add_argument("--sbe", action="store_true", help="use the SDK's SBE decoding")
    args = ap.parse_args()
    logging.basicConfig(level=logging.WARNING)
    try:
        summary = asyncio.run(run(args))
    except Exception as e:  # reported to the harness, which prints it in the markdown
        print(json.dumps({"error": f"{type(e).__name__}: {e}"}), flush=True)
        return 1
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
