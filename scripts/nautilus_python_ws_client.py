"""The usual pure-Python Nautilus data path, as a baseline for `bench_nautilus_tick.py`.

A `LiveMarketDataClient` in the style of Nautilus's in-tree adapters: Nautilus's own
`nautilus_pyo3.WebSocketClient` delivers each frame to a Python handler, which decodes the
JSON with msgspec structs and builds the same objects the Rust-ring client builds (quotes,
trades, book deltas), from the exchange's decimal strings. Not part of the product.

The handler stamps `time.monotonic_ns()` when a frame reaches Python and stores it, mapped to
Unix time, as `ts_init` (the same convention as `ParadexDataClient`).
"""

from __future__ import annotations

import time

import msgspec
from nautilus_trader.core import nautilus_pyo3
from nautilus_trader.live.data_client import LiveMarketDataClient
from nautilus_trader.live.factories import LiveDataClientFactory
from nautilus_trader.model.data import (
    BookOrder,
    OrderBookDelta,
    OrderBookDeltas,
    QuoteTick,
    TradeTick,
)
from nautilus_trader.model.enums import AggressorSide, BookAction, OrderSide, RecordFlag
from nautilus_trader.model.identifiers import ClientId, TradeId
from nautilus_trader.model.objects import Price, Quantity

from paradex_core.nautilus import PARADEX_VENUE, ParadexDataClientConfig, resolve_urls
from paradex_core.nautilus.factories import (
    get_cached_http_client,
    get_cached_instrument_provider,
)
from paradex_core.nautilus.parsing import instrument_id_of


class Level(msgspec.Struct):
    side: str
    price: str
    size: str


class BboData(msgspec.Struct):
    market: str
    bid: str
    bid_size: str
    ask: str
    ask_size: str
    last_updated_at: int


class TradeData(msgspec.Struct):
    id: str
    market: str
    side: str
    size: str
    price: str
    created_at: int


class BookData(msgspec.Struct):
    market: str
    seq_no: int
    last_updated_at: int
    inserts: list[Level] = []
    updates: list[Level] = []
    deletes: list[Level] = []


class Envelope(msgspec.Struct):
    channel: str
    data: msgspec.Raw


class Message(msgspec.Struct):
    method: str | None = None
    params: Envelope | None = None


_MESSAGE = msgspec.json.Decoder(Message)
_BBO = msgspec.json.Decoder(BboData)
_TRADE = msgspec.json.Decoder(TradeData)
_BOOK = msgspec.json.Decoder(BookData)
F_LAST = int(RecordFlag.F_LAST)
_SIDE = {"BUY": OrderSide.BUY, "SELL": OrderSide.SELL}
_AGGRESSOR = {"BUY": AggressorSide.BUYER, "SELL": AggressorSide.SELLER}


class PythonWsDataClient(LiveMarketDataClient):
    """Quotes, trades and book deltas for `config.markets` over a Python-handled WebSocket."""

    def __init__(self, loop, client, msgbus, cache, clock, instrument_provider, config):
        super().__init__(loop=loop, client_id=ClientId("PARADEX"), venue=PARADEX_VENUE,
                         msgbus=msgbus, cache=cache, clock=clock,
                         instrument_provider=instrument_provider, config=config)
        self._config = config
        self._ws = None
        self._ts_offset = 0
        self._instruments: dict = {}

    @property
    def monotonic_to_unix_ns(self) -> int:
        return self._ts_offset

    async def _connect(self) -> None:
        await self._instrument_provider.initialize()
        for instrument in self._instrument_provider.get_all().values():
            self._handle_data(instrument)
            self._instruments[instrument.raw_symbol.value] = instrument
        self._ts_offset = time.time_ns() - time.monotonic_ns()
        config = nautilus_pyo3.WebSocketConfig(resolve_urls(self._config).ws_url,
                                               self._on_frame, [], heartbeat=30)
        self._ws = await nautilus_pyo3.WebSocketClient.connect(config)
        for i, market in enumerate(self._config.markets or ()):
            for channel in (f"bbo.{market}", f"trades.{market}", f"order_book.{market}.deltas"):
                request = msgspec.json.encode({"jsonrpc": "2.0", "method": "subscribe",
                                               "params": {"channel": channel}, "id": i})
                await self._ws.send_text(request)

    async def _disconnect(self) -> None:
        if self._ws is not None:
            await self._ws.disconnect()
            self._ws = None

    async def _subscribe_quote_ticks(self, command) -> None:
        pass  # every configured market is streamed from connect

    async def _subscribe_trade_ticks(self, command) -> None:
        pass

    async def _subscribe_order_book_deltas(self, command) -> None:
        pass

    def _on_frame(self, raw: bytes) -> None:
        ts_init = time.monotonic_ns() + self._ts_offset
        message = _MESSAGE.decode(raw)
        if message.method != "subscription" or message.params is None:
            return
        channel = message.params.channel
        if channel.startswith("bbo."):
            d = _BBO.decode(message.params.data)
            instrument = self._instruments[d.market]
            self._handle_data(QuoteTick(
                instrument.id, Price.from_str(d.bid), Price.from_str(d.ask),
                Quantity.from_str(d.bid_size), Quantity.from_str(d.ask_size),
                d.last_updated_at * 1_000_000, ts_init))
        elif channel.startswith("trades."):
            d = _TRADE.decode(message.params.data)
            instrument = self._instruments[d.market]
            self._handle_data(TradeTick(
                instrument.id, Price.from_str(d.price), Quantity.from_str(d.size),
                _AGGRESSOR.get(d.side, AggressorSide.NO_AGGRESSOR), TradeId(d.id[-36:]),
                d.created_at * 1_000_000, ts_init))
        elif channel.startswith("order_book."):
            d = _BOOK.decode(message.params.data)
            iid = instrument_id_of(d.market)
            ts_event = d.last_updated_at * 1_000_000
            deltas = []
            for action, levels in ((BookAction.ADD, d.inserts), (BookAction.UPDATE, d.updates),
                                   (BookAction.DELETE, d.deletes)):
                for level in levels:
                    order = BookOrder(_SIDE[level.side], Price.from_str(level.price),
                                      Quantity.from_str(level.size), 0)
                    deltas.append(OrderBookDelta(iid, action, order, 0, d.seq_no, ts_event,
                                                 ts_init))
            if deltas:
                last = deltas[-1]
                deltas[-1] = OrderBookDelta(iid, last.action, last.order, F_LAST, d.seq_no,
                                            ts_event, ts_init)
                self._handle_data(OrderBookDeltas(iid, deltas))


class PythonWsDataClientFactory(LiveDataClientFactory):
    created: list = []

    @staticmethod
    def create(loop, name, config: ParadexDataClientConfig, msgbus, cache, clock):
        urls = resolve_urls(config)
        provider = get_cached_instrument_provider(urls.rest_base, config.ca_file,
                                                  config.instrument_provider)
        client = PythonWsDataClient(loop, get_cached_http_client(urls.rest_base, config.ca_file),
                                    msgbus, cache, clock, provider, config)
        PythonWsDataClientFactory.created.append(client)
        return client

