"""`ParadexDataClient`: Nautilus market data from the shared-memory rings of the Rust feed.

Market data never goes through Python WebSocket code. The Rust feed handler (in-process and
supervised, or an external `paradex-feed`) decodes the exchange's frames into the rings; one
reader thread per ring kind waits in `RingReader.poll` with the GIL released, turns the records
of subscribed instruments into Nautilus objects built from raw fixed-point values, and hands
them to `_handle_data`, which is thread-safe (it queues onto the event loop).

How a reader waits is `reader_wait` (see the config). Objects are delivered on the event loop,
never on the reader thread: 1.221's `_handle_data` -> `LiveDataEngine.process` posts each one
with `loop.call_soon_threadsafe` into the engine's data queue, which is exactly what Nautilus's
own pyo3 adapters do from their network threads; running the engine and strategies on a reader
thread instead would race the event loop's own handlers (timers, order events, commands).

Timestamps: `ts_event` is the exchange time; `ts_init` is the moment the feed received the
frame (the record's `CLOCK_MONOTONIC` receive time mapped to Unix time with the offset
measured at connect, `monotonic_to_unix_ns`).
"""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from decimal import Decimal
from typing import Any

import paradex_core as pc
from nautilus_trader.cache.cache import Cache
from nautilus_trader.common.component import LiveClock, MessageBus
from nautilus_trader.data.messages import (
    RequestBars,
    RequestInstrument,
    RequestInstruments,
    RequestOrderBookSnapshot,
    RequestQuoteTicks,
    RequestTradeTicks,
    SubscribeBars,
    SubscribeFundingRates,
    SubscribeIndexPrices,
    SubscribeInstrument,
    SubscribeInstruments,
    SubscribeMarkPrices,
    SubscribeOrderBook,
    SubscribeQuoteTicks,
    SubscribeTradeTicks,
    UnsubscribeBars,
    UnsubscribeFundingRates,
    UnsubscribeIndexPrices,
    UnsubscribeInstrument,
    UnsubscribeInstruments,
    UnsubscribeMarkPrices,
    UnsubscribeOrderBook,
    UnsubscribeQuoteTicks,
    UnsubscribeTradeTicks,
)
from nautilus_trader.live.data_client import LiveMarketDataClient
from nautilus_trader.model.data import (
    DataType,
    FundingRateUpdate,
    IndexPriceUpdate,
    MarkPriceUpdate,
    OrderBookDeltas,
    QuoteTick,
    TradeTick,
)
from nautilus_trader.model.enums import AggressorSide
from nautilus_trader.model.identifiers import ClientId, InstrumentId, TradeId
from nautilus_trader.model.objects import Price

from paradex_core.nautilus.common import PARADEX_VENUE, resolve_urls
from paradex_core.nautilus.config import ParadexDataClientConfig
from paradex_core.nautilus.data_book import BookSync, BookTarget
from paradex_core.nautilus.data_feed import (
    RING_KINDS,
    HealthWatch,
    default_feed_name,
    feed_config_toml,
    precise_sleeps,
    reader_spin_s,
    ring_path,
)
from paradex_core.nautilus.data_requests import (
    book_snapshot_deltas,
    parse_rest_book,
    parse_trade_rows,
    to_ms,
)
from paradex_core.nautilus.parsing import AGGRESSOR, NULL_VALUE, RING_TO_RAW
from paradex_core.nautilus.providers import ParadexInstrumentProvider

POLL_TIMEOUT_S = 0.05
POLL_BATCH = 1024
SUPERVISE_EVERY_S = 1.0
FEED_START_TIMEOUT_S = 10.0


class ParadexDataClient(LiveMarketDataClient):
    """Paradex market data for a Nautilus node (see the module docs)."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        client: Any,
        msgbus: MessageBus,
        cache: Cache,
        clock: LiveClock,
        instrument_provider: ParadexInstrumentProvider,
        config: ParadexDataClientConfig,
        name: str | None = None,
    ) -> None:
        super().__init__(
            loop=loop,
            client_id=ClientId(name or PARADEX_VENUE.value),
            venue=PARADEX_VENUE,
            msgbus=msgbus,
            cache=cache,
            clock=clock,
            instrument_provider=instrument_provider,
            config=config,
        )
        self._http = client
        self._config = config
        self._urls = resolve_urls(config)
        self._feed_name = config.feed_name or default_feed_name()
        if not config.manage_feed and not config.feed_name:
            raise ValueError("attaching to an external paradex-feed (manage_feed=False) needs "
                             "its feed_name")
        self._feed: Any = None  # paradex_core.FeedHandler in managed mode
        self._feed_toml = ""
        self._readers: dict[str, Any] = {}
        self._monitor: Any = None
        self._threads: list[threading.Thread] = []
        self._halt = threading.Event()
        self._supervisor: asyncio.Task | None = None
        self._health = HealthWatch()
        self._writer_down = False
        self._ts_offset = 0
        self._market_ids: dict[str, int] = {}
        # Forwarding tables read by the reader threads; replaced whole, never mutated in place.
        self._quote_targets: dict[int, tuple] = {}
        self._trade_targets: dict[int, tuple] = {}
        self._mark_targets: dict[int, tuple] = {}
        self._index_targets: dict[int, tuple] = {}
        self._funding_targets: dict[int, InstrumentId] = {}
        self._book_wants: dict[int, BookTarget] = {}
        self._book_commands: queue.SimpleQueue = queue.SimpleQueue()
        self._book = BookSync(self._handle_data, self._want_book_snapshot,
                              self._clock.timestamp_ns)
        self._last_funding: dict[int, int] = {}
        self.lost_records: dict[str, int] = dict.fromkeys(RING_KINDS, 0)
        """Records each reader lost to lapping (logged as they happen)."""
        self.one_sided_quotes = 0
        """BBO records skipped because a side of the book was empty (a QuoteTick needs both)."""
        self.feed_restarts = 0

    # -- properties -------------------------------------------------------------------------

    @property
    def feed_name(self) -> str:
        return self._feed_name

    @property
    def feed(self) -> Any:
        """The managed `paradex_core.FeedHandler` (None when attached or disconnected)."""
        return self._feed

    @property
    def monotonic_to_unix_ns(self) -> int:
        """Added to a record's `ts_recv` (CLOCK_MONOTONIC) to give the `ts_init` (Unix ns)."""
        return self._ts_offset

    def book_stats(self) -> dict[str, int]:
        b = self._book
        return {"snapshots_ring": b.snapshots_ring, "snapshots_rest": b.snapshots_rest,
                "gaps": b.gaps, "invalidations": b.invalidations, "laps": b.laps,
                "stale_dropped": b.stale_dropped, "rest_rejected": b.rest_rejected}

    # -- connection -------------------------------------------------------------------------

    async def _connect(self) -> None:
        await self._instrument_provider.initialize()
        for instrument in self._instrument_provider.get_all().values():
            self._handle_data(instrument)
        markets = list(self._config.markets) if self._config.markets else sorted(
            i.raw_symbol.value for i in self._instrument_provider.get_all().values())
        self._ts_offset = time.time_ns() - time.monotonic_ns()
        self._halt.clear()
        self._reset_books()
        if self._config.manage_feed:
            # Fresh rings are read from their first record (the feed's first snapshots); rings
            # left by an earlier run under the same name are read from the new records only.
            existing = ring_path(self._config.rings_dir, self._feed_name, "bbo").exists()
            self._feed_toml = feed_config_toml(
                ws_url=self._urls.ws_url, markets=markets, rings_dir=self._config.rings_dir,
                feed_name=self._feed_name, core=self._config.feed_core,
                busy_poll=self._config.busy_poll, json_only=self._config.json_only,
                ca_file=self._config.ca_file)
            self._feed = await asyncio.to_thread(pc.FeedHandler, self._feed_toml)
            self._log.info(f"Started feed handler {self._feed_name!r} for {len(markets)} markets "
                           f"(rings in {self._config.rings_dir})")
            start = "next" if existing else "oldest"
        else:
            start = "next"
        try:
            self._open_readers(start)
        except Exception:
            await self._disconnect()  # no half-started feed or readers are left behind
            raise
        self._market_ids = {s: m for m, s in self._monitor.symbols().items()}
        missing = [m for m in markets if m not in self._market_ids]
        if missing and not self._config.manage_feed:
            self._log.warning(f"External feed {self._feed_name!r} does not carry {missing}")
        self._start_threads()
        self._supervisor = self._loop.create_task(self._supervise())

    def _reset_books(self) -> None:
        """New book state for a (re)connect: every wanted book starts from a snapshot again."""
        self._book_commands = queue.SimpleQueue()
        self._book = BookSync(self._handle_data, self._want_book_snapshot,
                              self._clock.timestamp_ns)
        for mid, want in self._book_wants.items():
            self._book_commands.put(("sub", mid, BookTarget(
                want.instrument_id, want.price_precision, want.size_precision, want.deltas,
                want.depth)))

    def _open_readers(self, start: str) -> None:
        rings_dir = self._config.rings_dir
        for kind in RING_KINDS:
            path = ring_path(rings_dir, self._feed_name, kind)
            if not path.exists():
                raise RuntimeError(
                    f"no Paradex ring at {path}: start `paradex-feed run --config <toml>` with "
                    f"feed_name = {self._feed_name!r} and rings_dir = {rings_dir!r} first, or "
                    "set manage_feed=True to run the feed inside the node")
            reader = pc.RingReader(str(path), start=start)
            if not self._config.manage_feed:
                status = reader.writer_status(max_age=30.0)
                if status != "alive":
                    raise RuntimeError(
                        f"the paradex-feed writing {path} is {status} (pid "
                        f"{reader.writer_info().get('pid')}): restart it, then reconnect")
            self._readers[kind] = reader
        # Reader threads own their readers (a RingReader serves one thread at a time): the
        # event loop watches symbols, health and the writer through its own unregistered one.
        self._monitor = pc.RingReader(str(ring_path(rings_dir, self._feed_name, "bbo")),
                                      start="next", register=False)

    def _start_threads(self) -> None:
        handlers = {"bbo": self._on_bbo, "trade": self._on_trades,
                    "book_level": self._on_book_records, "mark_funding": self._on_mark_funding}
        for kind in RING_KINDS:
            thread = threading.Thread(target=self._read_ring, args=(kind, handlers[kind]),
                                      name=f"paradex-{kind}-{self._feed_name}", daemon=True)
            self._threads.append(thread)
            thread.start()

    async def _disconnect(self) -> None:
        self._halt.set()
        if self._supervisor is not None:
            self._supervisor.cancel()
            self._supervisor = None
        threads, self._threads = self._threads, []
        for thread in threads:
            await asyncio.to_thread(thread.join, 5.0)
            if thread.is_alive():
                self._log.error(f"{thread.name} did not stop within 5 s")
        self._readers.clear()
        self._monitor = None
        feed, self._feed = self._feed, None
        if feed is not None:
            await asyncio.to_thread(feed.stop)
            if self._config.feed_name is None:  # our own private rings: remove them
                for kind in RING_KINDS:
                    ring_path(self._config.rings_dir, self._feed_name, kind).unlink(
                        missing_ok=True)
            self._log.info(f"Stopped feed handler {self._feed_name!r}")

    # -- supervision (event loop) -----------------------------------------------------------

    async def _supervise(self) -> None:
        while not self._halt.is_set():
            await asyncio.sleep(SUPERVISE_EVERY_S)
            try:
                await self._check_feed()
            except asyncio.CancelledError:
                raise
            except Exception as e:
                self._log.error(f"Paradex feed supervision failed: {e!r}")

    async def _check_feed(self) -> None:
        reader = self._monitor
        if reader is None:
            return
        for name, delta in self._health.changes(reader.health()).items():
            self._log.warning(f"Paradex feed {self._feed_name!r}: {delta} new {name}")
        if self._config.manage_feed:
            feed = self._feed
            stats = await asyncio.to_thread(feed.stats) if feed is not None else None
            if stats is None and not self._halt.is_set():
                self._log.error(f"Paradex feed handler {self._feed_name!r} stopped "
                                "unexpectedly: restarting it")
                await self._restart_feed()
            return
        status = reader.writer_status(max_age=30.0)
        if status != "alive":
            if not self._writer_down:
                self._log.error(
                    f"External paradex-feed {self._feed_name!r} is {status} (pid "
                    f"{reader.writer_info().get('pid')}): no market data until it is restarted")
            self._writer_down = True
        elif self._writer_down:
            self._writer_down = False
            self._log.info(f"External paradex-feed {self._feed_name!r} is alive again")

    async def _restart_feed(self) -> None:
        old, self._feed = self._feed, None
        if old is not None:
            await asyncio.to_thread(old.stop)
        self._feed = await asyncio.to_thread(pc.FeedHandler, self._feed_toml)
        self.feed_restarts += 1
        self._log.warning(f"Restarted Paradex feed handler {self._feed_name!r}")

    # -- reader threads ---------------------------------------------------------------------

    def _read_ring(self, kind: str, handler) -> None:
        reader = self._readers[kind]
        poll = reader.poll
        stop = self._halt
        is_book = kind == "book_level"
        spin = reader_spin_s(self._config, kind, POLL_TIMEOUT_S)
        if spin < POLL_TIMEOUT_S:
            precise_sleeps()
        while not stop.is_set():
            if is_book:
                self._drain_book_commands()
            try:
                records = poll(POLL_BATCH, timeout=POLL_TIMEOUT_S, on_lap="count", spin=spin)
            except pc.WriterDeadError:
                stop.wait(0.1)  # the supervisor reports it and restarts a managed feed
                continue
            except Exception as e:
                self._log.error(f"Paradex {kind} ring read failed: {e!r}")
                stop.wait(0.1)
                continue
            lost = reader.last_lost
            if lost:
                self.lost_records[kind] += lost
                self._log.warning(f"Paradex {kind} reader lapped: {lost} records lost "
                                  f"({self.lost_records[kind]} in total)")
                if is_book:
                    self._book.on_lapped(lost)
            if len(records):
                try:
                    handler(records.tolist(), reader)
                except Exception as e:
                    self._log.error(f"Paradex {kind} records could not be handled: {e!r}")

    def _on_bbo(self, rows: list[tuple], _reader: Any) -> None:
        targets = self._quote_targets
        if not targets:
            return
        off = self._ts_offset
        handle = self._handle_data
        from_raw = QuoteTick.from_raw
        scale = RING_TO_RAW
        for ts_ex, ts_recv, mid, _flags, bid_px, bid_sz, ask_px, ask_sz in rows:
            target = targets.get(mid)
            if target is None:
                continue
            if bid_px == NULL_VALUE or ask_px == NULL_VALUE:
                self.one_sided_quotes += 1
                continue
            iid, pp, sp = target
            handle(from_raw(iid, bid_px * scale, ask_px * scale, pp, pp, bid_sz * scale,
                            ask_sz * scale, sp, sp, ts_ex, ts_recv + off))

    def _on_trades(self, rows: list[tuple], reader: Any) -> None:
        targets = self._trade_targets
        if not targets:
            return
        off = self._ts_offset
        handle = self._handle_data
        from_raw = TradeTick.from_raw
        scale = RING_TO_RAW
        # Ring sequence numbers are the trade ids: the ring records carry no exchange id.
        first = reader.cursor - len(rows)
        for i, (ts_ex, ts_recv, mid, side, _type, price, size, _seq, _r) in enumerate(rows):
            target = targets.get(mid)
            if target is None:
                continue
            iid, pp, sp = target
            handle(from_raw(iid, price * scale, pp, size * scale, sp,
                            AGGRESSOR.get(side, AggressorSide.NO_AGGRESSOR),
                            TradeId(f"{self._feed_name[:20]}-{first + i}"), ts_ex,
                            ts_recv + off))

    def _on_mark_funding(self, rows: list[tuple], _reader: Any) -> None:
        marks, indexes, funding = self._mark_targets, self._index_targets, self._funding_targets
        if not (marks or indexes or funding):
            return
        off = self._ts_offset
        handle = self._handle_data
        for ts_ex, ts_recv, mid, _flags, mark_px, index_px, rate, _oi in rows:
            ts_init = ts_recv + off
            target = marks.get(mid)
            if target is not None and mark_px != NULL_VALUE:
                handle(MarkPriceUpdate(target[0], _price(mark_px, target[1]), ts_ex, ts_init))
            target = indexes.get(mid)
            if target is not None and index_px != NULL_VALUE:
                handle(IndexPriceUpdate(target[0], _price(index_px, target[1]), ts_ex, ts_init))
            iid = funding.get(mid)
            if iid is not None and rate != NULL_VALUE and self._last_funding.get(mid) != rate:
                self._last_funding[mid] = rate
                handle(FundingRateUpdate(iid, Decimal(rate).scaleb(-8), ts_ex, ts_init))

    def _on_book_records(self, rows: list[tuple], _reader: Any) -> None:
        self._book.on_records(rows, self._ts_offset)

    def _drain_book_commands(self) -> None:
        commands = self._book_commands
        while True:
            try:
                command = commands.get_nowait()
            except queue.Empty:
                return
            kind = command[0]
            if kind == "sub":
                self._book.subscribe(command[1], command[2])
            elif kind == "unsub":
                self._book.unsubscribe(command[1], command[2], command[3])
            elif kind == "rest":
                self._book.on_rest_snapshot(*command[1:])
            elif kind == "rest_failed":
                self._book.on_rest_failed(command[1])

    # -- REST book snapshots for the book thread ---------------------------------------------

    def _want_book_snapshot(self, market_id: int, instrument_id: InstrumentId) -> None:
        """Called on the book thread: fetch the REST snapshot on the event loop."""
        self._loop.call_soon_threadsafe(self._spawn_book_fetch, market_id, instrument_id)

    def _spawn_book_fetch(self, market_id: int, instrument_id: InstrumentId) -> None:
        if not self._halt.is_set():
            self.create_task(self._fetch_book(market_id, instrument_id))

    async def _fetch_book(self, market_id: int, instrument_id: InstrumentId) -> None:
        try:
            book = await self._http.orderbook_async(instrument_id.symbol.value,
                                                     max(self._config.book_depth, 100))
            seq, bids, asks, ts = parse_rest_book(book)
        except Exception as e:
            self._log.error(f"Paradex REST order book for {instrument_id} failed: {e!r}")
            self._book_commands.put(("rest_failed", market_id))
            return
        self._book_commands.put(("rest", market_id, seq, bids, asks, ts))

    # -- subscriptions ----------------------------------------------------------------------

    def _target(self, instrument_id: InstrumentId, what: str) -> tuple | None:
        instrument = self._cache.instrument(instrument_id) or \
            self._instrument_provider.find(instrument_id)
        if instrument is None:
            self._log.error(f"Cannot subscribe to {what} for {instrument_id}: instrument not "
                            "loaded (InstrumentProviderConfig(load_all=True) or load_ids)")
            return None
        mid = self._market_ids.get(instrument_id.symbol.value)
        if mid is None:
            reader = self._monitor
            if reader is not None:
                self._market_ids = {s: m for m, s in reader.symbols().items()}
                mid = self._market_ids.get(instrument_id.symbol.value)
        if mid is None:
            self._log.error(f"Cannot subscribe to {what} for {instrument_id}: the feed "
                            f"{self._feed_name!r} does not carry it (add it to `markets`)")
            return None
        return mid, instrument_id, instrument.price_precision, instrument.size_precision

    @staticmethod
    def _with(table: dict, key: int, value: Any) -> dict:
        new = dict(table)
        new[key] = value
        return new

    @staticmethod
    def _without(table: dict, key: int | None) -> dict:
        new = dict(table)
        new.pop(key, None)
        return new

    def _mid(self, instrument_id: InstrumentId) -> int | None:
        return self._market_ids.get(instrument_id.symbol.value)

    async def _subscribe_quote_ticks(self, command: SubscribeQuoteTicks) -> None:
        t = self._target(command.instrument_id, "quotes")
        if t:
            self._quote_targets = self._with(self._quote_targets, t[0], t[1:])

    async def _unsubscribe_quote_ticks(self, command: UnsubscribeQuoteTicks) -> None:
        self._quote_targets = self._without(self._quote_targets, self._mid(command.instrument_id))

    async def _subscribe_trade_ticks(self, command: SubscribeTradeTicks) -> None:
        t = self._target(command.instrument_id, "trades")
        if t:
            self._trade_targets = self._with(self._trade_targets, t[0], t[1:])

    async def _unsubscribe_trade_ticks(self, command: UnsubscribeTradeTicks) -> None:
        self._trade_targets = self._without(self._trade_targets, self._mid(command.instrument_id))

    async def _subscribe_mark_prices(self, command: SubscribeMarkPrices) -> None:
        t = self._target(command.instrument_id, "mark prices")
        if t:
            self._mark_targets = self._with(self._mark_targets, t[0], t[1:])

    async def _unsubscribe_mark_prices(self, command: UnsubscribeMarkPrices) -> None:
        self._mark_targets = self._without(self._mark_targets, self._mid(command.instrument_id))

    async def _subscribe_index_prices(self, command: SubscribeIndexPrices) -> None:
        t = self._target(command.instrument_id, "index prices")
        if t:
            self._index_targets = self._with(self._index_targets, t[0], t[1:])

    async def _unsubscribe_index_prices(self, command: UnsubscribeIndexPrices) -> None:
        self._index_targets = self._without(self._index_targets,
                                            self._mid(command.instrument_id))

    async def _subscribe_funding_rates(self, command: SubscribeFundingRates) -> None:
        t = self._target(command.instrument_id, "funding rates")
        if t:
            self._last_funding.pop(t[0], None)  # the first rate after subscribing is sent
            self._funding_targets = self._with(self._funding_targets, t[0], t[1])

    async def _unsubscribe_funding_rates(self, command: UnsubscribeFundingRates) -> None:
        self._funding_targets = self._without(self._funding_targets,
                                              self._mid(command.instrument_id))

    def _book_subscribe(self, instrument_id: InstrumentId, deltas: bool, depth: bool) -> None:
        t = self._target(instrument_id, "order book")
        if not t:
            return
        mid = t[0]
        old = self._book_wants.get(mid)
        want = BookTarget(t[1], t[2], t[3], deltas=deltas or (old is not None and old.deltas),
                          depth=depth or (old is not None and old.depth))
        self._book_wants[mid] = want
        self._book_commands.put(("sub", mid, BookTarget(want.instrument_id, want.price_precision,
                                                        want.size_precision, want.deltas,
                                                        want.depth)))

    def _book_unsubscribe(self, instrument_id: InstrumentId, deltas: bool, depth: bool) -> None:
        mid = self._mid(instrument_id)
        want = self._book_wants.get(mid)
        if mid is None or want is None:
            return
        want.deltas = want.deltas and not deltas
        want.depth = want.depth and not depth
        if not want.deltas and not want.depth:
            del self._book_wants[mid]
        self._book_commands.put(("unsub", mid, deltas, depth))

    async def _subscribe_order_book_deltas(self, command: SubscribeOrderBook) -> None:
        self._book_subscribe(command.instrument_id, deltas=True, depth=False)

    async def _unsubscribe_order_book_deltas(self, command: UnsubscribeOrderBook) -> None:
        self._book_unsubscribe(command.instrument_id, deltas=True, depth=False)

    def subscribe_order_book_depth(self, command: SubscribeOrderBook) -> None:
        # 1.221 calls this sync method (no coroutine) for OrderBookDepth10 subscriptions.
        self._add_subscription_order_book_snapshots(command.instrument_id)
        self._book_subscribe(command.instrument_id, deltas=False, depth=True)

    def unsubscribe_order_book_depth(self, command: UnsubscribeOrderBook) -> None:
        self._remove_subscription_order_book_snapshots(command.instrument_id)
        self._book_unsubscribe(command.instrument_id, deltas=False, depth=True)

    async def _subscribe_order_book_snapshots(self, command: SubscribeOrderBook) -> None:
        self._book_subscribe(command.instrument_id, deltas=False, depth=True)

    async def _unsubscribe_order_book_snapshots(self, command: UnsubscribeOrderBook) -> None:
        self._book_unsubscribe(command.instrument_id, deltas=False, depth=True)

    async def _subscribe_instruments(self, command: SubscribeInstruments) -> None:
        for instrument in self._instrument_provider.get_all().values():
            self._handle_data(instrument)

    async def _unsubscribe_instruments(self, command: UnsubscribeInstruments) -> None:
        pass  # instruments are only sent on (re)subscription: nothing streams

    async def _subscribe_instrument(self, command: SubscribeInstrument) -> None:
        instrument = self._instrument_provider.find(command.instrument_id)
        if instrument is None:
            self._log.error(f"Cannot subscribe to instrument {command.instrument_id}: unknown")
            return
        self._handle_data(instrument)

    async def _unsubscribe_instrument(self, command: UnsubscribeInstrument) -> None:
        pass

    async def _subscribe_bars(self, command: SubscribeBars) -> None:
        self._log.error(f"Cannot subscribe to {command.bar_type}: Paradex streams no bars; "
                        "use INTERNAL bars aggregated from trades or quotes")

    async def _unsubscribe_bars(self, command: UnsubscribeBars) -> None:
        pass

    # -- requests ---------------------------------------------------------------------------

    async def _request_instrument(self, request: RequestInstrument) -> None:
        try:
            await self._instrument_provider.load_async(request.instrument_id)
        except Exception as e:
            self._log.error(f"Paradex instrument request for {request.instrument_id} failed: "
                            f"{e!r}")
            return
        instrument = self._instrument_provider.find(request.instrument_id)
        if instrument is None:
            self._log.error(f"Paradex has no instrument {request.instrument_id}")
            return
        self._handle_instrument(instrument, request.id, request.start, request.end,
                                request.params)

    async def _request_instruments(self, request: RequestInstruments) -> None:
        try:
            await self._instrument_provider.load_all_async(self._config.instrument_provider
                                                            .filters)
        except Exception as e:
            self._log.error(f"Paradex instruments request failed: {e!r}")
        instruments = list(self._instrument_provider.get_all().values())
        self._handle_instruments(PARADEX_VENUE, instruments, request.id, request.start,
                                 request.end, request.params)

    async def _request_trade_ticks(self, request: RequestTradeTicks) -> None:
        iid = request.instrument_id
        instrument = self._cache.instrument(iid) or self._instrument_provider.find(iid)
        ticks: list[TradeTick] = []
        if instrument is None:
            self._log.error(f"Cannot request trades for {iid}: instrument not loaded")
        else:
            try:
                rows = await self._http.trades_async(
                    iid.symbol.value, to_ms(request.start), to_ms(request.end),
                    request.limit or None)
                ticks = parse_trade_rows(rows, instrument, self._clock.timestamp_ns())
            except Exception as e:
                self._log.error(f"Paradex trades request for {iid} failed: {e!r}")
            if request.limit and len(ticks) > request.limit:
                ticks = ticks[-request.limit:]
        self._handle_trade_ticks(iid, ticks, request.id, request.start, request.end,
                                 request.params)

    async def _request_quote_ticks(self, request: RequestQuoteTicks) -> None:
        self._log.error(f"Cannot request historical quotes for {request.instrument_id}: Paradex "
                        "publishes no quote history (only the live BBO); answering empty")
        self._handle_quote_ticks(request.instrument_id, [], request.id, request.start,
                                 request.end, request.params)

    async def _request_bars(self, request: RequestBars) -> None:
        self._log.error(f"Cannot request bars {request.bar_type}: the Paradex API this adapter "
                        "supports has no klines endpoint; request trades and aggregate them "
                        "(answering empty)")
        self._handle_bars(request.bar_type, [], request.id, request.start, request.end,
                          request.params)

    async def _request_order_book_snapshot(self, request: RequestOrderBookSnapshot) -> None:
        iid = request.instrument_id
        instrument = self._cache.instrument(iid) or self._instrument_provider.find(iid)
        if instrument is None:
            self._log.error(f"Cannot request an order book for {iid}: instrument not loaded")
            return
        try:
            book = await self._http.orderbook_async(iid.symbol.value,
                                                    request.limit or self._config.book_depth)
            deltas = book_snapshot_deltas(book, instrument, self._clock.timestamp_ns())
        except Exception as e:
            self._log.error(f"Paradex order book request for {iid} failed: {e!r}")
            return
        # 1.221's response path expects a list (it bounds-checks the items by timestamp).
        self._handle_data_response(DataType(OrderBookDeltas, metadata={"instrument_id": iid}),
                                   [deltas], request.id, None, None, request.params)


def _price(mantissa: int, precision: int) -> Price:
    """A Price at the instrument's precision, or finer when the value needs it (marks and
    indexes are not tick-aligned)."""
    digits = precision
    while digits < 8 and mantissa % 10 ** (8 - digits):
        digits += 1
    return Price.from_raw(mantissa * RING_TO_RAW, digits)

