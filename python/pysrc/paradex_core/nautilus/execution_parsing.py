"""Paradex execution JSON <-> NautilusTrader orders, reports and account balances.

Pure functions, no I/O: the exec client feeds them the exchange's JSON rows (every decimal an
exact string, ids as strings) and gets Nautilus objects back. Quantities, prices and money are
built from the decimal text through fixed-point raw values, never through a float.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from nautilus_trader.core.uuid import UUID4
from nautilus_trader.execution.reports import FillReport, OrderStatusReport, PositionStatusReport
from nautilus_trader.model.currencies import USDC
from nautilus_trader.model.enums import (
    LiquiditySide,
    OrderSide,
    OrderStatus,
    OrderType,
    PositionSide,
    TimeInForce,
    TriggerType,
)
from nautilus_trader.model.identifiers import (
    AccountId,
    ClientOrderId,
    InstrumentId,
    Symbol,
    TradeId,
    VenueOrderId,
)
from nautilus_trader.model.instruments import Instrument
from nautilus_trader.model.objects import (
    FIXED_PRECISION,
    AccountBalance,
    Currency,
    MarginBalance,
    Money,
    Price,
    Quantity,
)
from nautilus_trader.model.orders import Order

from paradex_core.nautilus.common import PARADEX_VENUE

MAX_CLIENT_ID_LEN = 64
"""Paradex refuses longer `client_id`s."""
MAX_TRADE_ID_LEN = 36
"""Nautilus `TradeId` limit."""

# Paradex closes an order that never reached the book for these reasons; for Nautilus that is a
# rejection (the venue refused it), not a cancel.
REJECT_REASONS = frozenset({
    "POST_ONLY_WOULD_CROSS",
    "NOT_ENOUGH_MARGIN",
    "REDUCE_ONLY_WOULD_INCREASE",
})
POST_ONLY_REJECT = "POST_ONLY_WOULD_CROSS"

_SCALE = 10 ** FIXED_PRECISION
_NS_PER_MS = 1_000_000

_TYPE_TO_PARADEX = {
    OrderType.LIMIT: "LIMIT",
    OrderType.MARKET: "MARKET",
    OrderType.STOP_LIMIT: "STOP_LIMIT",
    OrderType.STOP_MARKET: "STOP_MARKET",
    # Nautilus "if touched" orders fire when the price reaches the trigger from the favourable
    # side: Paradex's take-profit orders.
    OrderType.LIMIT_IF_TOUCHED: "TAKE_PROFIT_LIMIT",
    OrderType.MARKET_IF_TOUCHED: "TAKE_PROFIT_MARKET",
}
_TYPE_FROM_PARADEX = {
    "LIMIT": OrderType.LIMIT,
    "MARKET": OrderType.MARKET,
    "STOP_LIMIT": OrderType.STOP_LIMIT,
    "STOP_MARKET": OrderType.STOP_MARKET,
    "STOP_LOSS_LIMIT": OrderType.STOP_LIMIT,
    "STOP_LOSS_MARKET": OrderType.STOP_MARKET,
    "TAKE_PROFIT_LIMIT": OrderType.LIMIT_IF_TOUCHED,
    "TAKE_PROFIT_MARKET": OrderType.MARKET_IF_TOUCHED,
}
_TRIGGERED_TYPES = frozenset({
    OrderType.STOP_LIMIT, OrderType.STOP_MARKET,
    OrderType.LIMIT_IF_TOUCHED, OrderType.MARKET_IF_TOUCHED,
})
_LIMIT_PRICED_TYPES = frozenset({
    OrderType.LIMIT, OrderType.STOP_LIMIT, OrderType.LIMIT_IF_TOUCHED,
})
_TIF_TO_PARADEX = {TimeInForce.GTC: "GTC", TimeInForce.IOC: "IOC"}
_SIDE_TO_PARADEX = {OrderSide.BUY: "BUY", OrderSide.SELL: "SELL"}
_SIDE_FROM_PARADEX = {"BUY": OrderSide.BUY, "SELL": OrderSide.SELL}


class UnsupportedOrderError(ValueError):
    """An order Paradex cannot take (the message says why); the client denies it."""


class ParseError(ValueError):
    """An exchange row without a field the report needs."""


# --- scalars -----------------------------------------------------------------------------------


def decimal_or_none(value: Any) -> Decimal | None:
    """Paradex decimal text as a Decimal; `""`/None (Paradex's "absent") gives None."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ParseError(f"not a decimal: {value!r}") from None


def required_decimal(row: dict[str, Any], key: str) -> Decimal:
    value = decimal_or_none(row.get(key))
    if value is None:
        raise ParseError(f"exchange row has no {key!r}: {_short(row)}")
    return value


def quantity(value: Decimal, precision: int) -> Quantity:
    """An exact `Quantity` (fixed-point raw, no float) at the instrument's precision."""
    return Quantity.from_raw(int(value.quantize(Decimal(1).scaleb(-precision)) * _SCALE),
                             precision)


def price(value: Decimal, precision: int) -> Price:
    """An exact `Price` at the instrument's precision."""
    return Price.from_raw(int(value.quantize(Decimal(1).scaleb(-precision)) * _SCALE), precision)


def money(value: Decimal, currency: Currency) -> Money:
    """An exact `Money` (rounded to the currency's precision)."""
    quantum = Decimal(1).scaleb(-currency.precision)
    return Money.from_raw(int(value.quantize(quantum) * _SCALE), currency)


def currency_of(code: str | None) -> Currency:
    """Paradex settles in USDC; other codes resolve through Nautilus's currency table."""
    if not code or code == "USDC":
        return USDC
    return Currency.from_str(code)


def ms_to_ns(ms: Any) -> int:
    """Paradex millisecond timestamps (an int, or an int as text) in nanoseconds; 0 if absent."""
    if ms is None or ms == "":
        return 0
    return int(ms) * _NS_PER_MS


def instrument_id_of(market: str) -> InstrumentId:
    return InstrumentId(Symbol(market), PARADEX_VENUE)


def _short(row: dict[str, Any]) -> str:
    text = repr(row)
    return text if len(text) < 200 else text[:200] + "..."


# --- Nautilus order -> Paradex order request ---------------------------------------------------


def order_request(order: Order, market: str) -> dict[str, Any]:
    """The `ExecClient.submit_order` dict for a Nautilus order.

    Raises `UnsupportedOrderError` (with the reason, for `OrderDenied`) for what Paradex lacks:
    FOK/GTD/DAY/at-the-open/close, quote-quantity, iceberg (display quantity), trailing stops,
    trigger sources other than the mark price, post-only with IOC, client ids over 64 chars.
    """
    paradex_type = _TYPE_TO_PARADEX.get(order.order_type)
    if paradex_type is None:
        raise UnsupportedOrderError(
            f"Paradex has no {order.type_string()} orders (supported: LIMIT, MARKET, STOP_MARKET, "
            "STOP_LIMIT, MARKET_IF_TOUCHED, LIMIT_IF_TOUCHED)")
    instruction = _TIF_TO_PARADEX.get(order.time_in_force)
    if instruction is None:
        raise UnsupportedOrderError(
            f"Paradex has no time in force {order.tif_string()} (supported: GTC, IOC)")
    if order.is_post_only:
        if order.time_in_force != TimeInForce.GTC or order.order_type not in _LIMIT_PRICED_TYPES:
            raise UnsupportedOrderError("post-only needs a GTC limit-priced order on Paradex")
        instruction = "POST_ONLY"
    if order.is_quote_quantity:
        raise UnsupportedOrderError("Paradex order sizes are in the base currency "
                                    "(quote-quantity orders are not supported)")
    if getattr(order, "display_qty", None) is not None:
        raise UnsupportedOrderError("Paradex has no iceberg orders (display_qty)")
    client_id = order.client_order_id.value
    if len(client_id) > MAX_CLIENT_ID_LEN:
        raise UnsupportedOrderError(
            f"client order id longer than Paradex's {MAX_CLIENT_ID_LEN} characters")
    request: dict[str, Any] = {
        "market": market,
        "side": _SIDE_TO_PARADEX[order.side],
        "type": paradex_type,
        "size": str(order.quantity),
        "price": str(order.price) if order.order_type in _LIMIT_PRICED_TYPES else None,
        "client_id": client_id,
        "instruction": instruction,
        "reduce_only": bool(order.is_reduce_only),
        "trigger_price": None,
    }
    if order.order_type in _TRIGGERED_TYPES:
        if order.trigger_type not in (TriggerType.DEFAULT, TriggerType.MARK_PRICE):
            raise UnsupportedOrderError(
                "Paradex triggers stop and take-profit orders on the mark price only "
                "(use TriggerType.DEFAULT or MARK_PRICE)")
        request["trigger_price"] = str(order.trigger_price)
    return request


def modify_request(order: Order, market: str, quantity_: Quantity | None, price_: Price | None,
                   trigger_price: Price | None) -> dict[str, Any]:
    """The `ExecClient.modify_order` dict: Paradex wants the whole order (market, side and type
    unchanged, the new size and price)."""
    paradex_type = _TYPE_TO_PARADEX.get(order.order_type)
    if paradex_type is None:
        raise UnsupportedOrderError(f"cannot modify a {order.type_string()} order on Paradex")
    new_price = price_ if price_ is not None else getattr(order, "price", None)
    new_trigger = trigger_price if trigger_price is not None else getattr(order, "trigger_price",
                                                                         None)
    request: dict[str, Any] = {
        "market": market,
        "side": _SIDE_TO_PARADEX[order.side],
        "type": paradex_type,
        "size": str(quantity_ if quantity_ is not None else order.quantity),
        "price": str(new_price) if order.order_type in _LIMIT_PRICED_TYPES else None,
        "client_id": order.client_order_id.value,
        "trigger_price": str(new_trigger) if order.order_type in _TRIGGERED_TYPES else None,
    }
    return request


# --- Paradex order row -> status ---------------------------------------------------------------


def order_type_of(row: dict[str, Any]) -> OrderType:
    try:
        return _TYPE_FROM_PARADEX[row["type"]]
    except KeyError:
        raise ParseError(f"unknown Paradex order type in {_short(row)}") from None


def order_side_of(row: dict[str, Any]) -> OrderSide:
    try:
        return _SIDE_FROM_PARADEX[row["side"]]
    except KeyError:
        raise ParseError(f"unknown Paradex side in {_short(row)}") from None


def filled_size(row: dict[str, Any]) -> Decimal:
    """Executed size of an order row: `size - remaining_size` (Paradex keeps the unfilled
    remainder on a cancelled order)."""
    size = required_decimal(row, "size")
    remaining = decimal_or_none(row.get("remaining_size"))
    return size if remaining is None else max(size - remaining, Decimal(0))


def is_post_only(row: dict[str, Any]) -> bool:
    return row.get("instruction") == "POST_ONLY"


def is_reduce_only(row: dict[str, Any]) -> bool:
    return "REDUCE_ONLY" in (row.get("flags") or ())


def cancel_reason(row: dict[str, Any]) -> str:
    return row.get("cancel_reason") or ""


def order_status_of(row: dict[str, Any]) -> OrderStatus:
    """Nautilus status of a Paradex order row.

    NEW/OPEN rest on the venue (ACCEPTED, or PARTIALLY_FILLED once something executed; an OPEN
    stop-limit has been triggered), UNTRIGGERED waits for its trigger (ACCEPTED). CLOSED is
    FILLED when nothing remains, REJECTED when the venue refused it before it traded (post-only
    would cross, margin, reduce-only), otherwise CANCELED.
    """
    status = row.get("status")
    filled = filled_size(row)
    size = required_decimal(row, "size")
    if status == "CLOSED":
        if filled >= size:
            return OrderStatus.FILLED
        if filled == 0 and cancel_reason(row) in REJECT_REASONS:
            return OrderStatus.REJECTED
        return OrderStatus.CANCELED
    if status in ("NEW", "OPEN", "UNTRIGGERED"):
        if filled > 0:
            return OrderStatus.PARTIALLY_FILLED
        if status == "OPEN" and order_type_of(row) in (OrderType.STOP_LIMIT,
                                                       OrderType.LIMIT_IF_TOUCHED):
            return OrderStatus.TRIGGERED
        return OrderStatus.ACCEPTED
    raise ParseError(f"unknown Paradex order status {status!r}")


def client_order_id_of(row: dict[str, Any]) -> ClientOrderId | None:
    client_id = row.get("client_id")
    return ClientOrderId(client_id) if client_id else None


def order_status_report(row: dict[str, Any], instrument: Instrument, account_id: AccountId,
                        ts_init: int) -> OrderStatusReport:
    """An `OrderStatusReport` for a Paradex order row (open or history)."""
    order_type = order_type_of(row)
    status = order_status_of(row)
    size = required_decimal(row, "size")
    filled = filled_size(row)
    limit_px = decimal_or_none(row.get("price"))
    trigger_px = decimal_or_none(row.get("trigger_price"))
    has_trigger = order_type in _TRIGGERED_TYPES and trigger_px is not None and trigger_px > 0
    avg_px = decimal_or_none(row.get("avg_fill_price"))
    instruction = row.get("instruction") or "GTC"
    reason = cancel_reason(row)
    ts_last = ms_to_ns(row.get("last_updated_at"))
    return OrderStatusReport(
        account_id=account_id,
        instrument_id=instrument.id,
        venue_order_id=VenueOrderId(str(row["id"])),
        client_order_id=client_order_id_of(row),
        order_side=order_side_of(row),
        order_type=order_type,
        time_in_force=TimeInForce.IOC if instruction == "IOC" else TimeInForce.GTC,
        order_status=status,
        quantity=quantity(size, instrument.size_precision),
        filled_qty=quantity(filled, instrument.size_precision),
        avg_px=avg_px if filled > 0 and avg_px else None,
        price=(price(limit_px, instrument.price_precision)
               if order_type in _LIMIT_PRICED_TYPES and limit_px else None),
        trigger_price=price(trigger_px, instrument.price_precision) if has_trigger else None,
        trigger_type=TriggerType.MARK_PRICE if has_trigger else TriggerType.NO_TRIGGER,
        post_only=is_post_only(row),
        reduce_only=is_reduce_only(row),
        cancel_reason=reason or None,
        report_id=UUID4(),
        ts_accepted=ms_to_ns(row.get("created_at")),
        ts_last=ts_last,
        ts_init=ts_init,
    )


# --- fills -------------------------------------------------------------------------------------


def trade_id_of(row: dict[str, Any]) -> TradeId:
    """The Paradex fill id (about 28 digits): stable, unique, within Nautilus's 36 chars."""
    fill_id = str(row.get("id") or "")
    if not fill_id or len(fill_id) > MAX_TRADE_ID_LEN:
        raise ParseError(f"fill without a usable id: {_short(row)}")
    return TradeId(fill_id)


def liquidity_side_of(row: dict[str, Any]) -> LiquiditySide:
    liquidity = row.get("liquidity")
    if liquidity == "MAKER":
        return LiquiditySide.MAKER
    if liquidity == "TAKER":
        return LiquiditySide.TAKER
    return LiquiditySide.NO_LIQUIDITY_SIDE


def fill_commission(row: dict[str, Any]) -> Money:
    """The fee as Nautilus commission: same sign convention (positive paid, negative rebate),
    in the fee's own currency (USDC on Paradex)."""
    fee = decimal_or_none(row.get("fee")) or Decimal(0)
    return money(fee, currency_of(row.get("fee_currency")))


def fill_report(row: dict[str, Any], instrument: Instrument, account_id: AccountId,
                ts_init: int) -> FillReport:
    """A `FillReport` for a Paradex fill row; its `venue_order_id` is the fill's `order_id`,
    the same id the order's report carries."""
    return FillReport(
        account_id=account_id,
        instrument_id=instrument.id,
        venue_order_id=VenueOrderId(str(row["order_id"])),
        client_order_id=client_order_id_of(row),
        trade_id=trade_id_of(row),
        order_side=order_side_of(row),
        last_qty=quantity(required_decimal(row, "size"), instrument.size_precision),
        last_px=price(required_decimal(row, "price"), instrument.price_precision),
        commission=fill_commission(row),
        liquidity_side=liquidity_side_of(row),
        report_id=UUID4(),
        ts_event=ms_to_ns(row.get("created_at")),
        ts_init=ts_init,
    )


# --- positions and account ---------------------------------------------------------------------


def position_status_report(row: dict[str, Any], instrument: Instrument, account_id: AccountId,
                           ts_init: int) -> PositionStatusReport:
    """One NETTING position report (no `venue_position_id`), with `avg_px_open`."""
    size = decimal_or_none(row.get("size")) or Decimal(0)
    if row.get("status") == "CLOSED":
        size = Decimal(0)
    if size > 0:
        side = PositionSide.LONG
    elif size < 0:
        side = PositionSide.SHORT
    else:
        side = PositionSide.FLAT
    avg_px = decimal_or_none(row.get("average_entry_price"))
    return PositionStatusReport(
        account_id=account_id,
        instrument_id=instrument.id,
        position_side=side,
        quantity=quantity(abs(size), instrument.size_precision),
        avg_px_open=avg_px if side != PositionSide.FLAT and avg_px else None,
        report_id=UUID4(),
        ts_last=ms_to_ns(row.get("last_updated_at")),
        ts_init=ts_init,
    )


def account_balances(summary: dict[str, Any] | None,
                     balances: list[dict[str, Any]] | None) -> tuple[list[AccountBalance],
                                                                     list[MarginBalance]]:
    """USDC margin balance from the account summary (`account_value` total, `free_collateral`
    free, the rest locked as margin), falling back to the `/balance` rows when no summary.

    Returns the balances and the margins. Paradex margins are account-wide (cross margin), while
    a Nautilus `MarginBalance` belongs to one instrument, so no margins are reported: the locked
    part of the balance carries the requirement (the summary goes in the event's `info`)."""
    currency = USDC
    if summary:
        currency = currency_of(summary.get("settlement_asset"))
        total = decimal_or_none(summary.get("account_value"))
        if total is None:
            total = decimal_or_none(summary.get("total_collateral")) or Decimal(0)
        free = decimal_or_none(summary.get("free_collateral"))
        free = total if free is None else free
        total_m = money(max(total, Decimal(0)), currency)
        free_m = money(min(max(free, Decimal(0)), total_m.as_decimal()), currency)
        locked_m = money(total_m.as_decimal() - free_m.as_decimal(), currency)
        return [AccountBalance(total_m, locked_m, free_m)], []
    result = []
    for row in balances or ():
        code = currency_of(row.get("token"))
        size = money(max(decimal_or_none(row.get("size")) or Decimal(0), Decimal(0)), code)
        result.append(AccountBalance(size, money(Decimal(0), code), size))
    if not result:
        zero = money(Decimal(0), currency)
        result.append(AccountBalance(zero, zero, zero))
    return result, []
