"""`paradex_core.ExecClient` against a real `paradex-mock` process: onboarding and auth, the
full order lifecycle with stream events, batches, error classes, asyncio twins, and the GIL
released while a call waits."""

from __future__ import annotations

import asyncio
import secrets
import threading
import time
from typing import Any, Callable

import pytest

import paradex_core as pc
from paradex_core import errors
from test_http_client import (  # noqa: F401 (fixtures)
    MockProcess,
    assert_gil_released,
    mock,
    mock_binary,
    start_mock,
)

CHAIN = "PRIVATE_SN_POTC_SEPOLIA"
L1 = "0xFCAd0B19bB29D4674531d6f115237E16AfCE377c"
STARK_ORDER = 0x0800000000000010FFFFFFFFFFFFFFFFB781126DCAE7B2321E66A241ADC64D2F
ETH = "ETH-USD-PERP"


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("condition not met in time")
        time.sleep(0.01)


def fresh_client(mock: MockProcess, **kwargs: Any) -> pc.ExecClient:
    """A client for a new random key, its account address as the exchange derives it."""
    key = hex(secrets.randbelow(STARK_ORDER - 1) + 1)
    public_key = pc.Signer(key, "0x1", CHAIN).public_key
    http = pc.HttpClient(mock.http_url)
    account = http.get("/onboarding", {"account_signer_type": "starknet",
                                       "public_key": public_key})["address"]
    kwargs.setdefault("ethereum_account", L1)
    return pc.ExecClient(mock.http_url, mock.ws_url, key, account, CHAIN, **kwargs)


class Events:
    """Collects stream callbacks (called from the Rust stream thread)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: list[tuple[str, dict]] = []

    def __call__(self, kind: str, payload: dict) -> None:
        with self.lock:
            self.items.append((kind, payload))

    def of(self, kind: str) -> list[dict]:
        with self.lock:
            return [p for k, p in self.items if k == kind]


def limit(client_id: str, side: str, size: str, price: str, **extra: Any) -> dict:
    return {"market": ETH, "side": side, "type": "LIMIT", "size": size, "price": price,
            "client_id": client_id, "instruction": "GTC", **extra}


@pytest.fixture
def trader(mock):
    client = fresh_client(mock)
    client.connect()
    yield client
    client.close()


def test_connect_onboards_and_authenticates(mock):
    client = fresh_client(mock)
    assert client.jwt_expires_at() is None
    client.connect()
    assert client.jwt_expires_at() > time.time()
    assert client.account.startswith("0x") and client.account == client.account.lower()
    assert client.public_key.startswith("0x")
    text = repr(client)
    assert "redacted" in text and "private" in text
    summary = client.account_summary()
    assert isinstance(summary, dict)
    assert isinstance(client.balances(), list) and client.positions() == []
    client.close()
    client.close()  # idempotent


def test_not_onboarded_without_l1_and_bad_keys(mock):
    client = fresh_client(mock, ethereum_account=None)
    with pytest.raises(errors.AuthError) as info:
        client.connect()
    assert info.value.code == "NOT_ONBOARDED" and "ethereum_account" in str(info.value)
    with pytest.raises(errors.SignError) as bad:
        pc.ExecClient(mock.http_url, mock.ws_url, "0xnothex", "0x1", CHAIN)
    assert "nothex" not in str(bad.value)
    with pytest.raises(errors.ConfigError):
        pc.ExecClient(mock.http_url, mock.ws_url, "0x1234", "not-an-address", CHAIN)
    # A valid key that does not belong to the account: the exchange refuses the signature.
    onboarded = fresh_client(mock)
    onboarded.connect()
    stranger = pc.ExecClient(mock.http_url, mock.ws_url, hex(12345), onboarded.account, CHAIN,
                             ethereum_account=L1)
    with pytest.raises(errors.AuthError):
        stranger.connect()
    onboarded.close()


def test_key_file(mock, tmp_path):
    key = hex(secrets.randbelow(STARK_ORDER - 1) + 1)
    public_key = pc.Signer(key, "0x1", CHAIN).public_key
    account = pc.HttpClient(mock.http_url).get(
        "/onboarding", {"account_signer_type": "starknet", "public_key": public_key})["address"]
    path = tmp_path / "paradex.key"
    path.write_text(f"# test identity\nexport PARADEX_L2_PRIVATE_KEY={key}\n"
                    f"PARADEX_CHAIN_ID={CHAIN}\nPARADEX_ACCOUNT_ADDRESS=\"{account}\"\n")
    path.chmod(0o644)
    with pytest.raises(errors.ConfigError, match="chmod 600") as info:
        pc.ExecClient.from_key_file(path, mock.http_url, mock.ws_url, ethereum_account=L1)
    assert key[4:20] not in str(info.value)
    path.chmod(0o600)
    client = pc.ExecClient.from_key_file(str(path), mock.http_url, mock.ws_url,
                                         ethereum_account=L1)
    assert client.public_key == public_key and int(client.account, 16) == int(account, 16)
    client.connect()
    assert client.positions() == []
    client.close()


def test_order_lifecycle_with_stream(mock):
    maker, taker = fresh_client(mock), fresh_client(mock)
    maker.connect()
    taker.connect()
    events = Events()
    maker.start_stream(events)
    wait_until(lambda: events.of("connected"))
    try:
        placed = maker.submit_order(limit("life-1", "SELL", "0.5", "3100.5"))
        assert placed["client_id"] == "life-1" and placed["id"]
        assert placed["price"] == "3100.5" and isinstance(placed["size"], str)
        assert abs(placed["sent_at_ns"] - time.time_ns()) < 5e9
        order_id = placed["id"]
        assert [o["id"] for o in maker.open_orders(ETH)] == [order_id]
        assert maker.order(order_id)["status"] in ("NEW", "OPEN")
        assert maker.order_by_client_id("life-1")["id"] == order_id
        modified = maker.modify_order(order_id, limit("life-1", "SELL", "0.4", "3101"))
        assert modified["id"] == order_id
        wait_until(lambda: any(o.get("price") in ("3101", "3101.0") for o in events.of("order")))
        # The taker crosses: a fill on both sides, visible in fills and positions.
        taker.submit_order({"market": ETH, "side": "BUY", "type": "MARKET", "size": "0.1",
                            "client_id": "take-1", "instruction": "IOC"})
        wait_until(lambda: events.of("fill"))
        fills = maker.fills(ETH)
        assert len(fills) == 1 and fills[0]["side"] == "SELL" and fills[0]["price"] == "3101"
        position = next(p for p in maker.positions() if p["market"] == ETH)
        assert position["side"] == "SHORT" and position["size"] in ("-0.1", "0.1")
        wait_until(lambda: events.of("position"))
        maker.cancel_order(order_id)
        wait_until(lambda: maker.order(order_id)["status"] == "CLOSED")
        assert maker.open_orders() == []
        # Closed orders are still found by client id (through the history).
        assert maker.order_by_client_id("life-1")["status"] == "CLOSED"
        history = maker.orders_history(ETH)
        assert {o["client_id"] for o in history} >= {"life-1"}
        maker.submit_order(limit("life-2", "SELL", "0.1", "3102"))
        maker.cancel_by_client_id(ETH, "life-2")
        wait_until(lambda: maker.order_by_client_id("life-2")["status"] == "CLOSED")
        for n in range(3):
            maker.submit_order(limit(f"all-{n}", "SELL", "0.1", str(3110 + n)))
        maker.cancel_all(ETH)
        wait_until(lambda: maker.open_orders() == [])

        def closed_ids() -> set:
            return {o["client_id"] for o in events.of("order") if o["status"] == "CLOSED"}

        wait_until(lambda: closed_ids() >= {"life-1", "life-2", "all-0", "all-1", "all-2"})
    finally:
        maker.stop_stream()
        maker.close()
        taker.close()


def test_batches(trader):
    results = trader.submit_orders([
        limit("b-1", "SELL", "0.1", "3120"),
        limit("b-2", "SELL", "0.1", "3121"),
        limit("b-3", "SELL", "0.1", "0"),  # rejected: price zero
    ])
    assert [r.get("client_id") for r in results] == ["b-1", "b-2", "b-3"]
    assert "id" in results[0] and "id" in results[1]
    assert "error" in results[2] and results[2]["error"]["error"]
    cancelled = trader.cancel_batch([results[0]["id"]], ["b-2", "nope"])
    assert len(cancelled) == 3
    assert {r["status"] for r in cancelled} <= {"QUEUED_FOR_CANCELLATION", "ALREADY_CLOSED",
                                              "NOT_FOUND"}
    assert any(r["status"] == "NOT_FOUND" for r in cancelled)
    with pytest.raises(errors.ConfigError):
        trader.submit_orders([])


def test_errors_map_to_classes(mock, trader):
    with pytest.raises(errors.ExchangeError) as info:
        trader.order("12345")
    assert info.value.status == 404 or info.value.code.endswith("NOT_FOUND")
    with pytest.raises(errors.ExchangeError) as info:
        trader.cancel_order("999999")
    assert info.value.code
    trader.submit_order(limit("dup-1", "SELL", "0.1", "3130"))
    with pytest.raises(errors.ExchangeError) as info:
        trader.submit_order(limit("dup-1", "SELL", "0.1", "3130"))
    assert info.value.code == "DUPLICATED_CLIENT_ID"
    with pytest.raises(errors.ConfigError, match="float"):
        trader.submit_order(limit("f-1", "SELL", 0.1, "3130"))
    with pytest.raises(errors.ConfigError, match="unknown key"):
        trader.submit_order(limit("k-1", "SELL", "0.1", "3130", colour="red"))
    with pytest.raises(errors.ConfigError, match="client_id"):
        trader.submit_order({"market": ETH, "side": "BUY", "type": "LIMIT", "size": "1",
                             "price": "1"})
    mock.fault(kind="rest_status", status=503)
    with pytest.raises(errors.ExchangeError) as info:
        trader.open_orders()
    assert info.value.status == 503
    mock.clear_faults()
    mock.fault(kind="rest_status", status=429)
    with pytest.raises(errors.RateLimitedError):
        trader.positions()
    mock.clear_faults()


def test_submit_timeout_says_state_is_unknown(mock):
    client = fresh_client(mock, timeout_ms=300)
    client.connect()
    mock.fault(kind="rest_delay", delay_ms=2000, path="/v1/orders")
    with pytest.raises(errors.ExecTimeoutError, match="order_by_client_id") as info:
        client.submit_order(limit("slow-1", "SELL", "0.1", "3131"))
    assert "unknown" in str(info.value)
    mock.clear_faults()
    # Whether or not it went through, retries never made two orders of it.
    time.sleep(0.5)
    rows = client.open_orders(ETH)
    assert [r["client_id"] for r in rows] in ([], ["slow-1"])
    client.close()


def test_async_twins(trader):
    async def main():
        placed = await trader.submit_order_async(limit("a-1", "SELL", "0.1", "3132"))
        rows, summary, bal, pos = await asyncio.gather(
            trader.open_orders_async(ETH), trader.account_summary_async(),
            trader.balances_async(), trader.positions_async())
        assert [r["id"] for r in rows] == [placed["id"]]
        again = await trader.order_async(placed["id"])
        by_cid = await trader.order_by_client_id_async("a-1")
        await trader.modify_order_async(placed["id"], limit("a-1", "SELL", "0.2", "3133"))
        await trader.cancel_order_async(placed["id"])
        batch = await trader.submit_orders_async([limit("a-2", "SELL", "0.1", "3134")])
        await trader.cancel_by_client_id_async(ETH, "a-2")
        await trader.submit_order_async(limit("a-3", "SELL", "0.1", "3135"))
        await trader.cancel_all_async(None)
        await trader.cancel_batch_async([], ["a-3"])
        await trader.orders_history_async(ETH, 0, None)
        await trader.fills_async(None, None, None)
        await trader.connect_async()
        with pytest.raises(errors.ExchangeError):
            await trader.order_async("4242")
        return placed, again, by_cid, batch, summary

    placed, again, by_cid, batch, summary = asyncio.run(main())
    assert again["id"] == placed["id"] == by_cid["id"] and "sent_at_ns" in placed
    assert batch[0]["client_id"] == "a-2" and isinstance(summary, dict)


def test_gil_is_released_while_a_call_waits(mock, trader):
    assert_gil_released(mock, trader.positions)


def test_stream_survives_a_failing_callback_and_reconnects(mock, trader, caplog):
    seen = Events()

    def callback(kind: str, payload: dict) -> None:
        seen(kind, payload)
        if kind == "order":
            raise ValueError("callback bug")

    trader.start_stream(callback)
    wait_until(lambda: seen.of("connected"))
    trader.submit_order(limit("s-1", "SELL", "0.1", "3140"))
    trader.submit_order(limit("s-2", "SELL", "0.1", "3141"))
    wait_until(lambda: len(seen.of("order")) >= 2)
    assert any("callback failed" in r.getMessage() for r in caplog.records)
    # The server drops every connection: "disconnected", then "connected" again (reconcile
    # there).
    mock.admin("POST", "/restart", {"down_ms": 100})
    wait_until(lambda: seen.of("disconnected") and len(seen.of("connected")) >= 2)
    assert seen.of("disconnected")[0]["reason"]
    trader.stop_stream()
    count = len(seen.items)
    trader.submit_order(limit("s-4", "SELL", "0.1", "3143"))
    time.sleep(0.3)
    assert len(seen.items) == count, "no callback after stop_stream"
    trader.stop_stream()


def test_context_manager_closes(mock):
    with fresh_client(mock) as client:
        client.connect()
        client.start_stream(lambda kind, payload: None)
    client.close()
