"""Paradex JSON and ring records → Nautilus objects.

Ring values are i64 mantissas at 1e-8 (`docs/ring-layout.md`); the Nautilus 1.221 wheel is
built with high precision (raw = value × 10^16), so a ring mantissa becomes a Nautilus raw by one
multiplication by 10^8, exactly, with no float or Decimal on the way.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from nautilus_trader.core.nautilus_pyo3 import HIGH_PRECISION
from nautilus_trader.model.data import OrderBookDelta, OrderBookDeltas
from nautilus_trader.model.enums import (
    AggressorSide,
    BookAction,
    CurrencyType,
    OrderSide,
    RecordFlag,
)
from nautilus_trader.model.identifiers import InstrumentId, Symbol
from nautilus_trader.model.instruments import CryptoPerpetual
from nautilus_trader.model.objects import Currency, Money, Price, Quantity

from paradex_core.nautilus.common import DEFAULT_MAKER_FEE, DEFAULT_TAKER_FEE, PARADEX_VENUE

if not HIGH_PRECISION:  # pragma: no cover - the pinned wheel is high precision
    raise ImportError("paradex_core.nautilus needs the high-precision nautilus_trader build "
                      "(raw values scaled by 10^16)")

RING_TO_RAW = 10**8
"""Ring mantissa (1e-8) → Nautilus raw (1e-16)."""
RING_SCALE = Decimal("1e-8")
NULL_VALUE = -(2**63)
"""`i64::MIN`: the ring's "no value" (an empty book side, an unknown rate)."""

SIDE_BUY = 1
SIDE_SELL = 2

BOOK_SNAPSHOT_BEGIN = 1
BOOK_END_OF_UPDATE = 2
BOOK_INVALIDATED = 4

F_LAST = int(RecordFlag.F_LAST)
F_SNAPSHOT = int(RecordFlag.F_SNAPSHOT)

AGGRESSOR = {SIDE_BUY: AggressorSide.BUYER, SIDE_SELL: AggressorSide.SELLER}
BOOK_SIDE = {SIDE_BUY: OrderSide.BUY, SIDE_SELL: OrderSide.SELL}


def instrument_id_of(market: str) -> InstrumentId:
    """`BTC-USD-PERP` → `BTC-USD-PERP.PARADEX`."""
    return InstrumentId(Symbol(market), PARADEX_VENUE)


def decimal_precision(value: Decimal) -> int:
    """Digits after the point of a tick or step, ignoring trailing zeros ("0.10" → 1, "10" → 0)."""
    exponent = value.normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _decimal(row: dict[str, Any], key: str) -> Decimal | None:
    value = row.get(key)
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        raise ValueError(f"market {row.get('symbol')!r}: {key}={value!r} is not a decimal") from None


def _required(row: dict[str, Any], key: str) -> Decimal:
    value = _decimal(row, key)
    if value is None:
        raise ValueError(f"market {row.get('symbol')!r} has no {key}")
    return value


def currency_of(code: str) -> Currency:
    """A known Nautilus currency, or a new crypto currency (8 decimals, Paradex's precision)."""
    currency = Currency.from_str(code, strict=True)
    if currency is None:
        currency = Currency(code, 8, 0, code, CurrencyType.CRYPTO)
        Currency.register(currency, overwrite=False)
    return currency


def fees_of(row: dict[str, Any], maker_default: Decimal = DEFAULT_MAKER_FEE,
            taker_default: Decimal = DEFAULT_TAKER_FEE) -> tuple[Decimal, Decimal]:
    """Maker and taker rates: the market's `fee_config` when it publishes them (API fees first),
    else the defaults (Paradex fees are per account; see `common.DEFAULT_*_FEE`)."""
    config = row.get("fee_config")
    if isinstance(config, dict):
        for scope in ("api_fee", "fee", None):
            source = config.get(scope) if scope else config
            if isinstance(source, dict):
                maker, taker = _decimal(source, "maker_fee"), _decimal(source, "taker_fee")
                if maker is not None and taker is not None:
                    return maker, taker
    return maker_default, taker_default


def parse_perpetual(row: dict[str, Any], ts_init: int, maker_fee: Decimal = DEFAULT_MAKER_FEE,
                    taker_fee: Decimal = DEFAULT_TAKER_FEE) -> CryptoPerpetual | None:
    """A `/markets` row → `CryptoPerpetual`; None for markets that are not perpetuals
    (options, spot). Raises `ValueError` naming the field for a malformed row.

    Paradex quotes in USD and settles in USDC; Nautilus 1.221 therefore flags the instrument
    quanto and computes notional and PnL in USDC (adapter-notes §3, fact 7).
    """
    if row.get("asset_kind") != "PERP":
        return None
    symbol = row.get("symbol")
    if not symbol or not isinstance(symbol, str):
        raise ValueError(f"market row without a symbol: {row!r}")
    tick = _required(row, "price_tick_size")
    step = _required(row, "order_size_increment")
    if tick <= 0 or step <= 0:
        raise ValueError(f"market {symbol!r}: non-positive tick {tick} or step {step}")
    price_precision = decimal_precision(tick)
    size_precision = decimal_precision(step)
    base = currency_of(row.get("base_currency") or symbol.split("-")[0])
    quote = currency_of(row.get("quote_currency") or "USD")
    settlement = currency_of(row.get("settlement_currency") or "USDC")
    # The cost currency of a 1.221 quanto perp is its settlement currency (USDC).
    notional_currency = settlement if settlement not in (base, quote) else quote
    min_notional = _decimal(row, "min_notional")
    max_order_size = _decimal(row, "max_order_size")
    margin = row.get("delta1_cross_margin_params") or {}
    imf_base = _decimal(margin, "imf_base") if isinstance(margin, dict) else None
    mmf_factor = _decimal(margin, "mmf_factor") if isinstance(margin, dict) else None
    market_maker, market_taker = fees_of(row, maker_fee, taker_fee)
    return CryptoPerpetual(
        instrument_id=instrument_id_of(symbol),
        raw_symbol=Symbol(symbol),
        base_currency=base,
        quote_currency=quote,
        settlement_currency=settlement,
        is_inverse=False,
        price_precision=price_precision,
        size_precision=size_precision,
        price_increment=Price(tick, price_precision),
        size_increment=Quantity(step, size_precision),
        ts_event=ts_init,
        ts_init=ts_init,
        multiplier=Quantity.from_int(1),
        max_quantity=Quantity(max_order_size, size_precision) if max_order_size else None,
        # Paradex has no minimum size apart from the step and the minimum notional.
        min_quantity=Quantity(step, size_precision),
        min_notional=Money(min_notional, notional_currency) if min_notional else None,
        # Initial margin fraction = imf_base (for small positions); maintenance is the
        # `mmf_factor` fraction of the initial margin.
        margin_init=imf_base if imf_base is not None else Decimal(0),
        margin_maint=(imf_base * mmf_factor) if imf_base is not None and mmf_factor is not None
        else Decimal(0),
        maker_fee=market_maker,
        taker_fee=market_taker,
        info=dict(row),
    )


def ring_decimal(mantissa: int) -> Decimal | None:
    """An exact Decimal of a ring mantissa; None for the null value."""
    return None if mantissa == NULL_VALUE else Decimal(mantissa).scaleb(-8)


def decimal_to_ring(value: str | Decimal) -> int:
    """An exchange decimal string → ring mantissa (exact; rejects finer than 1e-8)."""
    scaled = Decimal(value).scaleb(8)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{value} has more than 8 decimals")
    return int(scaled)



def snapshot_deltas(instrument_id: InstrumentId, price_precision: int, size_precision: int,
                    bids: Iterable[tuple[int, int]], asks: Iterable[tuple[int, int]], seq: int,
                    ts_event: int, ts_init: int) -> OrderBookDeltas:
    """A whole book (levels as ring mantissas) as one snapshot: CLEAR, then an ADD per level,
    all flagged `F_SNAPSHOT`, the last delta also `F_LAST`."""
    levels = [(OrderSide.BUY, p, s) for p, s in bids if s > 0]
    levels += [(OrderSide.SELL, p, s) for p, s in asks if s > 0]
    deltas = [OrderBookDelta(instrument_id, BookAction.CLEAR, None,
                             F_SNAPSHOT if levels else F_SNAPSHOT | F_LAST, seq, ts_event,
                             ts_init)]
    last = len(levels) - 1
    for i, (side, price, size) in enumerate(levels):
        deltas.append(OrderBookDelta.from_raw(
            instrument_id, BookAction.ADD, side, price * RING_TO_RAW, price_precision,
            size * RING_TO_RAW, size_precision, 0,
            F_SNAPSHOT | F_LAST if i == last else F_SNAPSHOT, seq, ts_event, ts_init))
    return OrderBookDeltas(instrument_id, deltas)
