#!/usr/bin/env python
"""Tick-to-strategy latency: exchange frame received → strategy `on_quote_tick`.

Two data paths in one run, against the same `paradex-mock` firehose at the same fixed rate
(bbo + trades + book deltas for BTC-USD-PERP; latency is measured on the quotes):
1. `ParadexDataClient`: the Rust feed handler decodes SBE into the shared-memory rings, a
   reader thread turns records into QuoteTicks. Start = the record's `ts_recv`, the Rust feed's
   CLOCK_MONOTONIC stamp when it read the frame from the socket.
2. the usual pure-Python path (`scripts/nautilus_python_ws_client.py`): Nautilus's
   `nautilus_pyo3.WebSocketClient` hands each JSON frame to a Python handler that decodes it
   with msgspec and builds the QuoteTick from decimal strings. Start = `time.monotonic_ns()`
   when the frame reached Python (so this path's figure leaves out the socket read and the
   hop into Python, which favours it).
End = `time.monotonic_ns()` in the strategy's `on_quote_tick`. Each path runs in its own
process (one TradingNode per process), one after the other.

    python scripts/bench_nautilus_tick.py [--quick] [--rate 3000] [--quotes 20000] [--json PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from array import array
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RINGS = "rust feed + rings -> on_quote_tick"
RINGS_PY = "rings, from records reaching Python -> on_quote_tick"
PYTHON = "pure-Python WS + msgspec -> on_quote_tick"
MARKET = "BTC-USD-PERP"
RINGS_WIRE = "rust feed + rings: mock encodes the frame -> on_trade_tick (common start)"
PYTHON_WIRE = "pure-Python WS + msgspec: mock encodes the frame -> on_trade_tick (common start)"
HOPS = ("rings hop: feed socket read -> reader thread has the record",
        "rings hop: reader thread -> event loop runs the engine enqueue",
        "rings hop: engine enqueue -> on_quote_tick")


def cargo_binary(package: str, binary: str) -> str:
    out = subprocess.run(["cargo", "build", "--release", "-p", package, "--bin", binary,
                          "--message-format=json"], cwd=REPO, check=True, capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg.get("executable") and \
                msg["target"]["name"] == binary:
            return msg["executable"]
    raise RuntimeError(f"cargo did not report {binary}")


# -- one phase (child process) -------------------------------------------------------------

def run_phase(path: str, http_url: str, ws_url: str, quotes: int, warmup: int,
              timeout: float, busy_poll: bool, reader_wait: dict) -> dict:
    from nautilus_trader.config import (
        InstrumentProviderConfig,
        LiveExecEngineConfig,
        LoggingConfig,
        StrategyConfig,
        TradingNodeConfig,
    )
    from nautilus_trader.live.node import TradingNode
    from nautilus_trader.model.identifiers import InstrumentId
    from nautilus_trader.trading.strategy import Strategy

    from paradex_core.nautilus import ParadexDataClientConfig, ParadexLiveDataClientFactory

    sys.path.insert(0, str(Path(__file__).parent))
    from nautilus_python_ws_client import PythonWsDataClientFactory

    monotonic_ns = time.monotonic_ns
    time_ns = time.time_ns
    if path == "python":
        # JSON trades carry only ms times, but the mock's trade id starts with the µs wall
        # clock at which it encoded the frame's batch.
        def encoded_ns(tick) -> int:
            return int(tick.trade_id.value[:-12]) * 1_000
    else:
        def encoded_ns(tick) -> int:  # SBE carries the same µs stamp as the exchange time
            return tick.ts_event

    class LatencyConfig(StrategyConfig, frozen=True):
        instrument_id: InstrumentId
        wanted: int

    class Latency(Strategy):
        def __init__(self, config: LatencyConfig) -> None:
            super().__init__(config)
            self.offset = 0  # the client's monotonic → Unix offset, set once connected
            self.samples = array("q")
            self.trade_samples = array("q")
            self.seen = 0
            self.trades_seen = 0
            self.wanted = config.wanted

        def on_start(self) -> None:
            self.subscribe_quote_ticks(self.config.instrument_id)
            self.subscribe_trade_ticks(self.config.instrument_id)

        def on_trade_tick(self, tick) -> None:
            now = time_ns()
            self.trades_seen += 1
            if self.trades_seen > warmup and len(self.trade_samples) < self.wanted:
                self.trade_samples.append(now - encoded_ns(tick))

        def on_quote_tick(self, tick) -> None:
            now = monotonic_ns()
            self.seen += 1
            stamps = hops.pop(id(tick), None)
            if self.seen > warmup and len(self.samples) < self.wanted:
                self.samples.append(now - (tick.ts_init - self.offset))
                if stamps is not None and stamps[2]:
                    recv, woke, looped = stamps
                    hop_samples[0].append(woke - recv)
                    hop_samples[1].append(looped - woke)
                    hop_samples[2].append(now - looped)

    class CapturingRingsFactory(ParadexLiveDataClientFactory):
        created: list = []

        @staticmethod
        def create(loop, name, config, msgbus, cache, clock):
            client = ParadexLiveDataClientFactory.create(loop, name, config, msgbus, cache, clock)
            CapturingRingsFactory.created.append(client)
            return client

    class FromPythonRingsFactory(ParadexLiveDataClientFactory):
        """The rings client, but each quote's start is when its batch reached Python (the
        same start as the pure-Python path), to split the figure."""

        created: list = []

        @staticmethod
        def create(loop, name, config, msgbus, cache, clock):
            client = ParadexLiveDataClientFactory.create(loop, name, config, msgbus, cache, clock)
            on_bbo = client._on_bbo

            def stamped(rows, reader):
                now = monotonic_ns()
                on_bbo([(r[0], now) + tuple(r[2:]) for r in rows], reader)

            client._on_bbo = stamped
            FromPythonRingsFactory.created.append(client)
            return client

    factory = {"rings": CapturingRingsFactory, "rings_py": FromPythonRingsFactory,
               "rings_hops": CapturingRingsFactory, "python": PythonWsDataClientFactory}[path]
    hops: dict[int, list[int]] = {}  # id(tick) -> [ts_recv, reader woke, on the event loop]
    hop_samples = (array("q"), array("q"), array("q"))

    def trace_hops(node) -> None:
        """Stamps every quote at each hop of the rings path: the reader thread's wake-up
        (batch handed to the client), the event loop running the engine's enqueue callback,
        and the strategy (in `on_quote_tick`)."""
        client = factory.created[-1]
        on_bbo, handle = client._on_bbo, client._handle_data
        woke = [0]

        def stamped_bbo(rows, reader):
            woke[0] = monotonic_ns()
            on_bbo(rows, reader)

        def stamped_handle(data):
            if type(data).__name__ == "QuoteTick":
                hops[id(data)] = [data.ts_init - client.monotonic_to_unix_ns, woke[0], 0]
            handle(data)

        enqueuer = node.kernel.data_engine._data_enqueuer
        enqueue_now = enqueuer._enqueue_nowait_safely

        def stamped_enqueue(queue, data):
            stamps = hops.get(id(data))
            if stamps is not None:
                stamps[2] = monotonic_ns()
            enqueue_now(queue, data)

        client._on_bbo, client._handle_data = stamped_bbo, stamped_handle
        enqueuer._enqueue_nowait_safely = stamped_enqueue
    iid = InstrumentId.from_str(f"{MARKET}.PARADEX")
    with tempfile.TemporaryDirectory(prefix="bench-rings-") as rings_dir:
        data_config = ParadexDataClientConfig(
            environment="mock", http_url=http_url, ws_url=ws_url, markets=(MARKET,),
            instrument_provider=InstrumentProviderConfig(load_all=True), rings_dir=rings_dir,
            busy_poll=busy_poll, **reader_wait)
        config = TradingNodeConfig(
            trader_id="BENCH-001",
            logging=LoggingConfig(log_level="ERROR", log_colors=False),
            exec_engine=LiveExecEngineConfig(reconciliation=False),
            data_clients={"PARADEX": data_config},
            timeout_connection=15.0, timeout_post_stop=0.2, timeout_disconnection=5.0)
        strategy = Latency(LatencyConfig(instrument_id=iid, wanted=quotes))

        async def main() -> None:
            node = TradingNode(config=config, loop=asyncio.get_running_loop())
            holder.append(node)
            node.add_data_client_factory("PARADEX", factory)
            node.trader.add_strategy(strategy)
            node.build()
            if path == "rings_hops":
                trace_hops(node)
            task = asyncio.create_task(node.run_async())
            deadline = time.monotonic() + timeout
            try:
                while not strategy.is_running and time.monotonic() < deadline:
                    await asyncio.sleep(0.01)
                strategy.offset = factory.created[-1].monotonic_to_unix_ns
                while (len(strategy.samples) < quotes or len(strategy.trade_samples) < quotes) \
                        and time.monotonic() < deadline:
                    await asyncio.sleep(0.05)
            finally:
                await node.stop_async()
                await asyncio.sleep(0.1)
                task.cancel()

        holder: list = []
        try:
            asyncio.run(main())
        finally:
            for node in holder:
                node.dispose()
    return {"path": path, "samples": list(strategy.samples), "seen": strategy.seen,
            "trade_samples": list(strategy.trade_samples),
            "hops": [list(h) for h in hop_samples]}


# -- orchestration (parent process) --------------------------------------------------------

def percentile(sorted_values: list[int], q: float) -> int:
    if not sorted_values:
        return 0
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


def summarize(case: str, samples: list[int], baseline_of: str | None) -> dict:
    s = sorted(samples)
    return {"case": case, "unit": "ns", "count": len(s),
            "p50": percentile(s, 0.5), "p99": percentile(s, 0.99), "p999": percentile(s, 0.999),
            "mean": int(sum(s) / len(s)) if s else None, "max": s[-1] if s else None,
            "value": None, "target": "≤ 1 ms" if baseline_of is None else None,
            "baseline_of": baseline_of}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="seconds-long smoke run")
    parser.add_argument("--rate", type=int, default=3000,
                        help="firehose messages/s per WebSocket session (all channels)")
    parser.add_argument("--quotes", type=int, default=20_000, help="quotes measured per path")
    parser.add_argument("--json", type=Path, help="write the result file here")
    parser.add_argument("--machine-note", help="free text stored with the result")
    parser.add_argument("--busy-poll", action="store_true",
                        help="the Rust feed spins on its socket (needs a spare core; on a "
                             "loaded 2-core machine it slows everything down)")
    parser.add_argument("--reader-wait", choices=("park", "busy", "spin_then_park"),
                        help="the rings client's reader_wait (default: the config's)")
    parser.add_argument("--reader-spin-us", type=int,
                        help="the rings client's reader_spin_us (default: the config's)")
    parser.add_argument("--no-hops", action="store_true",
                        help="skip the extra rings run that stamps each hop")
    parser.add_argument("--phase", choices=("rings", "rings_py", "rings_hops", "python"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--http", help=argparse.SUPPRESS)
    parser.add_argument("--ws", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    quotes = 2_000 if args.quick else args.quotes
    warmup = 200 if args.quick else 1_000
    timeout = 60 + 3 * (quotes + warmup) * 3 / max(args.rate, 1)
    reader_wait = {k: v for k, v in (("reader_wait", args.reader_wait),
                                     ("reader_spin_us", args.reader_spin_us)) if v is not None}
    passed = [f"--{k.replace('_', '-')}={v}" for k, v in reader_wait.items()]

    if args.phase:
        result = run_phase(args.phase, args.http, args.ws, quotes, warmup, timeout,
                           args.busy_poll, reader_wait)
        Path(args.out).write_text(json.dumps(result))
        return 0

    mock_bin = os.environ.get("PARADEX_MOCK_BIN") or cargo_binary("paradex-mock", "paradex-mock")
    mock = subprocess.Popen([mock_bin, "--firehose", "--firehose-rate", str(args.rate),
                             "--md-rate", "0", "--market", "BTC=65000"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        banner = dict(w.split("=", 1) for w in mock.stdout.readline().split()[2:])
        http_url, ws_url = banner["http"] + "/v1", banner["ws"]
        results = {}
        for path in ("rings", "rings_py", "python") + (() if args.no_hops else ("rings_hops",)):
            with tempfile.NamedTemporaryFile(suffix=".json") as out:
                subprocess.run([sys.executable, __file__, "--phase", path, "--http", http_url,
                                "--ws", ws_url, "--out", out.name, "--rate", str(args.rate)]
                               + (["--quick"] if args.quick else ["--quotes", str(quotes)])
                               + (["--busy-poll"] if args.busy_poll else []) + passed,
                               check=True)
                results[path] = json.loads(Path(out.name).read_text())
    finally:
        mock.terminate()
        mock.wait(10)

    rows = [summarize(RINGS, results["rings"]["samples"], None),
            summarize(PYTHON, results["python"]["samples"], RINGS),
            summarize(RINGS_PY, results["rings_py"]["samples"], None),
            summarize(PYTHON, results["python"]["samples"], RINGS_PY)]
    rows[2]["target"] = None
    rows[3]["case"] = PYTHON + " (same start)"
    rows[3]["baseline_of"] = RINGS_PY
    rows.append(summarize(RINGS_WIRE, results["rings"]["trade_samples"], None))
    rows.append(summarize(PYTHON_WIRE, results["python"]["trade_samples"], RINGS_WIRE))
    rows[-2]["target"] = None
    if "rings_hops" in results:
        for name, samples in zip(HOPS, results["rings_hops"]["hops"], strict=True):
            rows.append(summarize(name, samples, None))
            rows[-1]["target"] = None
    print(f"tick-to-strategy latency, {args.rate} msg/s firehose (bbo+trades+book), "
          f"{quotes} quotes per path")
    width = max(len(row["case"]) for row in rows) + 2
    print(f"{'case':<{width}}{'count':>8}{'p50 µs':>10}{'p99 µs':>10}{'p99.9 µs':>10}"
          f"{'max µs':>10}")
    for row in rows:
        figures = "".join(f"{(row[k] or 0) / 1e3:>10.1f}" for k in ("p50", "p99", "p999", "max"))
        print(f"{row['case']:<{width}}{row['count']:>8}{figures}")
    short = [r["case"] for r in rows if r["count"] < quotes]
    poll = "busy_poll" if args.busy_poll else "epoll"
    from paradex_core.nautilus import ParadexDataClientConfig

    defaults = ParadexDataClientConfig()
    wait = (f"reader_wait={reader_wait.get('reader_wait', defaults.reader_wait)}, "
            f"reader_spin_us={reader_wait.get('reader_spin_us', defaults.reader_spin_us)}")
    notes = (f"Rust feed in {poll} mode, rings client {wait}. paradex-mock --firehose --firehose-rate {args.rate} (bbo, trades and book deltas "
             f"of {MARKET} interleaved per session), one TradingNode per path in its own "
             f"process; {warmup} warm-up quotes dropped. Rings path: from the Rust feed's "
             "socket-read stamp (record ts_recv) to time.monotonic_ns() in on_quote_tick. "
             "Python path: from the moment the frame reached the Python handler (socket read "
             "and hop into Python not counted) to the same strategy clock. The third row runs "
             "the rings client again with each quote's start taken when its batch reached "
             "Python, the same start as the pure-Python path (fourth row repeats that path "
             "as its baseline). Common-start rows (trades, which both paths get through the "
             "same hops as quotes): from the mock's wall-clock stamp when it encoded the "
             "frame's batch (SBE ts in µs; in JSON the trade id's µs prefix) to time.time_ns() "
             "in on_trade_tick, so both include the mock's send, the socket and every hop. "
             "Hop rows: one more rings run stamping each quote when the reader thread handed "
             "its batch over, when the event loop ran the data engine's enqueue callback, and "
             "in on_quote_tick.")
    if short:
        notes += f" Fewer quotes than asked for: {short}."
    if args.json:
        args.json.write_text(json.dumps({
            "bench": "nautilus_tick", "title": "tick-to-strategy latency",
            "machine_note": args.machine_note or f"{os.cpu_count()} CPUs, load average "
                            f"{os.getloadavg()[0]:.1f} at the end of the run", "rows": rows, "notes": notes}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
