"""A strategy that records everything the Paradex data client delivers (test helper)."""

from __future__ import annotations

from decimal import Decimal

from nautilus_trader.config import StrategyConfig
from nautilus_trader.model.book import OrderBook
from nautilus_trader.model.data import OrderBookDeltas
from nautilus_trader.model.enums import BookType, RecordFlag
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.trading.strategy import Strategy

F_LAST = int(RecordFlag.F_LAST)
F_SNAPSHOT = int(RecordFlag.F_SNAPSHOT)


class RecorderConfig(StrategyConfig, frozen=True):
    instrument_id: InstrumentId
    quotes: bool = True
    trades: bool = True
    book: bool = True
    depth: bool = False
    marks: bool = True


class Recorder(Strategy):
    """Subscribes on start and keeps every object; books are rebuilt from the deltas alone."""

    def __init__(self, config: RecorderConfig) -> None:
        super().__init__(config)
        self.quotes: list = []
        self.trades: list = []
        self.deltas: list[OrderBookDeltas] = []
        self.depths: list = []
        self.marks: list = []
        self.indexes: list = []
        self.fundings: list = []
        self.historical: list = []
        self.responses: list = []
        self.instruments_seen: list = []
        self.book: OrderBook | None = None
        # (sequence, bids, asks) after each complete update: levels as (Decimal, Decimal)
        self.book_states: list[tuple[int, list, list]] = []
        self.snapshots = 0
        self.clears = 0

    def on_start(self) -> None:
        iid = self.config.instrument_id
        self.book = OrderBook(iid, BookType.L2_MBP)
        if self.config.quotes:
            self.subscribe_quote_ticks(iid)
        if self.config.trades:
            self.subscribe_trade_ticks(iid)
        if self.config.book:
            self.subscribe_order_book_deltas(iid, BookType.L2_MBP, managed=False)
        if self.config.depth:
            self.subscribe_order_book_depth(iid, BookType.L2_MBP, depth=10, managed=False)
        if self.config.marks:
            self.subscribe_mark_prices(iid)
            self.subscribe_index_prices(iid)
            self.subscribe_funding_rates(iid)

    def on_stop(self) -> None:
        pass  # the node's stop releases the subscriptions

    def on_quote_tick(self, tick) -> None:
        self.quotes.append(tick)

    def on_trade_tick(self, tick) -> None:
        self.trades.append(tick)

    def on_order_book_deltas(self, deltas: OrderBookDeltas) -> None:
        self.deltas.append(deltas)
        first = deltas.deltas[0]
        if first.flags & F_SNAPSHOT:
            self.snapshots += 1
        if len(deltas.deltas) == 1 and int(first.action) == 4:  # BookAction.CLEAR
            self.clears += 1
        self.book.apply_deltas(deltas)
        if deltas.deltas[-1].flags & F_LAST:
            self.book_states.append((deltas.sequence, _levels(self.book.bids()),
                                     _levels(self.book.asks())))

    def on_order_book_depth(self, depth) -> None:
        self.depths.append(depth)

    def on_mark_price(self, update) -> None:
        self.marks.append(update)

    def on_index_price(self, update) -> None:
        self.indexes.append(update)

    def on_funding_rate(self, update) -> None:
        self.fundings.append(update)

    def on_historical_data(self, data) -> None:
        self.historical.append(data)

    def on_instrument(self, instrument) -> None:
        self.instruments_seen.append(instrument)

    def record_response(self, request_id) -> None:
        self.responses.append(request_id)


def _levels(levels) -> list[tuple[Decimal, Decimal]]:
    return [(level.price.as_decimal(), sum(o.size.as_decimal() for o in level.orders()))
            for level in levels]
