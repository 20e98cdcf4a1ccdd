"""BookSync: ring book records and REST snapshots → deltas with the right flags and recovery.

Deterministic unit tests of the book thread's state machine (the node tests cover the same
paths end to end against the mock, where gaps and laps cannot be scheduled exactly)."""

from __future__ import annotations

import pytest

pytest.importorskip("nautilus_trader")

from nautilus_trader.model.data import OrderBookDeltas, OrderBookDepth10  # noqa: E402
from nautilus_trader.model.enums import BookAction  # noqa: E402
from nautilus_trader.model.identifiers import InstrumentId  # noqa: E402

from paradex_core.nautilus.data_book import BookSync, BookTarget  # noqa: E402
from paradex_core.nautilus.parsing import (  # noqa: E402
    BOOK_END_OF_UPDATE,
    BOOK_INVALIDATED,
    BOOK_SNAPSHOT_BEGIN,
    F_LAST,
    F_SNAPSHOT,
)

IID = InstrumentId.from_str("BTC-USD-PERP.PARADEX")
BID, ASK = 1, 2
PX = 10**8  # one unit as a ring mantissa


def rec(seq, side, price, size, flags=0, ts=1_000):
    return (ts, 5, 0, side, flags, price * PX // 10, size * PX // 1000, seq, 0)


class Harness:
    def __init__(self, depth=False):
        self.out: list = []
        self.wanted: list = []
        self.sync = BookSync(self.out.append, lambda m, i: self.wanted.append(m), lambda: 42)
        self.sync.subscribe(0, BookTarget(IID, 1, 3, deltas=True, depth=depth))

    def feed(self, *rows):
        self.sync.on_records(list(rows), 0)

    def take(self):
        out, self.out[:] = list(self.out), []
        return out


def snapshot(seq, flags_last=BOOK_END_OF_UPDATE):
    return [rec(seq, BID, 650000, 1000, BOOK_SNAPSHOT_BEGIN), rec(seq, BID, 649990, 2000),
            rec(seq, ASK, 650010, 1500, flags_last)]


def test_subscription_asks_rest_then_a_ring_snapshot_wins():
    h = Harness()
    assert h.wanted == [0]
    h.feed(*snapshot(100))
    [deltas] = h.take()
    assert isinstance(deltas, OrderBookDeltas)
    actions = [d.action for d in deltas.deltas]
    assert actions == [BookAction.CLEAR, BookAction.ADD, BookAction.ADD, BookAction.ADD]
    assert all(d.flags & F_SNAPSHOT for d in deltas.deltas)
    assert [bool(d.flags & F_LAST) for d in deltas.deltas] == [False, False, False, True]
    assert str(deltas.deltas[1].order.price) == "65000.0"
    assert str(deltas.deltas[1].order.size) == "1.000"
    # the REST answer that arrives afterwards is ignored: the book is already valid
    h.sync.on_rest_snapshot(0, 90, [(1, 1)], [], 0)
    assert h.take() == [] and h.sync.snapshots_rest == 0


def test_updates_carry_f_last_on_the_last_delta_and_deletes_for_zero():
    h = Harness()
    h.feed(*snapshot(100))
    h.take()
    h.feed(rec(101, BID, 650000, 0), rec(101, ASK, 650020, 500, BOOK_END_OF_UPDATE))
    [deltas] = h.take()
    assert [d.action for d in deltas.deltas] == [BookAction.DELETE, BookAction.UPDATE]
    assert [d.flags for d in deltas.deltas] == [0, F_LAST]
    assert deltas.sequence == 101


def test_rest_snapshot_replays_newer_buffered_updates():
    h = Harness()
    h.feed(rec(50, BID, 650000, 1000, BOOK_END_OF_UPDATE),   # in the snapshot (seq 51)
           rec(51, BID, 650000, 0, BOOK_END_OF_UPDATE),
           rec(52, ASK, 650050, 700, BOOK_END_OF_UPDATE))    # newer: replayed
    assert h.take() == []
    h.sync.on_rest_snapshot(0, 51, [(649990 * PX // 10, 2 * PX)], [(650010 * PX // 10, PX)], 9)
    out = h.take()
    assert out[0].deltas[0].action == BookAction.CLEAR and len(out[0].deltas) == 3
    assert out[1].sequence == 52 and out[1].deltas[-1].flags == F_LAST
    book = h.sync.books[0]
    assert book.valid and book.last_seq == 52 and len(book.asks) == 2


def test_a_snapshot_older_than_the_buffer_is_refetched():
    h = Harness()
    h.feed(rec(60, BID, 650000, 1000, BOOK_END_OF_UPDATE))
    h.sync.on_rest_snapshot(0, 55, [], [], 0)  # 56..59 would be missing
    assert h.take() == [] and h.sync.rest_rejected == 1 and h.wanted == [0, 0]


def test_gap_clears_subscribers_and_refetches():
    h = Harness()
    h.feed(*snapshot(100))
    h.take()
    h.feed(rec(103, BID, 650000, 5, BOOK_END_OF_UPDATE))
    [clear] = h.take()
    assert [d.action for d in clear.deltas] == [BookAction.CLEAR]
    assert h.sync.gaps == 1 and h.wanted == [0, 0] and not h.sync.books[0].valid


def test_invalidated_marker_clears_until_the_feed_resnapshots():
    h = Harness()
    h.feed(*snapshot(100))
    h.take()
    h.feed(rec(0, 0, 0, 0, BOOK_INVALIDATED))
    [clear] = h.take()
    assert clear.deltas[0].action == BookAction.CLEAR and h.sync.invalidations == 1
    h.feed(*snapshot(200))
    [snap] = h.take()
    assert snap.deltas[0].flags & F_SNAPSHOT and h.sync.books[0].last_seq == 200


def test_lap_invalidates_and_refetches_every_book():
    h = Harness()
    h.feed(*snapshot(100))
    h.take()
    h.sync.on_lapped(1000)
    assert h.sync.laps == 1 and h.wanted == [0, 0]
    assert h.take()[0].deltas[0].action == BookAction.CLEAR


def test_depth10_is_sorted_best_first():
    h = Harness(depth=True)
    h.feed(*snapshot(100))
    out = h.take()
    depth = next(o for o in out if isinstance(o, OrderBookDepth10))
    assert [str(o.price) for o in depth.bids[:2]] == ["65000.0", "64999.0"]
    assert str(depth.asks[0].price) == "65001.0"
    assert depth.bid_counts[:3] == [1, 1, 0]


def test_stale_updates_are_dropped():
    h = Harness()
    h.feed(*snapshot(100))
    h.take()
    h.feed(rec(100, BID, 1, 1, BOOK_END_OF_UPDATE))
    assert h.take() == [] and h.sync.stale_dropped == 1
