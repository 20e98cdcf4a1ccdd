"""REST answers (trades, order books) → Nautilus objects for `ParadexDataClient` requests."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from nautilus_trader.model.data import OrderBookDeltas, TradeTick
from nautilus_trader.model.enums import AggressorSide
from nautilus_trader.model.identifiers import TradeId
from nautilus_trader.model.instruments import Instrument
from nautilus_trader.model.objects import Price, Quantity

from paradex_core.nautilus.parsing import decimal_to_ring, snapshot_deltas

MAX_TRADE_ID = 36
"""Nautilus `TradeId` limit."""

_AGGRESSOR = {"BUY": AggressorSide.BUYER, "SELL": AggressorSide.SELLER}


def to_ms(value: datetime | None) -> int | None:
    """A request bound (tz-aware datetime / pandas Timestamp) → Unix ms."""
    if value is None:
        return None
    return int(value.timestamp() * 1000)


def parse_trade_rows(rows: list[dict[str, Any]], instrument: Instrument,
                     ts_init: int) -> list[TradeTick]:
    """`GET /trades` rows → TradeTicks in time order (the exchange pages newest first).
    Prices and sizes keep the exchange's exact decimals."""
    ticks = []
    iid = instrument.id
    pp, sp = instrument.price_precision, instrument.size_precision
    for row in rows:
        try:
            trade_id = str(row["id"])[-MAX_TRADE_ID:]
            ts = int(row["created_at"]) * 1_000_000
            ticks.append(TradeTick(
                iid,
                Price(Decimal(row["price"]), pp),
                Quantity(Decimal(row["size"]), sp),
                _AGGRESSOR.get(row.get("side"), AggressorSide.NO_AGGRESSOR),
                TradeId(trade_id),
                ts,
                ts_init,
            ))
        except (KeyError, ValueError, ArithmeticError, TypeError) as e:
            raise ValueError(f"malformed Paradex trade {row!r}: {e}") from None
    ticks.sort(key=lambda t: (t.ts_event, t.trade_id.value))
    return ticks


def parse_rest_book(book: dict[str, Any]) -> tuple[int, list[tuple[int, int]],
                                                   list[tuple[int, int]], int]:
    """`GET /orderbook/{market}` → (seq_no, bids, asks, ts_event ns), levels as ring
    mantissas (1e-8), best first."""
    try:
        seq = int(book["seq_no"])
        bids = [(decimal_to_ring(p), decimal_to_ring(s)) for p, s in book.get("bids", [])]
        asks = [(decimal_to_ring(p), decimal_to_ring(s)) for p, s in book.get("asks", [])]
        ts = int(book.get("last_updated_at") or 0) * 1_000_000
    except (KeyError, ValueError, ArithmeticError, TypeError) as e:
        raise ValueError(f"malformed Paradex order book: {e}") from None
    return seq, bids, asks, ts


def book_snapshot_deltas(book: dict[str, Any], instrument: Instrument,
                         ts_init: int) -> OrderBookDeltas:
    """A REST order book as one snapshot (see `parsing.snapshot_deltas`)."""
    seq, bids, asks, ts = parse_rest_book(book)
    return snapshot_deltas(instrument.id, instrument.price_precision, instrument.size_precision,
                           bids, asks, seq, ts, ts_init)
