"""`paradex_core.HttpClient` against a real `paradex-mock` process: public queries (blocking and
asyncio), exact decimal strings, pagination, error classes, and the GIL released while waiting."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

import paradex_core as pc
from conftest import MockExchange, cargo_executable
from paradex_core import errors


class MockProcess(MockExchange):
    """The mock for the Rust clients' tests: quiet unless `--md-rate` is given, `http_url` is the
    REST base without `/v1` (what `HttpClient` / `ExecClient` take)."""

    def __init__(self, binary: str, *args: str):
        quiet = [] if "--md-rate" in args else ["--md-rate", "0"]
        super().__init__(binary, *quiet, *args)
        self.http_url = self.base_url

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        return self.request(method, f"{self.admin_url}{path}", body)

    def fault(self, **spec: Any) -> None:
        """Installs one fault, e.g. `fault(kind="rest_status", status=503, count=1)`."""
        super().fault(spec)


@pytest.fixture(scope="session")
def mock_binary() -> str:
    return cargo_executable("paradex-mock", "paradex-mock")


@pytest.fixture
def start_mock(mock_binary):
    """`start_mock(*args) -> MockProcess`; every mock started is stopped at teardown."""
    started: list[MockProcess] = []

    def start(*args: str) -> MockProcess:
        mock = MockProcess(mock_binary, *args)
        started.append(mock)
        return mock

    yield start
    for mock in started:
        mock.stop()


@pytest.fixture
def mock(start_mock) -> MockProcess:
    return start_mock()


def test_public_queries(mock):
    http = pc.HttpClient(mock.http_url)
    markets = http.markets()
    names = {m["symbol"] for m in markets}
    assert "ETH-USD-PERP" in names and "BTC-USD-PERP" in names
    eth = next(m for m in markets if m["symbol"] == "ETH-USD-PERP")
    # Decimals stay the exact strings the exchange sent.
    assert isinstance(eth["price_tick_size"], str)
    assert http.get("/markets", {"market": "ETH-USD-PERP"})["results"][0]["symbol"] == "ETH-USD-PERP"
    summary = http.markets_summary("ETH-USD-PERP")
    assert [s["symbol"] for s in summary] == ["ETH-USD-PERP"]
    assert len(http.markets_summary()) >= len(markets) - 1
    book = http.orderbook("ETH-USD-PERP", depth=5)
    assert book["market"] == "ETH-USD-PERP" and len(book["bids"]) <= 5
    assert all(isinstance(level[0], str) for level in book["bids"] + book["asks"])
    bbo = http.bbo("ETH-USD-PERP")
    assert bbo["market"] == "ETH-USD-PERP" and isinstance(bbo["bid"], str)
    now_ms = int(time.time() * 1000)
    assert abs(http.system_time() - now_ms) < 5_000
    assert isinstance(http.trades("ETH-USD-PERP"), list)
    assert isinstance(http.funding_data("ETH-USD-PERP"), list)
    assert "HttpClient" in repr(http)


def test_pagination_follows_cursors(start_mock):
    mock = start_mock("--md-rate", "200")
    http = pc.HttpClient(mock.http_url)
    deadline = time.time() + 10
    while len(http.get("/trades", {"market": "BTC-USD-PERP", "page_size": "1000"})["results"]) < 30:
        assert time.time() < deadline, "the mock produced no trades"
        time.sleep(0.1)
    one_page = http.get("/trades", {"market": "BTC-USD-PERP", "page_size": "7"})
    assert len(one_page["results"]) == 7 and one_page["next"]
    rows = http.get_all("/trades", {"market": "BTC-USD-PERP", "page_size": "7"})
    assert len(rows) >= 30
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids)), "a page was fetched twice"
    assert len(http.trades("BTC-USD-PERP", limit=10)) == 10
    with pytest.raises(errors.ExecError, match="pages"):
        http.get_all("/trades", {"market": "BTC-USD-PERP", "page_size": "1"}, max_pages=2)


def test_async_twins(mock):
    http = pc.HttpClient(mock.http_url)

    async def main():
        markets, bbo, book, time_ms, rows = await asyncio.gather(
            http.markets_async(), http.bbo_async("BTC-USD-PERP"),
            http.orderbook_async("BTC-USD-PERP", 3), http.system_time_async(),
            http.get_all_async("/markets"))
        assert len(rows) == len(markets)
        summary = await http.markets_summary_async("BTC-USD-PERP")
        await http.trades_async("BTC-USD-PERP", None, None, 5)
        await http.funding_data_async("BTC-USD-PERP")
        got = await http.get_async("/system/time")
        with pytest.raises(errors.ExchangeError) as info:
            await http.bbo_async("NOPE-USD-PERP")
        return markets, bbo, book, time_ms, summary, got, info.value

    markets, bbo, book, time_ms, summary, got, error = asyncio.run(main())
    assert bbo["market"] == "BTC-USD-PERP" and len(book["asks"]) <= 3
    assert summary[0]["symbol"] == "BTC-USD-PERP" and "server_time" in got
    assert error.status in (400, 404) and error.code


def test_errors_map_to_classes(mock):
    http = pc.HttpClient(mock.http_url, timeout_ms=300)
    with pytest.raises(errors.ExchangeError) as info:
        http.bbo("NOPE-USD-PERP")
    assert info.value.status in (400, 404) and isinstance(info.value.code, str)
    mock.fault(kind="rest_status", status=503)
    with pytest.raises(errors.ExchangeError) as info:
        http.markets()
    assert info.value.status == 503
    mock.clear_faults()
    mock.fault(kind="rest_status", status=429)
    with pytest.raises(errors.RateLimitedError):
        http.markets()
    mock.clear_faults()
    mock.fault(kind="rest_status", status=503, count=2)
    assert http.markets(), "two 503s are retried away"
    mock.fault(kind="rest_delay", delay_ms=1000)
    with pytest.raises(errors.ExecTimeoutError, match="unknown"):
        http.system_time()
    mock.clear_faults()
    with pytest.raises(errors.ExecTransportError):
        pc.HttpClient("http://127.0.0.1:1", timeout_ms=500).markets()
    with pytest.raises(errors.ConfigError):
        pc.HttpClient("ftp://127.0.0.1:1")


def assert_gil_released(mock: MockProcess, call) -> None:
    """`call()` held ~600 ms by the mock: another Python thread keeps running meanwhile."""
    mock.fault(kind="rest_delay", delay_ms=600, count=1)
    ticks = 0
    stop = threading.Event()

    def count():
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.001)

    counter = threading.Thread(target=count)
    counter.start()
    try:
        started = time.monotonic()
        call()
        held = time.monotonic() - started
    finally:
        stop.set()
        counter.join()
    assert held >= 0.5
    # With the GIL held for the whole call the other thread could not have ticked at all.
    assert ticks > 50


def test_gil_is_released_while_waiting(mock):
    http = pc.HttpClient(mock.http_url)
    assert_gil_released(mock, http.system_time)


def test_cancelled_future_is_left_alone(mock):
    http = pc.HttpClient(mock.http_url)
    mock.fault(kind="rest_delay", delay_ms=300, count=1)

    async def main():
        task = asyncio.ensure_future(http.markets_async())
        await asyncio.sleep(0.05)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        # The late completion must not raise into the loop; the loop keeps working.
        await asyncio.sleep(0.5)
        return await http.system_time_async()

    loop_errors = []

    def run():
        loop = asyncio.new_event_loop()
        loop.set_exception_handler(lambda _loop, ctx: loop_errors.append(ctx))
        try:
            return loop.run_until_complete(main())
        finally:
            loop.close()

    assert run() > 0
    assert loop_errors == []


def test_tls_needs_the_ca(start_mock):
    mock = start_mock("--tls")
    assert mock.http_url.startswith("https://") and mock.ca_file
    assert pc.HttpClient(mock.http_url, ca_file=mock.ca_file).markets()
    with pytest.raises(errors.ExecTransportError, match="(?i)certificate|issuer"):
        pc.HttpClient(mock.http_url, timeout_ms=2000).markets()
    with pytest.raises(errors.ConfigError, match="ca_file"):
        pc.HttpClient(mock.http_url, ca_file="/nonexistent/ca.pem")
