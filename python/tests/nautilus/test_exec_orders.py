"""Paradex exec client inside a real TradingNode against `paradex-mock`: every order type and
flag through its lifecycle, fills into positions and the account, cancels, rejections, and a
dropped private stream that recovers without losing a fill."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from nautilus_trader.model.currencies import USDC
from nautilus_trader.model.enums import (
    LiquiditySide,
    OrderSide,
    OrderStatus,
    TimeInForce,
    TriggerType,
)
from nautilus_trader.model.identifiers import AccountId, InstrumentId
from nautilus_trader.model.objects import Price, Quantity

from node_runner import BTC, Recorder, exec_config, venue_client

BTC_ID = InstrumentId.from_str(BTC)
MARKET = "BTC-USD-PERP"
QTY = Quantity.from_str("0.00100")


@dataclass
class Exchange:
    """A mock exchange with one onboarded account, and a client to check its state with."""

    mock: Any
    private_key: str
    account: str
    venue: Any  # paradex_core.ExecClient (test-side queries)

    def config(self, **kwargs: Any):
        return exec_config(self.mock.base_url, self.mock.ws_url, self.private_key,
                           self.account, **kwargs)

    def mid(self) -> Decimal:
        bbo = self.mock.rest(f"/bbo/{MARKET}")
        return (Decimal(bbo["bid"]) + Decimal(bbo["ask"])) / 2

    def bbo(self) -> tuple[Decimal, Decimal]:
        bbo = self.mock.rest(f"/bbo/{MARKET}")
        return Decimal(bbo["bid"]), Decimal(bbo["ask"])

    def order_row(self, client_id: str) -> dict:
        rows = [r for r in self.venue.orders_history(MARKET) if r.get("client_id") == client_id]
        rows += [r for r in self.venue.open_orders(MARKET) if r.get("client_id") == client_id]
        assert rows, f"the exchange has no order {client_id}"
        return max(rows, key=lambda r: int(r["seq_no"]))

    def fills_of(self, venue_order_id: str) -> list[dict]:
        return [f for f in self.venue.fills(MARKET) if str(f["order_id"]) == venue_order_id]


@pytest.fixture
def exchange(paradex_mock, fresh_key):
    mock = paradex_mock("--md-rate", "20")
    account = mock.account_of(fresh_key.public_key)
    venue = venue_client(mock.base_url, mock.ws_url, fresh_key.private_key, account)
    try:
        yield Exchange(mock, fresh_key.private_key, venue.account, venue)
    finally:
        venue.close()


def px(value: Decimal) -> Price:
    return Price(value.quantize(Decimal("0.1")), 1)


async def until(condition, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.01)


def run(nautilus_node, exchange: Exchange, strategy: Recorder, scenario, config=None) -> None:
    result = nautilus_node([strategy], exec_clients={"PARADEX": config or exchange.config()},
                           scenario=scenario, timeout=30.0)
    assert result.started, "the strategy never started (reconciliation failed?)"


def test_limit_order_submit_modify_cancel(exchange, nautilus_node):
    s = Recorder()
    seen: dict[str, Any] = {}

    async def scenario(node):
        mid = await asyncio.to_thread(exchange.mid)
        order = s.order_factory.limit(BTC_ID, OrderSide.BUY, QTY, px(mid * Decimal("0.97")))
        s.submit_order(order)
        await until(lambda: order.status == OrderStatus.ACCEPTED, "accepted")
        seen["venue_order_id"] = order.venue_order_id.value
        new_price = px(mid * Decimal("0.965"))
        s.modify_order(order, quantity=Quantity.from_str("0.00200"), price=new_price)
        await until(lambda: order.status == OrderStatus.ACCEPTED
                    and order.quantity == Quantity.from_str("0.00200")
                    and order.price == new_price, "updated")
        seen["price"] = str(new_price)
        s.cancel_order(order)
        await until(lambda: order.status == OrderStatus.CANCELED, "canceled")
        seen["client_id"] = order.client_order_id.value
        kinds = [type(e).__name__ for e in s.events_of(order.client_order_id)]
        seen["kinds"] = kinds

    run(nautilus_node, exchange, s, scenario)
    assert seen["kinds"] == ["OrderInitialized", "OrderSubmitted", "OrderAccepted",
                             "OrderPendingUpdate", "OrderUpdated", "OrderPendingCancel",
                             "OrderCanceled"]
    row = exchange.order_row(seen["client_id"])
    assert row["id"] == seen["venue_order_id"]
    assert (row["status"], row["cancel_reason"]) == ("CLOSED", "USER_CANCELED")
    assert Decimal(row["size"]) == Decimal("0.002")
    assert Decimal(row["price"]) == Decimal(seen["price"])


def test_crossing_order_fills_position_and_account(exchange, nautilus_node):
    s = Recorder()
    seen: dict[str, Any] = {}

    async def scenario(node):
        account_id = AccountId(f"PARADEX-{exchange.account}")
        account = s.cache.account(account_id)
        seen["balance_before"] = account.balance_total(USDC).as_decimal()
        _, ask = await asyncio.to_thread(exchange.bbo)
        buy = s.order_factory.limit(BTC_ID, OrderSide.BUY, QTY, px(ask * Decimal("1.01")),
                                    time_in_force=TimeInForce.IOC)
        s.submit_order(buy)
        await until(lambda: buy.status == OrderStatus.FILLED, "the crossing buy filled")
        await until(lambda: s.cache.account(account_id).balance_total(USDC).as_decimal()
                    != seen["balance_before"], "the account updated after the fill")
        seen["buy"] = buy
        seen["fills"] = s.events_of(buy.client_order_id, "OrderFilled")
        positions = s.cache.positions_open(instrument_id=BTC_ID)
        seen["net"] = sum((p.signed_decimal_qty() for p in positions), Decimal(0))
        # A reduce-only market order flattens it again.
        sell = s.order_factory.market(BTC_ID, OrderSide.SELL, QTY, reduce_only=True)
        s.submit_order(sell)
        await until(lambda: sell.status == OrderStatus.FILLED, "the reduce-only sell filled")
        await until(lambda: not s.cache.positions_open(instrument_id=BTC_ID), "flat")
        seen["sell"] = sell

    run(nautilus_node, exchange, s, scenario)
    buy = seen["buy"]
    venue_fills = exchange.fills_of(buy.venue_order_id.value)
    assert venue_fills, "the exchange recorded no fill"
    fills = seen["fills"]
    assert sorted(f.trade_id.value for f in fills) == sorted(f["id"] for f in venue_fills)
    by_id = {f["id"]: f for f in venue_fills}
    for fill in fills:
        venue = by_id[fill.trade_id.value]
        assert fill.last_px.as_decimal() == Decimal(venue["price"])  # exact, no float path
        assert fill.last_qty.as_decimal() == Decimal(venue["size"])
        assert fill.commission.currency == USDC
        assert fill.commission.as_decimal() == Decimal(venue["fee"]).quantize(Decimal("1e-8"))
        assert fill.liquidity_side == LiquiditySide.TAKER
    assert seen["net"] == QTY.as_decimal()
    assert Decimal(exchange.order_row(seen["sell"].client_order_id.value)["remaining_size"]) == 0
    assert not [p for p in exchange.venue.positions()
                if p["market"] == MARKET and Decimal(p["size"]) != 0]


def test_rejections_and_denials(exchange, nautilus_node):
    s = Recorder()
    orders: dict[str, Any] = {}

    async def scenario(node):
        bid, ask = await asyncio.to_thread(exchange.bbo)
        f = s.order_factory
        orders["post_only"] = f.limit(BTC_ID, OrderSide.BUY, QTY, px(ask * Decimal("1.001")),
                                      post_only=True)
        orders["off_band"] = f.limit(BTC_ID, OrderSide.BUY, QTY, px(bid * Decimal("0.5")))
        orders["reduce_only_flat"] = f.market(BTC_ID, OrderSide.SELL, QTY, reduce_only=True)
        orders["fok"] = f.limit(BTC_ID, OrderSide.BUY, QTY, px(bid * Decimal("0.97")),
                                time_in_force=TimeInForce.FOK)
        orders["gtd"] = f.limit(BTC_ID, OrderSide.BUY, QTY, px(bid * Decimal("0.97")),
                                time_in_force=TimeInForce.GTD,
                                expire_time=s.clock.utc_now() + __import__("pandas").Timedelta(
                                    minutes=5))
        orders["last_trigger"] = f.stop_market(BTC_ID, OrderSide.BUY, QTY,
                                               px(ask * Decimal("1.02")),
                                               trigger_type=TriggerType.LAST_PRICE)
        for order in orders.values():
            s.submit_order(order)
        await until(lambda: all(o.is_closed for o in orders.values()), "all orders closed")

    run(nautilus_node, exchange, s, scenario)
    post_only = s.events_of(orders["post_only"].client_order_id, "OrderRejected")
    assert post_only and post_only[0].due_post_only
    assert "POST_ONLY_WOULD_CROSS" in post_only[0].reason
    off_band = s.events_of(orders["off_band"].client_order_id, "OrderRejected")
    assert off_band and off_band[0].reason, "a refused price gives a reason"
    assert orders["reduce_only_flat"].status == OrderStatus.REJECTED
    for name, words in (("fok", "FOK"), ("gtd", "GTD"), ("last_trigger", "mark price")):
        denied = s.events_of(orders[name].client_order_id, "OrderDenied")
        assert denied and words in denied[0].reason, (name, denied)
    # Denied orders never reach the exchange.
    sent = {r.get("client_id") for r in exchange.venue.orders_history(MARKET)}
    assert orders["fok"].client_order_id.value not in sent


def test_stop_and_take_profit_orders_modify_cancel_fire(exchange, nautilus_node):
    s = Recorder()
    orders: dict[str, Any] = {}

    async def scenario(node):
        mid = await asyncio.to_thread(exchange.mid)
        f = s.order_factory
        far_stop = f.stop_market(BTC_ID, OrderSide.BUY, QTY, px(mid * Decimal("1.04")))
        stop_limit = f.stop_limit(BTC_ID, OrderSide.SELL, QTY, px(mid * Decimal("0.955")),
                                  px(mid * Decimal("0.96")))
        # A buy stop below the mark fires at once and executes as a market order.
        firing = f.stop_market(BTC_ID, OrderSide.BUY, QTY, px(mid * Decimal("0.98")))
        # If-touched orders are Paradex take-profits: a buy fires on a fall to the trigger.
        mit = f.market_if_touched(BTC_ID, OrderSide.BUY, QTY, px(mid * Decimal("0.96")))
        lit = f.limit_if_touched(BTC_ID, OrderSide.SELL, QTY, px(mid * Decimal("1.045")),
                                 px(mid * Decimal("1.04")), reduce_only=False)
        orders.update(far_stop=far_stop, stop_limit=stop_limit, firing=firing, mit=mit, lit=lit)
        for order in orders.values():
            s.submit_order(order)
        await until(lambda: far_stop.status == OrderStatus.ACCEPTED
                    and stop_limit.status == OrderStatus.ACCEPTED, "stops accepted")
        s.modify_order(far_stop, quantity=Quantity.from_str("0.00200"))
        await until(lambda: far_stop.quantity == Quantity.from_str("0.00200")
                    and far_stop.status == OrderStatus.ACCEPTED, "stop resized")
        await until(lambda: firing.status == OrderStatus.FILLED, "the firing stop filled")
        await until(lambda: mit.status == OrderStatus.ACCEPTED
                    and lit.status == OrderStatus.ACCEPTED, "take-profits accepted")
        for order in (far_stop, stop_limit, mit, lit):
            s.cancel_order(order)
        await until(lambda: all(o.status == OrderStatus.CANCELED
                                for o in (far_stop, stop_limit, mit, lit)), "stops canceled")

    run(nautilus_node, exchange, s, scenario)
    far = exchange.order_row(orders["far_stop"].client_order_id.value)
    assert far["type"] == "STOP_MARKET"
    assert Decimal(far["trigger_price"]) == orders["far_stop"].trigger_price.as_decimal()
    assert Decimal(far["size"]) == Decimal("0.002")
    limit_row = exchange.order_row(orders["stop_limit"].client_order_id.value)
    assert (limit_row["type"], limit_row["cancel_reason"]) == ("STOP_LIMIT", "USER_CANCELED")
    assert exchange.order_row(orders["mit"].client_order_id.value)["type"] == \
        "TAKE_PROFIT_MARKET"
    assert exchange.order_row(orders["lit"].client_order_id.value)["type"] == \
        "TAKE_PROFIT_LIMIT"
    firing = orders["firing"]
    assert [f.trade_id.value for f in s.events_of(firing.client_order_id, "OrderFilled")] == \
        [f["id"] for f in exchange.fills_of(firing.venue_order_id.value)]


def test_order_list_batch_cancel_and_cancel_all(exchange, nautilus_node):
    s = Recorder()
    orders: list[Any] = []

    async def scenario(node):
        mid = await asyncio.to_thread(exchange.mid)
        f = s.order_factory
        batch = [f.limit(BTC_ID, OrderSide.BUY, QTY, px(mid * Decimal(k)))
                 for k in ("0.97", "0.968", "0.966")]
        batch += [f.limit(BTC_ID, OrderSide.SELL, QTY, px(mid * Decimal(k)), post_only=True)
                  for k in ("1.03", "1.032")]
        orders.extend(batch)
        s.submit_order_list(f.create_list(batch))
        await until(lambda: all(o.status == OrderStatus.ACCEPTED for o in batch), "accepted")
        s.cancel_orders(batch[:2])  # BatchCancelOrders
        await until(lambda: all(o.status == OrderStatus.CANCELED for o in batch[:2]),
                    "batch canceled")
        assert all(o.status == OrderStatus.ACCEPTED for o in batch[2:])
        s.cancel_all_orders(BTC_ID, OrderSide.SELL)
        await until(lambda: all(o.status == OrderStatus.CANCELED for o in batch[3:]),
                    "sells canceled")
        assert batch[2].status == OrderStatus.ACCEPTED
        s.cancel_all_orders(BTC_ID)
        await until(lambda: batch[2].status == OrderStatus.CANCELED, "all canceled")

    run(nautilus_node, exchange, s, scenario)
    assert exchange.venue.open_orders(MARKET) == []
    for order in orders:
        row = exchange.order_row(order.client_order_id.value)
        assert (row["status"], row["cancel_reason"]) == ("CLOSED", "USER_CANCELED")


def test_dropped_private_stream_loses_no_fill(exchange, nautilus_node):
    s = Recorder()
    seen: dict[str, Any] = {}

    async def scenario(node):
        _, ask = await asyncio.to_thread(exchange.bbo)
        # Every private session is cut at its next fill frame: the fill of this order never
        # arrives on the stream, only through the REST snapshot after the reconnect, and the
        # first tries of that snapshot fail (503), so it has to be retried.
        await asyncio.to_thread(exchange.mock.fault, [
            {"kind": "ws_drop", "after": 0, "channel": "fills.ALL"},
            {"kind": "rest_status", "status": 503, "count": 8, "path": "/v1/fills"},
        ])
        buy = s.order_factory.limit(BTC_ID, OrderSide.BUY, QTY, px(ask * Decimal("1.01")),
                                    time_in_force=TimeInForce.IOC)
        s.submit_order(buy)
        await until(lambda: buy.status == OrderStatus.FILLED, "filled after the reconnect",
                    timeout=20.0)
        await asyncio.to_thread(exchange.mock.clear_faults)
        seen["buy"] = buy
        seen["fills"] = [f.trade_id.value for f in s.events_of(buy.client_order_id,
                                                               "OrderFilled")]
        # The stream is back: a second fill arrives live.
        _, ask = await asyncio.to_thread(exchange.bbo)
        sell = s.order_factory.market(BTC_ID, OrderSide.SELL, QTY)
        s.submit_order(sell)
        await until(lambda: sell.status == OrderStatus.FILLED, "live fill after recovery")

    run(nautilus_node, exchange, s, scenario)
    buy = seen["buy"]
    venue_fill_ids = [f["id"] for f in exchange.fills_of(buy.venue_order_id.value)]
    assert sorted(seen["fills"]) == sorted(venue_fill_ids)  # each fill once, none missing


def test_order_status_queries_and_account(exchange, nautilus_node):
    """What the in-flight check and `QueryOrder` rely on: one order found by either id, open or
    closed; unknown ids give None (never an exception); the account query refreshes balances."""
    from nautilus_trader.core.uuid import UUID4
    from nautilus_trader.execution.messages import GenerateOrderStatusReport
    from nautilus_trader.model.identifiers import ClientOrderId, VenueOrderId

    s = Recorder()
    seen: dict[str, Any] = {}

    async def scenario(node):
        mid = await asyncio.to_thread(exchange.mid)
        resting = s.order_factory.limit(BTC_ID, OrderSide.SELL, QTY, px(mid * Decimal("1.03")))
        s.submit_order(resting)
        await until(lambda: resting.status == OrderStatus.ACCEPTED, "accepted")
        client = next(iter(node.kernel.exec_engine.get_clients_for_orders([resting])))

        def query(client_order_id=None, venue_order_id=None):
            return client.generate_order_status_report(GenerateOrderStatusReport(
                instrument_id=BTC_ID, client_order_id=client_order_id,
                venue_order_id=venue_order_id, command_id=UUID4(),
                ts_init=s.clock.timestamp_ns()))

        seen["open_by_client"] = await query(client_order_id=resting.client_order_id)
        seen["open_by_venue"] = await query(venue_order_id=resting.venue_order_id)
        s.cancel_order(resting)
        await until(lambda: resting.status == OrderStatus.CANCELED, "canceled")
        seen["closed_by_client"] = await query(client_order_id=resting.client_order_id)
        seen["unknown"] = await query(client_order_id=ClientOrderId("O-NOT-THERE"),
                                      venue_order_id=VenueOrderId("1234567890123456789012345"))
        seen["resting"] = resting
        s.query_account(AccountId(f"PARADEX-{exchange.account}"))

    run(nautilus_node, exchange, s, scenario)
    resting = seen["resting"]
    for key in ("open_by_client", "open_by_venue"):
        report = seen[key]
        assert report is not None, key
        assert report.order_status == OrderStatus.ACCEPTED
        assert report.client_order_id == resting.client_order_id
        assert report.venue_order_id == resting.venue_order_id
        assert report.price == resting.price
    closed = seen["closed_by_client"]
    assert closed is not None and closed.order_status == OrderStatus.CANCELED
    assert closed.cancel_reason == "USER_CANCELED"
    assert seen["unknown"] is None


def test_create_timeout_is_resolved_by_client_id_never_duplicated(exchange, nautilus_node):
    """The exchange takes the order but its answer is held past the client's timeout: the
    client queries by client id, learns the order is live, and never sends it twice."""
    s = Recorder()
    seen: dict[str, Any] = {}

    async def scenario(node):
        mid = await asyncio.to_thread(exchange.mid)
        await asyncio.to_thread(exchange.mock.fault, {"kind": "rest_delay", "delay_ms": 1500,
                                                      "count": 1, "path": "/v1/orders"})
        order = s.order_factory.limit(BTC_ID, OrderSide.BUY, QTY, px(mid * Decimal("0.97")))
        s.submit_order(order)
        await until(lambda: order.status == OrderStatus.ACCEPTED, "accepted after the timeout")
        seen["order"] = order

    run(nautilus_node, exchange, s, scenario, config=exchange.config(timeout_ms=500))
    order = seen["order"]
    rows = [r for r in exchange.venue.orders_history(MARKET) + exchange.venue.open_orders(MARKET)
            if r.get("client_id") == order.client_order_id.value]
    assert {r["id"] for r in rows} == {order.venue_order_id.value}, "sent once, known once"


def test_order_placed_outside_the_node_is_reconciled_live(exchange, nautilus_node):
    """An order the node did not send (another process, the web UI) arrives on the private
    stream as a report: the engine adds it to the cache (claimed by the strategy), and its
    cancel is seen too."""
    from nautilus_trader.model.identifiers import ClientOrderId

    s = Recorder()
    seen: dict[str, Any] = {}

    async def scenario(node):
        mid = await asyncio.to_thread(exchange.mid)
        row = await asyncio.to_thread(exchange.venue.submit_order, {
            "market": MARKET, "side": "BUY", "type": "LIMIT", "size": "0.001",
            "price": str(px(mid * Decimal("0.97"))), "client_id": "outside-1",
            "instruction": "GTC"})
        outside = ClientOrderId("outside-1")
        await until(lambda: s.cache.order(outside) is not None
                    and s.cache.order(outside).status == OrderStatus.ACCEPTED,
                    "the outside order in the cache")
        seen["accepted"] = (s.cache.order(outside).venue_order_id.value,
                            s.cache.order(outside).strategy_id.value)
        await asyncio.to_thread(exchange.venue.cancel_order, row["id"])
        await until(lambda: s.cache.order(outside).status == OrderStatus.CANCELED,
                    "the outside cancel")
        seen["venue_id"] = row["id"]

    run(nautilus_node, exchange, s, scenario)
    assert seen["accepted"] == (seen["venue_id"], s.id.value)
