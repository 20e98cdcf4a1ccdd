#!/usr/bin/env python
"""Tick-to-order latency of a NautilusTrader node on Paradex: quote received -> signed order on
the wire, for the adapter's path and for the usual pure-Python path, in one run.

Both paths run the same strategy in a real `TradingNode` against `paradex-mock`: on each quote
it submits a small IOC buy 3 % under the bid (valid, never fills), one order at a time, and
only for quotes received after the previous order went out (no queueing behind it).

- rust: `ParadexDataClient` (Rust feed handler -> shared-memory ring -> QuoteTick) and
  `ParadexExecutionClient` (`paradex_core.ExecClient`: Rust STARK signing + keep-alive REST).
  Start: the quote's `ts_init`, the feed's receive time of the frame (CLOCK_MONOTONIC mapped
  to Unix time). End: `sent_at_ns` that `ExecClient.submit_order` reports (CLOCK_REALTIME just
  before the signed request is written).
- python: a Python WebSocket handler decoding JSON (`scripts/nautilus_python_ws_client.py`,
  Nautilus's own WebSocket client calling into Python) and an exec client that signs with the
  official `paradex-py` SDK and POSTs with Python's `http.client` (keep-alive). Start: when the
  frame reached Python (its `ts_init`). End: just before the request is written. paradex-py
  runs in this interpreter if it has it; else `--sdk-python PATH` (or `BENCH_SDK_PYTHON`) names
  the SDK virtualenv's interpreter, and the SDK signs in a persistent helper process there
  (`bench_nautilus_order_signer.py`), one framed pipe round trip per order (reported alone).

The python start is stamped later than the rust one (after the Rust socket read and the hop
into Python), so the comparison flatters the baseline slightly.

    python scripts/bench_nautilus_order.py --quick --sdk-python /work/venvs/sdk/bin/python
    python scripts/bench_nautilus_order.py --orders 2000 --json /tmp/nautilus_order.json
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import secrets
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
from nautilus_trader.config import (
    InstrumentProviderConfig,
    LiveExecEngineConfig,
    LiveRiskEngineConfig,
    LoggingConfig,
    StrategyConfig,
    TradingNodeConfig,
)
from nautilus_trader.live.execution_client import LiveExecutionClient
from nautilus_trader.live.factories import LiveExecClientFactory
from nautilus_trader.model.data import QuoteTick
from nautilus_trader.model.enums import (
    AccountType,
    OmsType,
    OrderSide,
    OrderStatus,
    TimeInForce,
)
from nautilus_trader.model.identifiers import AccountId, InstrumentId, VenueOrderId
from nautilus_trader.trading.strategy import Strategy

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(REPO / "examples"))

STARK_ORDER = 0x0800000000000010FFFFFFFFFFFFFFFFB781126DCAE7B2321E66A241ADC64D2F
CHAIN_ID = "PRIVATE_SN_POTC_SEPOLIA"
INSTRUMENT = "BTC-USD-PERP.PARADEX"
RUST_CASE = "rust ring quote -> ExecClient signed order on the wire"
PYTHON_CASE = "python JSON WS quote -> paradex-py signed order, http.client POST"


class TickToOrderConfig(StrategyConfig, frozen=True):
    instrument_id: str = INSTRUMENT
    orders: int = 2000


class TickToOrder(Strategy):
    """Submits one IOC order per quote (never two in flight) until `orders` were sent."""

    def __init__(self, config: TickToOrderConfig) -> None:
        super().__init__(config)
        self.instrument_id = InstrumentId.from_str(config.instrument_id)
        self.samples: list[tuple[object, int]] = []
        self.at_strategy: list[int] = []  # when on_quote_tick ran, per sample
        self.pending = None
        self.idle_since_ns = 0
        self.ticks = 0

    def on_start(self) -> None:
        self.instrument = self.cache.instrument(self.instrument_id)
        self.subscribe_quote_ticks(self.instrument_id)

    @property
    def done(self) -> bool:
        return len(self.samples) >= self.config.orders and not self._in_flight()

    def _in_flight(self) -> bool:
        return self.pending is not None and self.pending.status in (OrderStatus.INITIALIZED,
                                                                    OrderStatus.SUBMITTED)

    def on_order_event(self, event) -> None:
        if self.pending is not None and event.client_order_id == self.pending.client_order_id \
                and not self._in_flight() and not self.idle_since_ns:
            self.idle_since_ns = self.clock.timestamp_ns()

    def on_quote_tick(self, tick: QuoteTick) -> None:
        self.ticks += 1
        # Only quotes received once the previous order is out count: a quote that queued up
        # behind it would measure the queue, not the path.
        if len(self.samples) >= self.config.orders or self._in_flight() or \
                tick.ts_init <= self.idle_since_ns:
            return
        self.idle_since_ns = 0
        price = self.instrument.make_price(tick.bid_price.as_decimal() * Decimal("0.97"))
        order = self.order_factory.limit(self.instrument_id, OrderSide.BUY,
                                         self.instrument.make_qty(Decimal("0.001")), price,
                                         time_in_force=TimeInForce.IOC)
        self.samples.append((order.client_order_id, tick.ts_init))
        self.at_strategy.append(self.clock.timestamp_ns())
        self.pending = order
        self.submit_order(order)


# --- the pure-Python exec client (baseline only) ------------------------------------------------


class HelperSigner:
    """paradex-py signing in the SDK's own interpreter (`bench_nautilus_order_signer.py`,
    started once, framed JSON over its stdin/stdout): each signature costs one round trip."""

    def __init__(self, sdk_python: str, key: str, account: str) -> None:
        from bench_nautilus_order_signer import read_frame, write_frame

        self._read, self._write = read_frame, write_frame
        self._proc = subprocess.Popen(
            [sdk_python, str(REPO / "scripts" / "bench_nautilus_order_signer.py")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self._call({"op": "init", "key": key, "account": account, "chain": CHAIN_ID})

    def _call(self, request: dict) -> dict:
        self._write(self._proc.stdin, request)
        reply = self._read(self._proc.stdout)
        if reply is None:
            raise RuntimeError(f"the SDK signer exited (status {self._proc.poll()})")
        if "error" in reply:
            raise RuntimeError(f"the SDK signer failed: {reply['error']}")
        return reply

    def ping(self) -> None:
        self._call({"op": "ping"})

    def auth_signature(self, timestamp: int, expiry: int) -> str:
        return self._call({"op": "auth", "timestamp": timestamp, "expiry": expiry})["signature"]

    def order_body(self, **order: str) -> str:
        return self._call({"op": "order", **order})["body"]

    def close(self) -> None:
        if self._proc.poll() is None:
            self._proc.stdin.close()
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait(5)


def make_signer(sdk_python: str | None, key: str, account: str):
    """The SDK signer: in this interpreter when it has paradex-py and no SDK interpreter was
    named, else through the helper process in `sdk_python`."""
    if sdk_python:
        return HelperSigner(sdk_python, key, account)
    from bench_nautilus_order_signer import SdkSigner

    return SdkSigner(key, account, CHAIN_ID)


class SdkExecClient(LiveExecutionClient):
    """Signs with the paradex-py SDK and posts with `http.client` on the event loop thread."""

    created: list[SdkExecClient] = []

    def __init__(self, loop, msgbus, cache, clock, provider, config, http_url, signer,
                 account):
        from nautilus_trader.model.identifiers import ClientId, Venue

        super().__init__(loop=loop, client_id=ClientId("PARADEX"), venue=Venue("PARADEX"),
                         oms_type=OmsType.NETTING, account_type=AccountType.MARGIN,
                         base_currency=None, instrument_provider=provider, msgbus=msgbus,
                         cache=cache, clock=clock, config=config)
        url = urlparse(http_url)
        self._conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
        self._prefix = url.path.rstrip("/") or "/v1"
        self._signer = signer
        self._account = int(account, 16)
        self._jwt = ""
        self.sent_at: dict[object, int] = {}
        self._set_account_id(AccountId(f"PARADEX-{account}"))

    def _request(self, method: str, path: str, body: str | None = None,
                 headers: dict | None = None) -> tuple[int, dict]:
        all_headers = {"Content-Type": "application/json"}
        if self._jwt:
            all_headers["Authorization"] = f"Bearer {self._jwt}"
        all_headers.update(headers or {})
        self._conn.request(method, self._prefix + path, body=body, headers=all_headers)
        resp = self._conn.getresponse()
        raw = resp.read()
        return resp.status, (json.loads(raw) if raw else {})

    async def _connect(self) -> None:
        from nautilus_trader.model.currencies import USDC
        from nautilus_trader.model.objects import AccountBalance, Money

        await self._instrument_provider.initialize()
        for instrument in self._instrument_provider.list_all():
            if self._cache.instrument(instrument.id) is None:
                self._cache.add_instrument(instrument)
        now = int(time.time())
        signature = self._signer.auth_signature(now, now + 3600)
        status, body = self._request("POST", "/auth", "", {
            "PARADEX-STARKNET-ACCOUNT": hex(self._account),
            "PARADEX-STARKNET-SIGNATURE": signature,
            "PARADEX-TIMESTAMP": str(now),
            "PARADEX-SIGNATURE-EXPIRATION": str(now + 3600),
        })
        if status != 200:
            raise RuntimeError(f"auth failed: {status} {body}")
        self._jwt = body["jwt_token"]
        _, summary = self._request("GET", "/account")
        total = Money(Decimal(summary["account_value"]), USDC)
        self.generate_account_state([AccountBalance(total, Money(0, USDC), total)], [], True,
                                    self._clock.timestamp_ns())
        await self._await_account_registered()

    async def _disconnect(self) -> None:
        self._conn.close()

    async def _submit_order(self, command) -> None:
        order = command.order
        self.generate_order_submitted(command.strategy_id, order.instrument_id,
                                      order.client_order_id, self._clock.timestamp_ns())
        body = self._signer.order_body(
            market=order.instrument_id.symbol.value,
            side="BUY" if order.side == OrderSide.BUY else "SELL",
            size=str(order.quantity.as_decimal()), price=str(order.price.as_decimal()),
            client_id=order.client_order_id.value, instruction="IOC")
        self.sent_at[order.client_order_id] = time.time_ns()
        status, row = self._request("POST", "/orders", body)
        if status == 201:
            self.generate_order_accepted(command.strategy_id, order.instrument_id,
                                         order.client_order_id, VenueOrderId(row["id"]),
                                         self._clock.timestamp_ns())
        else:
            self.generate_order_rejected(command.strategy_id, order.instrument_id,
                                         order.client_order_id, str(row),
                                         self._clock.timestamp_ns())


def sdk_factory(http_url: str, signer, account: str):
    from paradex_core.nautilus.factories import get_cached_instrument_provider

    class Factory(LiveExecClientFactory):
        @staticmethod
        def create(loop, name, config, msgbus, cache, clock):
            provider = get_cached_instrument_provider(http_url, None, config.instrument_provider)
            client = SdkExecClient(loop, msgbus, cache, clock, provider, config, http_url,
                                   signer, account)
            SdkExecClient.created.append(client)
            return client

    return Factory


def rust_exec_factory():
    from paradex_core.nautilus import ParadexLiveExecClientFactory

    class Factory(ParadexLiveExecClientFactory):
        created: list = []

        @staticmethod
        def create(loop, name, config, msgbus, cache, clock):
            client = ParadexLiveExecClientFactory.create(loop, name, config, msgbus, cache,
                                                         clock)
            Factory.created.append(client)
            return client

    return Factory


# --- running one path ---------------------------------------------------------------------------


def run_path(path: str, mock, key: str, account: str, orders: int, timeout: float,
             signer=None) -> tuple[list[int], list[int]]:
    """Runs one node until `orders` were sent; returns the tick-to-wire latencies and, for the
    same orders, the tick-to-strategy part (quote received -> `on_quote_tick`), in ns."""
    from nautilus_trader.config import LiveExecClientConfig
    from nautilus_trader.live.node import TradingNode

    from paradex_core.nautilus import (
        ParadexDataClientConfig,
        ParadexExecClientConfig,
        ParadexLiveDataClientFactory,
    )

    providers = InstrumentProviderConfig(load_all=True)
    data = ParadexDataClientConfig(environment="mock", http_url=mock.http_url,
                                   ws_url=mock.ws_url, markets=("BTC-USD-PERP",),
                                   instrument_provider=providers)
    if path == "rust":
        execution = ParadexExecClientConfig(environment="mock", http_url=mock.http_url,
                                            ws_url=mock.ws_url, private_key=key,
                                            account_address=account, chain_id=CHAIN_ID,
                                            instrument_provider=providers)
        data_factory, exec_factory = ParadexLiveDataClientFactory, rust_exec_factory()
    else:
        from nautilus_python_ws_client import PythonWsDataClientFactory

        execution = LiveExecClientConfig(instrument_provider=providers)
        data_factory, exec_factory = PythonWsDataClientFactory, sdk_factory(mock.http_url,
                                                                             signer, account)
    config = TradingNodeConfig(
        trader_id="BENCH-001",
        logging=LoggingConfig(log_level="ERROR", log_colors=False),
        exec_engine=LiveExecEngineConfig(reconciliation=False, inflight_check_interval_ms=0),
        # Nautilus's default 100 orders/s throttle would deny part of the fast path's orders.
        risk_engine=LiveRiskEngineConfig(max_order_submit_rate="100000/00:00:01"),
        data_clients={"PARADEX": data},
        exec_clients={"PARADEX": execution},
        timeout_connection=30.0,
        timeout_post_stop=0.2,
    )
    loop = asyncio.new_event_loop()  # each node gets a fresh loop (dispose closes it)
    asyncio.set_event_loop(loop)
    node = TradingNode(config=config, loop=loop)
    node.add_data_client_factory("PARADEX", data_factory)
    node.add_exec_client_factory("PARADEX", exec_factory)
    strategy = TickToOrder(TickToOrderConfig(orders=orders))
    node.trader.add_strategy(strategy)
    node.build()
    deadline = time.monotonic() + timeout

    def watch() -> None:
        if strategy.done or time.monotonic() > deadline:
            node.stop()
        else:
            loop.call_later(0.05, watch)

    loop.call_later(0.05, watch)
    try:
        node.run()
    finally:
        node.dispose()
    if path == "rust":
        client = exec_factory.created[-1]
        sent = {coid: client.order_sent_at_ns(coid) for coid, _ in strategy.samples}
    else:
        sent = SdkExecClient.created[-1].sent_at
    latencies, to_strategy = [], []
    for (coid, ts), seen in zip(strategy.samples, strategy.at_strategy, strict=True):
        if sent.get(coid):
            latencies.append(sent[coid] - ts)
            to_strategy.append(seen - ts)
    if len(latencies) < orders:
        print(f"{path}: only {len(latencies)} of {orders} orders measured in {timeout:.0f} s "
              f"({strategy.ticks} quotes seen)", file=sys.stderr)
    return latencies, to_strategy


def summarize(case: str, latencies: list[int], target: str | None,
              baseline_of: str | None) -> dict:
    values = np.array(latencies, dtype=np.int64)
    if values.size == 0:
        return {"case": case, "unit": "ns", "count": 0, "p50": None, "p99": None,
                "p999": None, "mean": None, "max": None, "value": None, "target": target,
                "baseline_of": baseline_of}
    q = lambda p: int(np.percentile(values, p))  # noqa: E731
    return {"case": case, "unit": "ns", "count": int(values.size), "p50": q(50), "p99": q(99),
            "p999": q(99.9), "mean": int(values.mean()), "max": int(values.max()),
            "value": None, "target": target, "baseline_of": baseline_of}


def sdk_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("paradex_py") is not None


def ipc_round_trips(signer: HelperSigner, count: int) -> list[int]:
    """Times `count` empty requests to the signer helper: the IPC share of each signature."""
    samples = []
    for _ in range(count):
        start = time.perf_counter_ns()
        signer.ping()
        samples.append(time.perf_counter_ns() - start)
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--quick", action="store_true", help="200 orders per path (CI smoke)")
    parser.add_argument("--json", type=Path, help="write the result file here")
    parser.add_argument("--mock-bin", help="paradex-mock binary (default: PARADEX_MOCK_BIN, "
                                           "else built with cargo)")
    parser.add_argument("--md-rate", type=float, default=400.0,
                        help="mock quote updates per second (the tick source)")
    parser.add_argument("--sdk-python", default=os.environ.get("BENCH_SDK_PYTHON"),
                        help="interpreter of a virtualenv with paradex-py 0.8.2: the baseline "
                             "signs through a helper process running it (default: "
                             "BENCH_SDK_PYTHON, else paradex-py in this interpreter)")
    args = parser.parse_args(argv)
    orders = 200 if args.quick else args.orders

    import paradex_core as pc
    from nautilus_node import MockProcess, find_mock_binary, onboard_mock_account

    binary = find_mock_binary(args.mock_bin)
    rows, notes = [], []
    mock = MockProcess(binary, "--md-rate", str(args.md_rate))
    try:
        key = hex(secrets.randbelow(STARK_ORDER - 1) + 1)
        account = mock.account_of(pc.Signer(key, "0x1", CHAIN_ID).public_key)
        onboard_mock_account(mock.http_url, mock.ws_url, key, account)
        rust, rust_part = run_path("rust", mock, key, account, orders,
                                   timeout=orders / 20 + 60)
        rows.append(summarize(RUST_CASE, rust, "≤ 1 ms", None))
        rows.append(summarize(RUST_CASE + " (of which quote -> on_quote_tick)", rust_part,
                              None, None))
        if args.sdk_python or sdk_available():
            signer = make_signer(args.sdk_python, key, account)
            try:
                python, python_part = run_path("python", mock, key, account, orders,
                                               timeout=orders / 5 + 60, signer=signer)
                rows.append(summarize(PYTHON_CASE, python, None, RUST_CASE))
                rows.append(summarize(PYTHON_CASE + " (of which quote -> on_quote_tick)",
                                      python_part, None, None))
                if isinstance(signer, HelperSigner):
                    rows.append(summarize(PYTHON_CASE + " (of which signer IPC round trip)",
                                          ipc_round_trips(signer, orders), None, None))
                    notes.append(
                        f"the baseline signs with paradex-py in its own interpreter "
                        f"({args.sdk_python}) through a persistent helper process "
                        "(scripts/bench_nautilus_order_signer.py, length-prefixed JSON over "
                        "pipes): each order pays one round trip, measured alone in the "
                        "'signer IPC round trip' row and included in the baseline's figure")
                else:
                    notes.append("the baseline signs with paradex-py in this interpreter")
            finally:
                if isinstance(signer, HelperSigner):
                    signer.close()
        else:
            notes.append("pure-Python baseline unavailable: paradex-py is not installed here "
                         "and no SDK interpreter was given (--sdk-python or BENCH_SDK_PYTHON)")
            print(notes[-1], file=sys.stderr)
    finally:
        mock.stop()
    notes.insert(0, f"{orders} orders per path, one in flight at a time, IOC buys 3 % under the "
                    f"bid on BTC-USD-PERP against paradex-mock (--md-rate {args.md_rate}); "
                    "start = quote receive time (rust: feed socket read; python: frame "
                    "reaches Python), end = just before the signed POST is written")
    result = {"bench": "nautilus_order", "title": "tick-to-order latency (Nautilus node)",
              "machine_note": os.environ.get("BENCH_MACHINE_NOTE"), "rows": rows,
              "notes": "; ".join(notes)}
    for row in rows:
        print(f"{row['case']}: {_fmt(row)}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0 if rows and rows[0]["count"] else 1


def _fmt(row: dict) -> str:
    if not row["count"]:
        return "no samples"
    return (f"n={row['count']} p50={row['p50'] / 1e3:.1f} us p99={row['p99'] / 1e3:.1f} us "
            f"p99.9={row['p999'] / 1e3:.1f} us max={row['max'] / 1e3:.1f} us")


if __name__ == "__main__":
    sys.exit(main())
