"""Fixtures for the NautilusTrader adapter tests: a `paradex-mock` process, fresh Stark keys,
and a helper that runs a real `TradingNode` with the Paradex clients and always disposes it."""

from __future__ import annotations

import asyncio
import importlib.util
import os
import secrets
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parents[1]


def _parent_conftest():
    """`python/tests/conftest.py` under its own name: both files are `conftest` to pytest."""
    name = "paradex_tests_conftest"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, TESTS / "conftest.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


REPO = _parent_conftest().REPO
SHARED = _parent_conftest().SHARED
cargo_executable = _parent_conftest().cargo_executable
MockExchange = _parent_conftest().MockExchange

__all__ = ["REPO", "SHARED", "MockExchange", "NodeRun", "StarkKey", "wait_until"]

# Order of the STARK curve: a private key is an integer in [1, order).
STARK_ORDER = 0x0800000000000010FFFFFFFFFFFFFFFFB781126DCAE7B2321E66A241ADC64D2F
TESTNET_CHAIN_ID = "PRIVATE_SN_POTC_SEPOLIA"


def wait_until(condition: Callable[[], bool], timeout: float = 10.0, interval: float = 0.01,
               message: str = "condition") -> None:
    """Polls `condition` until it holds; fails the test with `message` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)


@pytest.fixture(scope="session")
def mock_bin() -> str:
    return cargo_executable("paradex-mock", "paradex-mock")


@pytest.fixture(scope="session")
def feed_bin() -> str:
    """The standalone `paradex-feed` binary (attach-mode tests)."""
    return cargo_executable("paradex-feed", "paradex-feed")


@pytest.fixture
def paradex_mock(mock_bin):
    """`start(*extra_args) -> MockExchange`; every mock started is stopped at teardown."""
    started: list[MockExchange] = []

    def start(*extra_args: str) -> MockExchange:
        mock = MockExchange(mock_bin, *extra_args)
        started.append(mock)
        return mock

    yield start
    for mock in started:
        mock.stop()


@dataclass(frozen=True)
class StarkKey:
    """A random STARK private key; the account address comes from the exchange
    (`mock.account_of(key.public_key)`) or from `ExecClient.account` after `connect()`."""

    private_key: str
    public_key: str

    def __repr__(self) -> str:  # the key never reaches test logs
        return f"StarkKey(public_key={self.public_key})"


@pytest.fixture
def fresh_key() -> StarkKey:
    import paradex_core as pc

    private_key = hex(secrets.randbelow(STARK_ORDER - 1) + 1)
    # The public key does not depend on the account; any well-formed address does here.
    public_key = pc.Signer(private_key, "0x1", TESTNET_CHAIN_ID).public_key
    return StarkKey(private_key=private_key, public_key=public_key)


_feed_counter = iter(range(1, 1 << 30))


@pytest.fixture
def feed_name() -> str:
    """A unique ring prefix for this test (`paradex.<feed_name>.<kind>` segments)."""
    return f"pytest_{os.getpid()}_{next(_feed_counter)}"


@pytest.fixture
def rings_dir(tmp_path: Path) -> Path:
    """A private directory for ring segments (removed with pytest's tmp_path)."""
    return tmp_path


@dataclass
class NodeRun:
    """What `nautilus_node(...)` returns: the (disposed) node, the strategies, and timing."""

    node: Any
    strategies: list[Any]
    started: bool
    seconds: float
    errors: list[BaseException] = field(default_factory=list)


@pytest.fixture
def nautilus_node():
    """`run(strategies, data_clients=..., exec_clients=..., until=..., scenario=..., timeout=...)`.

    Builds a `TradingNode` (trader `TESTER-001`) with the Paradex factories registered for the
    given client configs, adds the strategies, runs it on a fresh event loop until `until()`
    holds (checked every 10 ms) or `timeout` seconds pass, then stops and disposes it. If
    `scenario` is given it is awaited on the node's loop once every strategy has started (e.g.
    inject a fault, then wait for recovery); the node stops when it returns. Returns a
    `NodeRun`; `run.started` says whether the strategies ever started (a failed reconciliation
    leaves them stopped, and the node keeps running: adapter-notes fact 3).
    """

    def run(
        strategies: Iterable[Any],
        *,
        data_clients: dict[str, Any] | None = None,
        exec_clients: dict[str, Any] | None = None,
        until: Callable[[], bool] | None = None,
        scenario: Callable[[Any], Awaitable[None]] | None = None,
        timeout: float = 20.0,
        start_timeout: float = 15.0,
        trader_id: str = "TESTER-001",
        log_level: str = os.environ.get("PARADEX_TEST_LOG_LEVEL", "WARNING"),
        **node_kwargs: Any,
    ) -> NodeRun:
        from nautilus_trader.config import LiveExecEngineConfig, LoggingConfig, TradingNodeConfig
        from nautilus_trader.live.node import TradingNode

        from paradex_core.nautilus import (
            ParadexLiveDataClientFactory,
            ParadexLiveExecClientFactory,
        )

        strategies = list(strategies)
        config = TradingNodeConfig(
            trader_id=trader_id,
            logging=LoggingConfig(log_level=log_level, log_colors=False),
            exec_engine=node_kwargs.pop("exec_engine", LiveExecEngineConfig(
                reconciliation=True, inflight_check_interval_ms=0)),
            data_clients=data_clients or {},
            exec_clients=exec_clients or {},
            timeout_connection=node_kwargs.pop("timeout_connection", 15.0),
            timeout_reconciliation=node_kwargs.pop("timeout_reconciliation", 10.0),
            timeout_portfolio=node_kwargs.pop("timeout_portfolio", 10.0),
            timeout_disconnection=node_kwargs.pop("timeout_disconnection", 5.0),
            timeout_post_stop=node_kwargs.pop("timeout_post_stop", 0.2),
            **node_kwargs,
        )
        holder: dict[str, Any] = {}
        errors: list[BaseException] = []

        def all_started() -> bool:
            return all(s.is_running for s in strategies)

        async def main() -> None:
            loop = asyncio.get_running_loop()
            node = TradingNode(config=config, loop=loop)
            holder["node"] = node
            for key in (data_clients or {}):
                node.add_data_client_factory(key.partition("-")[0], ParadexLiveDataClientFactory)
            for key in (exec_clients or {}):
                node.add_exec_client_factory(key.partition("-")[0], ParadexLiveExecClientFactory)
            for strategy in strategies:
                node.trader.add_strategy(strategy)
            node.build()
            task = asyncio.create_task(node.run_async())
            t0 = time.monotonic()
            try:
                while not all_started() and time.monotonic() - t0 < start_timeout:
                    if task.done():
                        break
                    await asyncio.sleep(0.01)
                holder["started"] = all_started()
                if holder["started"]:
                    if scenario is not None:
                        await asyncio.wait_for(scenario(node), timeout)
                    elif until is not None:
                        while not until() and time.monotonic() - t0 < timeout:
                            await asyncio.sleep(0.01)
            except BaseException as e:  # reported to the test after the node is disposed
                errors.append(e)
            finally:
                holder["seconds"] = time.monotonic() - t0
                try:
                    await asyncio.wait_for(node.stop_async(), 30)
                except BaseException as e:
                    errors.append(e)
                # run_async returns once the engines' queues drain after the stop.
                try:
                    await asyncio.wait_for(asyncio.shield(task), 5)
                except (asyncio.TimeoutError, asyncio.CancelledError, Exception):
                    if not task.done():
                        task.cancel()

        try:
            asyncio.run(main())
        finally:
            node = holder.get("node")
            if node is not None:
                node.dispose()  # after asyncio.run: disposing inside the loop would stop it
        result = NodeRun(node=holder.get("node"), strategies=strategies,
                         started=holder.get("started", False),
                         seconds=holder.get("seconds", 0.0), errors=errors)
        if errors:
            raise errors[0]
        return result

    return run


@pytest.fixture(autouse=True)
def _no_leaked_threads():
    """Every data-client reader thread must end with its node."""
    before = {t.ident for t in threading.enumerate()}
    yield
    deadline = time.monotonic() + 5
    leaked: list[threading.Thread] = []
    while time.monotonic() < deadline:
        leaked = [t for t in threading.enumerate()
                  if t.ident not in before and t.name.startswith("paradex-") and t.is_alive()]
        if not leaked:
            return
        time.sleep(0.05)
    pytest.fail(f"threads left running: {[t.name for t in leaked]}")
