#!/usr/bin/env python
"""A NautilusTrader node trading Paradex: a small market maker on BTC-USD-PERP.

Market data arrives through the Rust feed handler and the shared-memory rings; orders go out
through the Rust exec client (STARK-signed, keep-alive REST) and come back on its private
stream. By default the script starts its own `paradex-mock` (an offline Paradex) with a fresh
key, trades for `--seconds`, prints every fill, then the position and PnL, stops everything and
exits 0.

    python examples/nautilus_node.py --seconds 20
    python examples/nautilus_node.py --mock-bin target/release/paradex-mock
    PARADEX_PRIVATE_KEY=0x... PARADEX_ACCOUNT_ADDRESS=0x... \
        python examples/nautilus_node.py --environment testnet --seconds 60

The strategy quotes post-only orders on both sides at `--spread-bps` around the mid, re-quotes
(modifies) when the mid moves by more than `--requote-bps`, stops quoting the side that would
grow the position past `--max-inventory`, and every `--take-secs` seconds crosses the spread
with a small IOC order toward flat (so a short demo shows fills in both directions). When time
is up it stops quoting, cancels its quotes, closes the position with a reduce-only market order
once the cancels are through, and then stops the node.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import urllib.request
from decimal import Decimal
from pathlib import Path

import pandas as pd
from nautilus_trader.config import (
    InstrumentProviderConfig,
    LiveExecEngineConfig,
    LoggingConfig,
    StrategyConfig,
    TradingNodeConfig,
)
from nautilus_trader.model.data import QuoteTick
from nautilus_trader.model.enums import OrderSide, TimeInForce
from nautilus_trader.model.events import OrderFilled
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.trading.strategy import Strategy

REPO = Path(__file__).resolve().parents[1]
STARK_ORDER = 0x0800000000000010FFFFFFFFFFFFFFFFB781126DCAE7B2321E66A241ADC64D2F
TESTNET_CHAIN_ID = "PRIVATE_SN_POTC_SEPOLIA"
MOCK_ETHEREUM_ACCOUNT = "0x" + "11" * 20


class MarketMakerConfig(StrategyConfig, frozen=True):
    instrument_id: str = "BTC-USD-PERP.PARADEX"
    order_qty: str = "0.001"
    spread_bps: float = 2.0
    requote_bps: float = 1.0
    max_inventory: str = "0.004"
    take_secs: float = 3.0


WIND_DOWN_STEP_S = 1.0


class MarketMaker(Strategy):
    """Two post-only quotes around the mid, inventory-limited, modified as the mid moves."""

    def __init__(self, config: MarketMakerConfig) -> None:
        super().__init__(config)
        self.instrument_id = InstrumentId.from_str(config.instrument_id)
        self.qty = Decimal(config.order_qty)
        self.max_inventory = Decimal(config.max_inventory)
        self.quotes: dict[OrderSide, object] = {}
        self.quoted_mid: Decimal | None = None
        self.last_quote: QuoteTick | None = None
        self.fills: list[OrderFilled] = []
        self.winding_down = False

    def on_start(self) -> None:
        self.instrument = self.cache.instrument(self.instrument_id)
        if self.instrument is None:
            self.log.error(f"No instrument {self.instrument_id}: stopping")
            self.stop()
            return
        self.subscribe_quote_ticks(self.instrument_id)
        if self.config.take_secs > 0:
            self.clock.set_timer("take", pd.Timedelta(seconds=self.config.take_secs),
                                 callback=self._take_toward_flat)

    def on_quote_tick(self, tick: QuoteTick) -> None:
        self.last_quote = tick
        if self.winding_down:
            return
        mid = (tick.bid_price.as_decimal() + tick.ask_price.as_decimal()) / 2
        moved = self.quoted_mid is None or \
            abs(mid - self.quoted_mid) / mid * 10_000 >= Decimal(str(self.config.requote_bps))
        if moved:
            self.quoted_mid = mid
            self._quote(mid)

    def _net(self) -> Decimal:
        return self.portfolio.net_position(self.instrument_id)

    def _quote(self, mid: Decimal) -> None:
        half = mid * Decimal(str(self.config.spread_bps)) / 20_000
        net = self._net()
        for side, target in ((OrderSide.BUY, mid - half), (OrderSide.SELL, mid + half)):
            grows = net + (self.qty if side == OrderSide.BUY else -self.qty)
            allowed = abs(grows) <= self.max_inventory
            price = self.instrument.make_price(target)
            order = self.quotes.get(side)
            if order is not None and order.is_closed:
                del self.quotes[side]
                order = None
            if not allowed:
                if order is not None and order.is_open and not order.is_pending_cancel:
                    self.cancel_order(order)
                continue
            if order is None:
                order = self.order_factory.limit(
                    self.instrument_id, side, self.instrument.make_qty(self.qty), price,
                    time_in_force=TimeInForce.GTC, post_only=True)
                self.quotes[side] = order
                self.submit_order(order)
            elif order.is_open and not order.is_inflight and order.price != price:
                self.modify_order(order, price=price)

    def _take_toward_flat(self, _event) -> None:
        """Crosses the spread with an IOC order toward flat (or buys when flat)."""
        if self.last_quote is None or self.winding_down:
            return
        net = self._net()
        side = OrderSide.SELL if net > 0 else OrderSide.BUY
        tick = self.last_quote
        # 0.1 % through the touch, rounded to the tick: marketable but bounded.
        through = (tick.ask_price.as_decimal() * Decimal("1.001") if side == OrderSide.BUY
                   else tick.bid_price.as_decimal() * Decimal("0.999"))
        self.submit_order(self.order_factory.limit(
            self.instrument_id, side, self.instrument.make_qty(self.qty),
            self.instrument.make_price(through), time_in_force=TimeInForce.IOC))

    def on_order_filled(self, event: OrderFilled) -> None:
        self.fills.append(event)
        side = "BUY " if event.order_side == OrderSide.BUY else "SELL"
        print(f"fill  {side} {event.last_qty} @ {event.last_px}  fee {event.commission}  "
              f"{event.liquidity_side.name.lower():5}  net {self._net()}", flush=True)

    def wind_down(self) -> None:
        """Stops quoting and taking, and cancels the resting quotes. Flatten once the cancels are
        through: a quote filled between reading the position and its cancel would otherwise
        leave the position open."""
        self.winding_down = True
        if "take" in self.clock.timer_names:
            self.clock.cancel_timer("take")
        self.cancel_all_orders(self.instrument_id)

    def flatten(self) -> None:
        """Closes the position with a reduce-only market order."""
        net = self._net()
        if net != 0:
            side = OrderSide.SELL if net > 0 else OrderSide.BUY
            self.submit_order(self.order_factory.market(
                self.instrument_id, side, self.instrument.make_qty(abs(net)), reduce_only=True))

    def on_stop(self) -> None:
        """Leaves nothing behind (also when stopped without `wind_down`, e.g. Ctrl-C)."""
        self.cancel_all_orders(self.instrument_id)
        self.flatten()

    def summary(self) -> str:
        realized = self.portfolio.realized_pnl(self.instrument_id)
        unrealized = self.portfolio.unrealized_pnl(self.instrument_id)
        return (f"fills {len(self.fills)}  position {self._net()}  "
                f"realized PnL {realized}  unrealized PnL {unrealized}")


# --- the offline exchange ---------------------------------------------------------------------


def find_mock_binary(explicit: str | None) -> str:
    """`--mock-bin`, else `PARADEX_MOCK_BIN`, else cargo builds (if needed) and locates it."""
    if explicit or os.environ.get("PARADEX_MOCK_BIN"):
        return explicit or os.environ["PARADEX_MOCK_BIN"]
    out = subprocess.run(
        ["cargo", "build", "--release", "-p", "paradex-mock", "--bin", "paradex-mock",
         "--message-format=json"], cwd=REPO, check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        message = json.loads(line)
        if message.get("reason") == "compiler-artifact" and message.get("executable") and \
                message["target"]["name"] == "paradex-mock":
            return message["executable"]
    raise RuntimeError("cargo did not report the paradex-mock executable")


class MockProcess:
    """A `paradex-mock` child process, stopped by `stop()` (SIGTERM, then SIGKILL)."""

    def __init__(self, binary: str, *args: str) -> None:
        self.proc = subprocess.Popen([binary, *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True)
        words = self.proc.stdout.readline().split()
        if words[:2] != ["paradex-mock", "listening"]:
            self.stop()
            raise RuntimeError(f"paradex-mock did not start: {' '.join(words)!r}")
        fields = dict(word.split("=", 1) for word in words[2:])
        self.http_url = fields["http"]  # REST base; the clients add /v1
        self.ws_url = fields["ws"]

    def account_of(self, public_key: str) -> str:
        url = (f"{self.http_url}/v1/onboarding?account_signer_type=starknet"
               f"&public_key={public_key}")
        with urllib.request.urlopen(url, timeout=10) as resp:
            return json.loads(resp.read())["address"]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        if self.proc.stdout:
            self.proc.stdout.close()


def onboard_mock_account(http_url: str, ws_url: str, private_key: str, account: str) -> None:
    """Registers a fresh key with the mock (`POST /onboarding`, which `ExecClient.connect`
    does when given an L1 address); on Paradex itself onboarding is done once, in the app."""
    import paradex_core as pc

    client = pc.ExecClient(http_url, ws_url, private_key, account, TESTNET_CHAIN_ID,
                           ethereum_account=MOCK_ETHEREUM_ACCOUNT)
    try:
        client.connect()
    finally:
        client.close()


# --- the node ---------------------------------------------------------------------------------


def build_node(args, http_url: str | None, ws_url: str | None, private_key: str | None,
               account: str | None):
    from nautilus_trader.live.node import TradingNode

    from paradex_core.nautilus import (
        ParadexDataClientConfig,
        ParadexExecClientConfig,
        ParadexLiveDataClientFactory,
        ParadexLiveExecClientFactory,
    )

    providers = InstrumentProviderConfig(load_all=True)
    market = args.instrument.rsplit(".", 1)[0]
    data = ParadexDataClientConfig(environment=args.environment, http_url=http_url,
                                   ws_url=ws_url, markets=(market,),
                                   instrument_provider=providers)
    execution = ParadexExecClientConfig(environment=args.environment, http_url=http_url,
                                        ws_url=ws_url, private_key=private_key,
                                        account_address=account, instrument_provider=providers)
    config = TradingNodeConfig(
        trader_id="DEMO-001",
        logging=LoggingConfig(log_level=args.log_level, log_colors=False),
        exec_engine=LiveExecEngineConfig(reconciliation=True),
        data_clients={"PARADEX": data},
        exec_clients={"PARADEX": execution},
        timeout_connection=30.0,
        timeout_post_stop=0.5,
    )
    node = TradingNode(config=config)
    node.add_data_client_factory("PARADEX", ParadexLiveDataClientFactory)
    node.add_exec_client_factory("PARADEX", ParadexLiveExecClientFactory)
    strategy = MarketMaker(MarketMakerConfig(
        instrument_id=args.instrument, order_qty=args.qty, spread_bps=args.spread_bps,
        max_inventory=args.max_inventory, take_secs=args.take_secs,
        external_order_claims=[args.instrument]))
    node.trader.add_strategy(strategy)
    node.build()
    return node, strategy


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to trade")
    parser.add_argument("--environment", choices=("mock", "testnet", "mainnet"), default="mock")
    parser.add_argument("--mock-bin", help="paradex-mock binary (default: PARADEX_MOCK_BIN, "
                                           "else built with cargo)")
    parser.add_argument("--instrument", default="BTC-USD-PERP.PARADEX")
    parser.add_argument("--qty", default="0.001")
    parser.add_argument("--spread-bps", type=float, default=2.0)
    parser.add_argument("--max-inventory", default="0.004")
    parser.add_argument("--take-secs", type=float, default=3.0)
    parser.add_argument("--log-level", default="ERROR")
    args = parser.parse_args(argv)

    mock = None
    try:
        if args.environment == "mock":
            import paradex_core as pc

            mock = MockProcess(find_mock_binary(args.mock_bin))
            private_key = hex(secrets.randbelow(STARK_ORDER - 1) + 1)
            public_key = pc.Signer(private_key, "0x1", TESTNET_CHAIN_ID).public_key
            account = mock.account_of(public_key)
            http_url, ws_url = mock.http_url, mock.ws_url
            onboard_mock_account(http_url, ws_url, private_key, account)
            print(f"paradex-mock at {http_url}, account {account}", flush=True)
        else:  # credentials come from PARADEX_PRIVATE_KEY / PARADEX_ACCOUNT_ADDRESS
            private_key = account = http_url = ws_url = None
        node, strategy = build_node(args, http_url, ws_url, private_key, account)
        # Wind down in steps so the position is flat when the node stops: cancel the quotes,
        # flatten once the cancels are through, stop once the closing fill is in.
        loop = node.get_event_loop()
        loop.call_later(args.seconds, strategy.wind_down)
        loop.call_later(args.seconds + WIND_DOWN_STEP_S, strategy.flatten)
        loop.call_later(args.seconds + 2 * WIND_DOWN_STEP_S, node.stop)
        try:
            node.run()
        finally:
            started = strategy.last_quote is not None
            print(strategy.summary(), flush=True)
            node.dispose()
    finally:
        if mock is not None:
            mock.stop()
    if not started:
        print("the strategy never received a quote: see the log above", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
