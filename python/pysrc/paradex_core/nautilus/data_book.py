"""Order books rebuilt from the `book_level` ring, turned into Nautilus deltas and depth snapshots.

Owned by the book reader thread of `ParadexDataClient`: nothing here is touched by another
thread. A book is kept only for markets with a Nautilus book subscription (deltas or depth).

Each book mirrors the exchange's levels (ring mantissas, 1e-8) and the exchange sequence of
the last update applied. A book is *valid* once it holds a whole snapshot:
- from the ring (`SNAPSHOT_BEGIN` … `END_OF_UPDATE`: the feed's own snapshot after (re)connects);
- or from a REST `/orderbook` snapshot (a subscription that starts mid-stream, an attached
  feed, a lapped reader), with the ring updates that arrived meanwhile replayed on top
  (those at or below the snapshot's `seq_no` are already in it).
An update whose sequence skips one invalidates the book and asks for a new REST snapshot.
Every time a book becomes valid it is published as a snapshot: a CLEAR delta then one ADD per
level, all flagged `F_SNAPSHOT`, the last also `F_LAST`. Updates are published as one
`OrderBookDeltas` per exchange update, `F_LAST` on its last delta. When a book becomes invalid
(the feed's `INVALIDATED` marker, a gap, a lap) a lone CLEAR delta (`F_LAST`) empties the
subscribers' book until the fresh snapshot arrives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from nautilus_trader.model.data import (
    BookOrder,
    OrderBookDelta,
    OrderBookDeltas,
    OrderBookDepth10,
)
from nautilus_trader.model.enums import BookAction, OrderSide
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.objects import Price, Quantity

from paradex_core.nautilus.parsing import (
    BOOK_END_OF_UPDATE,
    BOOK_INVALIDATED,
    BOOK_SNAPSHOT_BEGIN,
    F_LAST,
    F_SNAPSHOT,
    RING_TO_RAW,
    SIDE_BUY,
    SIDE_SELL,
    snapshot_deltas,
)

DEPTH10 = 10


@dataclass
class BookTarget:
    """Where a market's book goes: its instrument and precisions, and which views are wanted."""

    instrument_id: InstrumentId
    price_precision: int
    size_precision: int
    deltas: bool = False
    depth: bool = False


@dataclass
class MarketBook:
    """One market's mirrored levels and sync state."""

    target: BookTarget
    bids: dict[int, int] = field(default_factory=dict)
    asks: dict[int, int] = field(default_factory=dict)
    valid: bool = False
    last_seq: int = -1
    in_ring_snapshot: bool = False
    awaiting_rest: bool = False
    rest_attempts: int = 0
    buffered: list[tuple] = field(default_factory=list)
    pending: list[tuple[int, int, int]] = field(default_factory=list)  # (side, price, size)
    update_seq: int = -1


class BookSync:
    """Applies book-ring records and REST snapshots; calls `emit(data)` for each Nautilus
    object and `want_snapshot(market_id, instrument_id)` when a REST snapshot is needed.

    Counters (read by the client's health log): `snapshots_ring`, `snapshots_rest`, `gaps`,
    `invalidations`, `laps`, `stale_dropped`, `rest_rejected`.
    """

    MAX_BUFFERED = 100_000

    def __init__(self, emit: Callable[[object], None],
                 want_snapshot: Callable[[int, InstrumentId], None],
                 clock_ns: Callable[[], int]):
        self._emit = emit
        self._want_snapshot = want_snapshot
        self._clock_ns = clock_ns
        self.books: dict[int, MarketBook] = {}
        self.snapshots_ring = 0
        self.snapshots_rest = 0
        self.gaps = 0
        self.invalidations = 0
        self.laps = 0
        self.stale_dropped = 0
        self.rest_rejected = 0
        self._null_order = BookOrder(OrderSide.NO_ORDER_SIDE, Price.from_raw(0, 0),
                                     Quantity.from_raw(0, 0), 0)

    # -- subscriptions ---------------------------------------------------------------------

    def subscribe(self, market_id: int, target: BookTarget) -> None:
        book = self.books.get(market_id)
        if book is None:
            book = MarketBook(target=target)
            self.books[market_id] = book
            self._request_rest(market_id, book)
            return
        was_deltas, was_depth = book.target.deltas, book.target.depth
        book.target = target
        if book.valid and ((target.deltas and not was_deltas) or (target.depth and not was_depth)):
            self._publish_snapshot(book, book.last_seq, 0, only_new=(was_deltas, was_depth))

    def unsubscribe(self, market_id: int, deltas: bool, depth: bool) -> None:
        book = self.books.get(market_id)
        if book is None:
            return
        if deltas:
            book.target.deltas = False
        if depth:
            book.target.depth = False
        if not book.target.deltas and not book.target.depth:
            del self.books[market_id]

    # -- ring records ----------------------------------------------------------------------

    def on_records(self, rows: list[tuple], ts_offset: int) -> None:
        """`rows`: `book_level` records as tuples (ts_exchange, ts_recv, market_id, side, flags,
        price, size, seq, reserved)."""
        books = self.books
        for row in rows:
            book = books.get(row[2])
            if book is not None:
                self._on_record(row[2], book, row, ts_offset)

    def _on_record(self, market_id: int, book: MarketBook, row: tuple, ts_offset: int) -> None:
        ts_exchange, ts_recv, _, side, flags, price, size, seq, _ = row
        if flags & BOOK_INVALIDATED:
            self.invalidations += 1
            # The feed resnapshots by itself after a gap; the REST path is the fallback when
            # the next update arrives without that snapshot.
            self._invalidate(book, ts_exchange, ts_recv + ts_offset)
            return
        if flags & BOOK_SNAPSHOT_BEGIN:
            book.bids.clear()
            book.asks.clear()
            book.in_ring_snapshot = True
            book.valid = False
            book.awaiting_rest = False
            book.buffered.clear()
            book.pending.clear()
        if book.in_ring_snapshot:
            _set_level(book, side, price, size)
            if flags & BOOK_END_OF_UPDATE:
                book.in_ring_snapshot = False
                book.valid = True
                book.last_seq = seq
                book.rest_attempts = 0
                self.snapshots_ring += 1
                self._publish_snapshot(book, seq, ts_exchange, ts_recv + ts_offset)
            return
        if not book.valid:
            if len(book.buffered) < self.MAX_BUFFERED:
                book.buffered.append(row)
            if not book.awaiting_rest:
                self._request_rest(market_id, book)
            return
        if seq <= book.last_seq and book.update_seq != seq:
            self.stale_dropped += 1  # already in the snapshot the book was built from
            return
        if book.update_seq != seq and seq != book.last_seq + 1:
            self.gaps += 1
            self._invalidate(book, ts_exchange, ts_recv + ts_offset)
            book.buffered.append(row)
            self._request_rest(market_id, book)
            return
        book.update_seq = seq
        if side == SIDE_BUY or side == SIDE_SELL:
            _set_level(book, side, price, size)
            if book.target.deltas:
                book.pending.append((side, price, size))
        if flags & BOOK_END_OF_UPDATE:
            book.last_seq = seq
            book.update_seq = -1
            ts_init = ts_recv + ts_offset
            if book.pending:
                self._publish_deltas(book, seq, ts_exchange, ts_init)
            if book.target.depth:
                self._emit(self._depth10(book, seq, ts_exchange, ts_init))

    def on_lapped(self, lost: int) -> None:
        """The reader lost `lost` book records: every book may have missed updates."""
        self.laps += 1
        now = self._clock_ns()
        for market_id, book in self.books.items():
            self._invalidate(book, now, now)
            self._request_rest(market_id, book)

    # -- REST snapshots --------------------------------------------------------------------

    def on_rest_snapshot(self, market_id: int, seq: int, bids: list[tuple[int, int]],
                         asks: list[tuple[int, int]], ts_exchange: int) -> None:
        """A REST `/orderbook` snapshot (levels as ring mantissas) requested earlier."""
        book = self.books.get(market_id)
        if book is None or book.valid or book.in_ring_snapshot:
            return  # unsubscribed meanwhile, or the ring's own snapshot got there first
        book.awaiting_rest = False
        pending = [r for r in book.buffered if r[7] > seq]
        if pending and pending[0][7] > seq + 1:
            # The snapshot is older than the first update we still hold: try again.
            self.rest_rejected += 1
            self._request_rest(market_id, book)
            return
        book.bids = {p: s for p, s in bids if s > 0}
        book.asks = {p: s for p, s in asks if s > 0}
        book.valid = True
        book.last_seq = seq
        book.update_seq = -1
        book.buffered.clear()
        book.pending.clear()
        self.snapshots_rest += 1
        now = self._clock_ns()
        self._publish_snapshot(book, seq, ts_exchange, now)
        for row in pending:
            self._on_record(market_id, book, row, now - row[1])

    def on_rest_failed(self, market_id: int) -> None:
        book = self.books.get(market_id)
        if book is not None and not book.valid:
            book.awaiting_rest = False  # the next ring update asks again

    def _request_rest(self, market_id: int, book: MarketBook) -> None:
        book.awaiting_rest = True
        book.rest_attempts += 1
        self._want_snapshot(market_id, book.target.instrument_id)

    # -- publishing ------------------------------------------------------------------------

    def _invalidate(self, book: MarketBook, ts_event: int, ts_init: int) -> None:
        was_valid = book.valid
        book.valid = False
        book.in_ring_snapshot = False
        book.bids.clear()
        book.asks.clear()
        book.pending.clear()
        book.update_seq = -1
        if was_valid and book.target.deltas:
            self._emit(OrderBookDeltas(book.target.instrument_id, [
                OrderBookDelta.clear(book.target.instrument_id, 0, ts_event, ts_init)]))

    def _publish_snapshot(self, book: MarketBook, seq: int, ts_event: int, ts_init: int,
                          only_new: tuple[bool, bool] = (False, False)) -> None:
        target = book.target
        if ts_init == 0:
            ts_init = self._clock_ns()
        if target.deltas and not only_new[0]:
            self._emit(snapshot_deltas(target.instrument_id, target.price_precision,
                                       target.size_precision, book.bids.items(),
                                       book.asks.items(), seq, ts_event, ts_init))
        if target.depth and not only_new[1]:
            self._emit(self._depth10(book, seq, ts_event, ts_init))
        book.pending.clear()

    def _publish_deltas(self, book: MarketBook, seq: int, ts_event: int, ts_init: int) -> None:
        target = book.target
        iid, pp, sp = target.instrument_id, target.price_precision, target.size_precision
        pending = book.pending
        n = len(pending)
        deltas = []
        for i, (side, price, size) in enumerate(pending):
            deltas.append(OrderBookDelta.from_raw(
                iid,
                BookAction.UPDATE if size > 0 else BookAction.DELETE,
                OrderSide.BUY if side == SIDE_BUY else OrderSide.SELL,
                price * RING_TO_RAW, pp, size * RING_TO_RAW, sp, 0,
                F_LAST if i == n - 1 else 0, seq, ts_event, ts_init))
        pending.clear()
        self._emit(OrderBookDeltas(iid, deltas))

    def _depth10(self, book: MarketBook, seq: int, ts_event: int, ts_init: int) -> OrderBookDepth10:
        target = book.target
        pp, sp = target.price_precision, target.size_precision
        bids = [BookOrder.from_raw(OrderSide.BUY, p * RING_TO_RAW, pp, s * RING_TO_RAW, sp, 0)
                for p, s in sorted(book.bids.items(), reverse=True)[:DEPTH10]]
        asks = [BookOrder.from_raw(OrderSide.SELL, p * RING_TO_RAW, pp, s * RING_TO_RAW, sp, 0)
                for p, s in sorted(book.asks.items())[:DEPTH10]]
        bid_counts = [1] * len(bids) + [0] * (DEPTH10 - len(bids))
        ask_counts = [1] * len(asks) + [0] * (DEPTH10 - len(asks))
        bids.extend([self._null_order] * (DEPTH10 - len(bids)))
        asks.extend([self._null_order] * (DEPTH10 - len(asks)))
        return OrderBookDepth10(target.instrument_id, bids, asks, bid_counts, ask_counts,
                                F_SNAPSHOT | F_LAST, max(seq, 0), ts_event, ts_init)


def _set_level(book: MarketBook, side: int, price: int, size: int) -> None:
    levels = book.bids if side == SIDE_BUY else book.asks if side == SIDE_SELL else None
    if levels is None:
        return  # a marker record (no level)
    if size > 0:
        levels[price] = size
    else:
        levels.pop(price, None)
