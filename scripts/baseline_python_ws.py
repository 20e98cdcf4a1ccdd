"""Baseline (1) of the end-to-end harness: a pure-Python client, the way NautilusTrader's Python
adapters consume a venue.

Connects with the `websockets` asyncio client to the mock's WebSocket in JSON mode (no SBE
negotiation), subscribes `bbo.<market>` for each market, and for every frame: decodes the
JSON-RPC notification with a typed msgspec decoder and builds one Nautilus `QuoteTick`, with
`Price`/`Quantity` at the instrument's precisions (read once from the mock's `/v1/markets`),
as adapters do with `instrument.make_price` / `make_qty`. Latency per message is
`time.monotonic_ns()` right after `recv()` returned the frame -> after the `QuoteTick` exists;
throughput is messages / (last frame - first frame). Run by the harness
(`cargo bench -p paradex-benches --bench e2e`); prints one JSON summary line and writes the
latency samples (little-endian int64 ns) to `--latencies`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
import urllib.request

import msgspec
import numpy as np
import websockets
from nautilus_trader.model.data import QuoteTick
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.objects import Price, Quantity


class BboData(msgspec.Struct):
    market: str
    bid: str
    bid_size: str
    ask: str
    ask_size: str
    last_updated_at: int
    seq_no: int


class BboParams(msgspec.Struct):
    channel: str
    data: BboData


class BboNotification(msgspec.Struct):
    method: str
    params: BboParams


def decimals(step: str) -> int:
    return len(step.split(".")[1].rstrip("0")) if "." in step else 0


def precisions(http_url: str, markets: list[str]) -> dict[str, tuple[int, int]]:
    """(price precision, size precision) per market, from the venue's market list."""
    with urllib.request.urlopen(f"{http_url}/v1/markets", timeout=10) as response:
        listed = json.load(response)["results"]
    found = {m["symbol"]: (decimals(m["price_tick_size"]), decimals(m["order_size_increment"]))
             for m in listed}
    return {m: found[m] for m in markets}


async def run(args: argparse.Namespace) -> dict:
    markets = args.markets.split(",")
    instrument_ids = {m: InstrumentId.from_str(f"{m}.PARADEX") for m in markets}
    precision = precisions(args.http_url, markets)
    decoder = msgspec.json.Decoder(BboNotification)
    latencies = np.empty(args.expect, dtype=np.int64)
    received = 0
    first_ns = last_ns = 0
    ticks_seen = 0
    monotonic_ns = time.monotonic_ns
    async with websockets.connect(args.url, compression=None, max_size=None,
                                  ping_interval=None) as ws:
        for i, market in enumerate(markets):
            await ws.send(json.dumps({"jsonrpc": "2.0", "id": i, "method": "subscribe",
                                      "params": {"channel": f"bbo.{market}"}}))
        cpu_before = time.process_time_ns()
        while received < args.expect:
            try:
                frame = await asyncio.wait_for(ws.recv(), timeout=args.idle_timeout)
            except (asyncio.TimeoutError, websockets.ConnectionClosed):
                break
            t0 = monotonic_ns()
            try:
                msg = decoder.decode(frame)
            except msgspec.ValidationError:
                continue  # subscribe acknowledgements
            d = msg.params.data
            price_prec, size_prec = precision[d.market]
            tick = QuoteTick(
                instrument_id=instrument_ids[d.market],
                bid_price=Price(float(d.bid), price_prec),
                ask_price=Price(float(d.ask), price_prec),
                bid_size=Quantity(float(d.bid_size), size_prec),
                ask_size=Quantity(float(d.ask_size), size_prec),
                ts_event=d.last_updated_at * 1_000_000,
                ts_init=t0,
            )
            t1 = monotonic_ns()
            ticks_seen += tick.ts_init != 0
            latencies[received] = t1 - t0
            if received == 0:
                first_ns = t0
            last_ns = t0
            received += 1
        cpu_ns = time.process_time_ns() - cpu_before
    latencies[args.warmup:received].astype("<i8").tofile(args.latencies)
    return {"received": received, "lost": 0, "first_ns": first_ns, "last_ns": last_ns,
            "cpu_ns": cpu_ns, "objects": ticks_seen, "object_type": "nautilus QuoteTick"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True)
    ap.add_argument("--http-url", required=True, help="REST base URL (instrument precisions)")
    ap.add_argument("--markets", required=True, help="comma-separated symbols")
    ap.add_argument("--expect", type=int, required=True)
    ap.add_argument("--warmup", type=int, default=0)
    ap.add_argument("--idle-timeout", type=float, default=3.0)
    ap.add_argument("--latencies", required=True)
    args = ap.parse_args()
    try:
        summary = asyncio.run(run(args))
    except Exception as e:  # reported to the harness, which prints it in the markdown
        print(json.dumps({"error": f"{type(e).__name__}: {e}"}), flush=True)
        return 1
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
