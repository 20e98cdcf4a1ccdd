"""A TradingNode that trades on `paradex-mock` through the Paradex exec client, plus the helpers
the exec tests share (config builder, an event-recording strategy, cache dumps, exchange
queries).

As a script it is the process the kill-and-restart test SIGKILLs mid-trading:

    PARADEX_PRIVATE_KEY=0x... python node_runner.py --http-url URL --ws-url URL \
        --account 0x... --state /tmp/state.json [--seconds 60]

It submits market orders (fills), resting limit orders far from the mid and cancels, and
rewrites `--state` (atomically) with its cache's orders, fills and position every few events,
so the test sees it trading and knows what it had when it died.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from nautilus_trader.config import (
    InstrumentProviderConfig,
    LiveExecEngineConfig,
    LoggingConfig,
    StrategyConfig,
    TradingNodeConfig,
)
from nautilus_trader.model.enums import OrderSide, TimeInForce
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.objects import Price, Quantity
from nautilus_trader.trading.strategy import Strategy

BTC = "BTC-USD-PERP.PARADEX"
TESTNET_CHAIN_ID = "PRIVATE_SN_POTC_SEPOLIA"


def exec_config(http_url: str, ws_url: str, private_key: str, account: str,
                ca_file: str | None = None, **kwargs: Any):
    """A `ParadexExecClientConfig` for the mock, loading every instrument."""
    from paradex_core.nautilus.config import ParadexExecClientConfig

    return ParadexExecClientConfig(
        environment="mock",
        http_url=http_url,
        ws_url=ws_url,
        ca_file=ca_file,
        private_key=private_key,
        account_address=account,
        chain_id=TESTNET_CHAIN_ID,
        instrument_provider=InstrumentProviderConfig(load_all=True),
        **kwargs,
    )


ETHEREUM_ACCOUNT = "0x" + "11" * 20
"""The L1 address the mock onboards test accounts with (any well-formed address)."""


def venue_client(http_url: str, ws_url: str, private_key: str, account: str,
                 ca_file: str | None = None):
    """A connected `paradex_core.ExecClient` the tests query the exchange with; connecting
    onboards the account, so create it before a node connects with the same key."""
    import paradex_core as pc

    client = pc.ExecClient(http_url, ws_url, private_key, account, TESTNET_CHAIN_ID,
                           ca_file=ca_file, ethereum_account=ETHEREUM_ACCOUNT)
    client.connect()
    return client


class RecorderConfig(StrategyConfig, frozen=True):
    instrument_id: str = BTC


class Recorder(Strategy):
    """Records every order event and the cache state seen at start; the test drives it."""

    def __init__(self, config: RecorderConfig | None = None) -> None:
        config = config or RecorderConfig(external_order_claims=[BTC])
        super().__init__(config)
        self.instrument_id = InstrumentId.from_str(config.instrument_id)
        self.events: list[Any] = []
        self.state_at_start: dict[str, Any] | None = None

    def on_start(self) -> None:
        self.state_at_start = cache_state(self.cache)

    def on_order_event(self, event) -> None:
        self.events.append(event)

    def events_of(self, client_order_id, kind: str | None = None) -> list[Any]:
        return [e for e in self.events if e.client_order_id == client_order_id
                and (kind is None or type(e).__name__ == kind)]


def cache_state(cache) -> dict[str, Any]:
    """Orders (status, quantities, trade ids), their fills and the net positions, as JSON."""
    orders = []
    for order in cache.orders():
        orders.append({
            "client_order_id": order.client_order_id.value,
            "venue_order_id": order.venue_order_id.value if order.venue_order_id else None,
            "strategy_id": order.strategy_id.value,
            "status": order.status_string(),
            "side": order.side_string(),
            "type": order.type_string(),
            "quantity": str(order.quantity),
            "filled_qty": str(order.filled_qty),
            "trade_ids": [t.value for t in order.trade_ids],
        })
    net: dict[str, str] = {}
    for position in cache.positions_open():
        key = position.instrument_id.value
        net[key] = str(Decimal(net.get(key, "0")) + position.signed_decimal_qty())
    return {"orders": orders, "net_positions": net}


def write_json_atomically(path: Path, data: Any) -> None:
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_text(json.dumps(data))
    tmp.replace(path)


class ChurnConfig(StrategyConfig, frozen=True):
    instrument_id: str = BTC
    state_path: str = ""
    reference_mid: str = "65000"
    interval_ms: int = 150


class Churn(Strategy):
    """Trades continuously: market buys/sells (fills), resting limits 3 % away, cancels."""

    def __init__(self, config: ChurnConfig) -> None:
        super().__init__(config)
        self.instrument_id = InstrumentId.from_str(config.instrument_id)
        self.state_path = Path(config.state_path)
        self.mid = Decimal(config.reference_mid)
        self.step = 0

    def on_start(self) -> None:
        self.instrument = self.cache.instrument(self.instrument_id)
        self.clock.set_timer("churn", _ns(self.config.interval_ms), callback=self._on_timer)
        self._dump()

    def on_order_event(self, event) -> None:
        self._dump()

    def _on_timer(self, _event) -> None:
        self.step += 1
        qty = Quantity.from_str("0.00100")
        phase = self.step % 4
        if phase in (0, 2):
            side = OrderSide.BUY if (self.step // 4) % 2 == 0 else OrderSide.SELL
            self.submit_order(self.order_factory.market(self.instrument_id, side, qty))
        elif phase == 1:
            for side, factor in ((OrderSide.BUY, Decimal("0.97")), (OrderSide.SELL,
                                                                   Decimal("1.03"))):
                px = Price((self.mid * factor).quantize(Decimal("0.1")), 1)
                self.submit_order(self.order_factory.limit(
                    self.instrument_id, side, qty, px, time_in_force=TimeInForce.GTC))
        else:
            open_orders = self.cache.orders_open(instrument_id=self.instrument_id)
            if len(open_orders) > 4:
                self.cancel_order(open_orders[0])

    def _dump(self) -> None:
        write_json_atomically(self.state_path, cache_state(self.cache))


def _ns(ms: int):
    import pandas as pd

    return pd.Timedelta(milliseconds=ms)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--http-url", required=True)
    parser.add_argument("--ws-url", required=True)
    parser.add_argument("--account", required=True)
    parser.add_argument("--state", required=True, type=Path)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    private_key = os.environ["PARADEX_PRIVATE_KEY"]

    from nautilus_trader.live.node import TradingNode

    import paradex_core as pc
    from paradex_core.nautilus import ParadexLiveExecClientFactory

    mid = pc.HttpClient(args.http_url).bbo("BTC-USD-PERP")
    reference_mid = (Decimal(mid["bid"]) + Decimal(mid["ask"])) / 2
    config = TradingNodeConfig(
        trader_id="RUNNER-001",
        logging=LoggingConfig(log_level="WARNING", log_colors=False),
        exec_engine=LiveExecEngineConfig(reconciliation=True, inflight_check_interval_ms=0),
        exec_clients={"PARADEX": exec_config(args.http_url, args.ws_url, private_key,
                                              args.account)},
        timeout_connection=15.0,
        timeout_post_stop=0.2,
    )
    node = TradingNode(config=config)
    node.add_exec_client_factory("PARADEX", ParadexLiveExecClientFactory)
    node.trader.add_strategy(Churn(ChurnConfig(
        state_path=str(args.state), reference_mid=str(reference_mid),
        external_order_claims=[BTC])))
    node.build()
    node.get_event_loop().call_later(args.seconds, node.stop)
    try:
        node.run()
    finally:
        node.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
