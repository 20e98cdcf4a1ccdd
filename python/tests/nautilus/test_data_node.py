"""ParadexDataClient in a real TradingNode against paradex-mock: streams, requests, recovery."""

from __future__ import annotations

import asyncio
import subprocess
import time
from contextlib import contextmanager
from decimal import Decimal

import pytest

pytest.importorskip("nautilus_trader")

import paradex_core as pc  # noqa: E402
from nautilus_trader.config import InstrumentProviderConfig  # noqa: E402
from nautilus_trader.model.data import BarType, OrderBookDeltas, QuoteTick, TradeTick  # noqa: E402,E501
from nautilus_trader.model.identifiers import ClientId, InstrumentId  # noqa: E402

from data_recorder import Recorder, RecorderConfig  # noqa: E402
from paradex_core.nautilus import ParadexDataClientConfig  # noqa: E402

BTC = InstrumentId.from_str("BTC-USD-PERP.PARADEX")
MARKET = "BTC-USD-PERP"


def data_config(mock, rings_dir, feed_name, **kw) -> ParadexDataClientConfig:
    return ParadexDataClientConfig(
        environment="mock", http_url=mock.http_url, ws_url=mock.ws_url, ca_file=mock.ca_file,
        instrument_provider=InstrumentProviderConfig(load_all=True),
        rings_dir=str(rings_dir), feed_name=feed_name, busy_poll=False,
        **kw)


def _find_client(node):
    """The node's ParadexDataClient (the engine's client table is a readonly attribute)."""
    return node.kernel.data_engine._clients[ClientId("PARADEX")]


async def wait_for(condition, timeout=15.0, what="condition"):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            detail = what() if callable(what) else what
            raise AssertionError(f"timed out after {timeout}s waiting for {detail}")
        await asyncio.sleep(0.02)


async def rest(mock, path):
    return await asyncio.to_thread(mock.rest, path)


async def book_matches_rest(mock, strategy, tries=60):
    """Finds a moment where the strategy's book has the REST snapshot's sequence and compares
    every level exactly."""
    for _ in range(tries):
        snap = await rest(mock, f"/orderbook/{MARKET}?depth=500")
        await asyncio.sleep(0.15)  # let the feed deliver that sequence
        states = {seq: (bids, asks) for seq, bids, asks in strategy.book_states}
        if snap["seq_no"] in states:
            bids, asks = states[snap["seq_no"]]
            assert bids == [(Decimal(p), Decimal(s)) for p, s in snap["bids"]]
            assert asks == [(Decimal(p), Decimal(s)) for p, s in snap["asks"]]
            return snap["seq_no"]
    raise AssertionError("the strategy's book never showed a REST snapshot's sequence")


async def book_matches_after_data(mock, strategy, what, quotes=10, books=5):
    """Waits for quotes and book updates, then checks the book against REST (its sequence)."""
    await wait_for(lambda: len(strategy.quotes) >= quotes and len(strategy.book_states) >= books,
                   what=what)
    return await book_matches_rest(mock, strategy)


async def fresh_quotes_and_snapshot(client, strategy, snapshots, what):
    """Waits until more quotes arrived and the book was snapshotted again since the
    disruption (`snapshots`: the count before it)."""
    quotes = len(strategy.quotes)
    await wait_for(lambda: len(strategy.quotes) > quotes + 10 and strategy.snapshots > snapshots,
                   timeout=15, what=lambda: (
                       f"{what}: quotes {quotes} -> {len(strategy.quotes)}, snapshots "
                       f"{snapshots} -> {strategy.snapshots}, book {client.book_stats()}"))


@contextmanager
def external_feed(feed_bin, mock, rings_dir, feed_name, tmp_path, ring_capacity, first_ring):
    """A `paradex-feed run` process for BTC and ETH, killed on exit; yields once `first_ring`
    exists."""
    config = tmp_path / "feed.toml"
    config.write_text(f"""
url = "{mock.ws_url}"
markets = ["BTC-USD-PERP", "ETH-USD-PERP"]
channels = ["bbo", "trades", "book_deltas", "markets_summary", "funding_data"]
rings_dir = "{rings_dir}"
feed_name = "{feed_name}"
ring_capacity = {ring_capacity}
poll_mode = "epoll"
""")
    feed = subprocess.Popen([feed_bin, "run", "--config", str(config)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ring = rings_dir / f"paradex.{feed_name}.{first_ring}"
        deadline = time.monotonic() + 10
        while not ring.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        yield feed
    finally:
        if feed.poll() is None:
            feed.kill()
        feed.wait(10)


def ring_records(rings_dir, feed_name, kind):
    reader = pc.RingReader(f"paradex.{feed_name}.{kind}", directory=str(rings_dir),
                           start="oldest", register=False)
    return reader.poll(), reader.market_id(MARKET)


def test_stream_reaches_the_strategy_exactly(paradex_mock, nautilus_node, rings_dir, feed_name):
    mock = paradex_mock("--md-rate", "50")
    strategy = Recorder(RecorderConfig(instrument_id=BTC, depth=True))
    seen: dict = {}

    async def scenario(node):
        await wait_for(lambda: len(strategy.quotes) >= 30 and len(strategy.depths) >= 10 and len(strategy.trades) >= 3
                       and len(strategy.book_states) >= 20 and len(strategy.marks) >= 5
                       and len(strategy.indexes) >= 5 and strategy.fundings,
                       timeout=20, what="quotes, trades, book, mark, index and funding")
        seen["seq"] = await book_matches_rest(mock, strategy)

    nautilus_node([strategy], data_clients={"PARADEX": data_config(mock, rings_dir, feed_name)},
                  scenario=scenario, timeout=40)
    # The rings outlive the node (a named feed's segments stay): everything it published.
    seen["bbo"], seen["mid"] = ring_records(rings_dir, feed_name, "bbo")
    seen["trade"], _ = ring_records(rings_dir, feed_name, "trade")
    seen["mark"], _ = ring_records(rings_dir, feed_name, "mark_funding")

    mid, scale = seen["mid"], 10**8
    bbo = {(int(r["ts_exchange"]), int(r["bid_px"]) * scale, int(r["ask_px"]) * scale,
            int(r["bid_sz"]) * scale, int(r["ask_sz"]) * scale)
           for r in seen["bbo"] if r["market_id"] == mid}
    got = [(q.ts_event, q.bid_price.raw, q.ask_price.raw, q.bid_size.raw, q.ask_size.raw)
           for q in strategy.quotes]
    assert set(got) <= bbo, f"not ring records: {sorted(set(got) - bbo)[:3]} ring {sorted(bbo)[:3]}"
    assert len(got) == len(set(got)), "no quote is delivered twice"
    first, last = got[0][0], got[-1][0]
    assert {b for b in bbo if first <= b[0] <= last} <= set(got), "no quote is dropped"
    quote = strategy.quotes[-1]
    assert quote.bid_price.precision == 1 and quote.bid_size.precision == 5
    assert quote.bid_price < quote.ask_price

    trades = {(int(r["ts_exchange"]), int(r["price"]) * scale, int(r["size"]) * scale)
              for r in seen["trade"] if r["market_id"] == mid}
    assert {(t.ts_event, t.price.raw, t.size.raw) for t in strategy.trades} <= trades
    marks = {(int(r["ts_exchange"]), int(r["mark_px"]) * scale)
             for r in seen["mark"] if r["market_id"] == mid}
    assert {(m.ts_event, m.value.raw) for m in strategy.marks} <= marks
    rates = {Decimal(int(r["funding_rate"])).scaleb(-8) for r in seen["mark"]
             if r["market_id"] == mid and r["funding_rate"] != -(2**63)}
    assert {f.rate for f in strategy.fundings} <= rates
    assert strategy.snapshots >= 1
    states = {seq: (bids, asks) for seq, bids, asks in strategy.book_states}
    compared = 0
    for depth in strategy.depths:
        if depth.sequence in states:
            bids, asks = states[depth.sequence]
            top = [(o.price.as_decimal(), o.size.as_decimal()) for o in depth.bids if o.size.raw]
            assert top == bids[:10]
            top = [(o.price.as_decimal(), o.size.as_decimal()) for o in depth.asks if o.size.raw]
            assert top == asks[:10]
            compared += 1
    assert compared >= 5, "OrderBookDepth10 matches the delta-built book at the same sequence"


def test_requests_are_answered_through_the_request_path(paradex_mock, nautilus_node, rings_dir,
                                                        feed_name):
    mock = paradex_mock("--md-rate", "50")
    strategy = Recorder(RecorderConfig(instrument_id=BTC, quotes=False, trades=False,
                                       book=False, marks=False))
    result: dict = {}

    async def scenario(node):
        await wait_for(lambda: len(mock.rest(f"/trades?market={MARKET}")["results"]) >= 5,
                       what="trades on the mock")
        start = node.kernel.clock.utc_now() - __import__("datetime").timedelta(hours=1)
        trade_req = strategy.request_trade_ticks(BTC, start, callback=strategy.record_response)
        inst_req = strategy.request_instrument(BTC, callback=strategy.record_response)
        book_req = strategy.request_order_book_snapshot(BTC, limit=20,
                                                        callback=strategy.record_response)
        bars_req = strategy.request_bars(
            BarType.from_str("BTC-USD-PERP.PARADEX-1-MINUTE-LAST-EXTERNAL"), start,
            callback=strategy.record_response)
        quotes_req = strategy.request_quote_ticks(BTC, start, callback=strategy.record_response)
        await wait_for(lambda: {trade_req, inst_req, book_req, bars_req, quotes_req}
                       <= set(strategy.responses), what="every response")
        result["rest_trades"] = (await rest(mock, f"/trades?market={MARKET}&page_size=1000"))[
            "results"]

    nautilus_node([strategy], data_clients={"PARADEX": data_config(mock, rings_dir, feed_name)},
                  scenario=scenario, timeout=30)

    assert not [d for d in strategy.historical if isinstance(d, QuoteTick)], \
        "Paradex has no quote history: answered empty"
    books = [d for d in strategy.historical if isinstance(d, OrderBookDeltas)]
    assert books and books[0].is_snapshot and len(books[0].deltas) > 1
    ticks = [d for d in strategy.historical if isinstance(d, TradeTick)]
    assert ticks, "trade ticks arrive through on_historical_data"
    rest_by_id = {r["id"]: r for r in result["rest_trades"]}
    for tick in ticks:
        row = rest_by_id[tick.trade_id.value]
        assert tick.price.as_decimal() == Decimal(row["price"])
        assert tick.size.as_decimal() == Decimal(row["size"])
        assert tick.ts_event == int(row["created_at"]) * 1_000_000
    assert [t.ts_event for t in ticks] == sorted(t.ts_event for t in ticks)


def test_dropped_feed_recovers_and_the_book_is_rebuilt(paradex_mock, nautilus_node, rings_dir,
                                                       feed_name):
    mock = paradex_mock("--md-rate", "50")
    strategy = Recorder(RecorderConfig(instrument_id=BTC, trades=False, marks=False))
    seen: dict = {}

    async def scenario(node):
        client = _find_client(node)
        await wait_for(lambda: len(strategy.book_states) >= 10 and len(strategy.quotes) >= 10,
                       what="data before the drop")
        before = client.feed.stats()["connects"]
        snapshots = strategy.snapshots
        # Scoped to no session, the fault hits the open one; cleared once it has fired.
        await asyncio.to_thread(mock.fault, {"kind": "ws_drop", "after": 20})
        await wait_for(lambda: client.feed.stats()["connects"] > before, timeout=15,
                       what="the feed to reconnect")
        await asyncio.to_thread(mock.clear_faults)
        await fresh_quotes_and_snapshot(client, strategy, snapshots,
                                        "quotes and a fresh book snapshot")
        seen["seq"] = await book_matches_rest(mock, strategy)
        seen["reconnects"] = client.feed.stats()["reconnects"]
        seen["invalidations"] = client.book_stats()["invalidations"]

    nautilus_node([strategy], data_clients={"PARADEX": data_config(mock, rings_dir, feed_name)},
                  scenario=scenario, timeout=45)
    assert seen["reconnects"] >= 1
    assert seen["invalidations"] >= 1 and strategy.clears >= 1, "the stale book was cleared"


def test_attached_to_an_external_feed(paradex_mock, nautilus_node, feed_bin, rings_dir,
                                      feed_name, tmp_path):
    mock = paradex_mock("--md-rate", "50")
    with external_feed(feed_bin, mock, rings_dir, feed_name, tmp_path, 4096, "bbo") as feed:
        strategy = Recorder(RecorderConfig(instrument_id=BTC, marks=False))
        seen: dict = {}

        async def scenario(node):
            seen["seq"] = await book_matches_after_data(mock, strategy,
                                                        "data from the external feed")
            feed.kill()
            await asyncio.to_thread(feed.wait, 10)  # reaped: its pid is gone
            client = _find_client(node)
            await wait_for(lambda: client._writer_down, timeout=10,
                           what="the dead external feed to be reported")

        nautilus_node([strategy], data_clients={"PARADEX": data_config(
            mock, rings_dir, feed_name, manage_feed=False)}, scenario=scenario, timeout=40)
        assert seen["seq"] > 0


def test_attach_without_a_feed_fails_clearly(paradex_mock, rings_dir, feed_name):
    from nautilus_trader.common.component import LiveClock, MessageBus
    from nautilus_trader.model.identifiers import TraderId
    from nautilus_trader.test_kit.stubs.component import TestComponentStubs

    from paradex_core.nautilus import ParadexLiveDataClientFactory

    mock = paradex_mock("--md-rate", "0")
    config = data_config(mock, rings_dir, feed_name, manage_feed=False)

    async def connect():
        clock = LiveClock()
        client = ParadexLiveDataClientFactory.create(
            asyncio.get_running_loop(), "PARADEX", config,
            MessageBus(TraderId("TESTER-001"), clock), TestComponentStubs.cache(), clock)
        with pytest.raises(RuntimeError, match="no Paradex ring"):
            await client._connect()

    asyncio.run(connect())


def test_a_managed_feed_that_stops_is_restarted(paradex_mock, nautilus_node, rings_dir,
                                                feed_name):
    mock = paradex_mock("--md-rate", "50")
    strategy = Recorder(RecorderConfig(instrument_id=BTC, trades=False, marks=False))
    seen: dict = {}

    async def scenario(node):
        client = _find_client(node)
        await wait_for(lambda: len(strategy.quotes) >= 10 and strategy.book_states,
                       what="data before the feed stops")
        old, snapshots = client.feed, strategy.snapshots
        await asyncio.to_thread(old.stop)  # as if the feed thread had died
        await wait_for(lambda: client.feed_restarts >= 1 and client.feed is not old,
                       timeout=10, what="the supervisor to restart the feed")
        await fresh_quotes_and_snapshot(client, strategy, snapshots,
                                        "quotes and a fresh book from the new feed")
        seen["seq"] = await book_matches_rest(mock, strategy)

    nautilus_node([strategy], data_clients={"PARADEX": data_config(mock, rings_dir, feed_name)},
                  scenario=scenario, timeout=40)
    assert seen["seq"] > 0


def test_tls_mock_trusted_through_ca_file(paradex_mock, nautilus_node, rings_dir, feed_name):
    mock = paradex_mock("--tls", "--md-rate", "50")
    assert mock.http_url.startswith("https://") and mock.ca_file
    strategy = Recorder(RecorderConfig(instrument_id=BTC, trades=False, book=False,
                                       marks=False))
    nautilus_node([strategy], data_clients={"PARADEX": data_config(mock, rings_dir, feed_name)},
                  until=lambda: len(strategy.quotes) >= 5, timeout=20)
    assert len(strategy.quotes) >= 5, "quotes over wss:// with the mock's CA"


def test_json_only_feed(paradex_mock, nautilus_node, rings_dir, feed_name):
    mock = paradex_mock("--md-rate", "50")
    strategy = Recorder(RecorderConfig(instrument_id=BTC, marks=False))
    seen: dict = {}

    async def scenario(node):
        seen["seq"] = await book_matches_after_data(mock, strategy,
                                                    "quotes and books from a JSON feed")

    nautilus_node([strategy], data_clients={"PARADEX": data_config(
        mock, rings_dir, feed_name, json_only=True)}, scenario=scenario, timeout=30)
    assert seen["seq"] > 0


def test_lapped_readers_count_the_loss_and_resnapshot_books(paradex_mock, nautilus_node,
                                                            feed_bin, rings_dir, feed_name,
                                                            tmp_path):
    # An external feed with 16-slot rings and a fast market: the readers get lapped.
    mock = paradex_mock("--md-rate", "500")
    with external_feed(feed_bin, mock, rings_dir, feed_name, tmp_path, 16, "book_level"):
        strategy = Recorder(RecorderConfig(instrument_id=BTC, trades=False, marks=False))
        seen: dict = {}

        async def scenario(node):
            client = _find_client(node)
            await wait_for(lambda: client.lost_records["book_level"] > 0
                           and client.book_stats()["laps"] > 0
                           and client.book_stats()["snapshots_rest"] >= 2,
                           timeout=20, what=lambda: f"laps: {client.lost_records}, "
                                                    f"{client.book_stats()}")
            seen["stats"] = client.book_stats()

        nautilus_node([strategy], data_clients={"PARADEX": data_config(
            mock, rings_dir, feed_name, manage_feed=False)}, scenario=scenario, timeout=30)
        # every lap cleared the subscriber's book before it was rebuilt from a snapshot
        assert strategy.clears >= 1 and strategy.snapshots >= 2, seen["stats"]
