"""Baseline (1) of the end-to-end harness: a pure-Python client, the way NautilusTrader's Python
adapters consume a venue.

Connects with the `websockets` asyncio client (on uvloop, as a Nautilus node runs) to the mock's
WebSocket in JSON mode (no SBE negotiation), subscribes `bbo.<market>` for each market, and for
every frame: decodes the JSON-RPC notification with a typed msgspec decoder and builds one
Nautilus `QuoteTick`, with `Price`/`Quantity` at the instrument's precisions (read once from the
mock's `/v1/markets`), as adapters do with `instrument.make_price` / `make_qty`.

Latency per message, two start points (`time.monotonic_ns()` throughout):
* primary (`--latencies`): the bytes arrived (the connection protocol's `data_received`, see
  `bench_common.ArrivalStampedConnection`) -> the `QuoteTick` exists. The fair counterpart of
  the Rust feed's stamp, taken right after its socket read and frame parse.
* `recv` series: `recv()` returned the frame -> the `QuoteTick` exists (the library's frame
  parsing, queueing and coroutine wake-up left out).
The JSON frame's `last_updated_at` is in ms, too coarse for a send-time start point.
Throughput is messages / (last arrival - first arrival). Run by the harness
(`cargo bench -p paradex-benches --bench e2e`); prints one JSON summary line.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
import urllib.request

import msgspec
import websockets
from nautilus_trader.model.data import QuoteTick
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.objects import Price, Quantity

from bench_common import ArrivalStampedConnection, Series, arg_parser, monotonic_ns, run_main


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


async def close_when_idle(ws: ArrivalStampedConnection, idle_timeout: float) -> None:
    """Ends the run when no bytes arrived for `idle_timeout` (a stalled stream), off the
    per-message path: a `wait_for` around each `recv()` would add a task and a timer per
    message to the measured time."""
    seen = -1
    while ws.chunk_ns != seen:
        seen = ws.chunk_ns
        await asyncio.sleep(idle_timeout)
    await ws.close()


async def run(args) -> dict:  # noqa: ANN001 - argparse.Namespace
    markets = args.markets.split(",")
    instrument_ids = {m: InstrumentId.from_str(f"{m}.PARADEX") for m in markets}
    precision = precisions(args.http_url, markets)
    decoder = msgspec.json.Decoder(BboNotification)
    series = Series(args.expect, ["arrival", "recv"])
    by_arrival, by_recv = series.data["arrival"], series.data["recv"]
    received = 0
    first_ns = last_ns = 0
    ticks_seen = 0
    async with websockets.connect(args.url, compression=None, max_size=None,
                                  ping_interval=None,
                                  create_connection=ArrivalStampedConnection) as ws:
        arrivals = ws.arrivals
        for i, market in enumerate(markets):
            await ws.send(json.dumps({"jsonrpc": "2.0", "id": i, "method": "subscribe",
                                      "params": {"channel": f"bbo.{market}"}}))
        watchdog = asyncio.ensure_future(close_when_idle(ws, args.idle_timeout))
        cpu_before = time.process_time_ns()
        while received < args.expect:
            try:
                frame = await ws.recv()
            except websockets.ConnectionClosed:
                break
            t_recv = monotonic_ns()
            t_arrival = arrivals.popleft()
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
                ts_init=t_arrival,
            )
            t_built = monotonic_ns()
            ticks_seen += tick.ts_init != 0
            by_arrival[received] = t_built - t_arrival
            by_recv[received] = t_built - t_recv
            if received == 0:
                first_ns = t_arrival
            last_ns = t_arrival
            received += 1
        cpu_ns = time.process_time_ns() - cpu_before
        watchdog.cancel()
    extras = series.write("arrival", args.latencies, args.warmup, received)
    return {"received": received, "lost": 0, "first_ns": first_ns, "last_ns": last_ns,
            "cpu_ns": cpu_ns, "objects": ticks_seen, "object_type": "nautilus QuoteTick",
            "series": extras}


def main() -> int:
    return run_main(arg_parser(__doc__.splitlines()[0]), run, use_uvloop=True)


if __name__ == "__main__":
    sys.exit(main())
