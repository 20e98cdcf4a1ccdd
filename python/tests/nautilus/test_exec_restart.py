"""Kill a trading node with SIGKILL mid-trading, start a new one with an empty cache, and check
that Nautilus's own reconciliation (fed by the Paradex reports) rebuilds exactly the exchange's
orders, fills and position: nothing missing, nothing twice, no inferred fill or synthetic
position-diff order."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from conftest import wait_until
from node_runner import BTC, Recorder, exec_config, venue_client

RUNNER = Path(__file__).with_name("node_runner.py")
MARKET = "BTC-USD-PERP"


def _read_state(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def _expected_status(row: dict) -> str:
    """How a Paradex order row ends up in Nautilus after reconciliation."""
    filled = Decimal(row["size"]) - Decimal(row["remaining_size"])
    if row["status"] != "CLOSED":
        return "PARTIALLY_FILLED" if filled > 0 else "ACCEPTED"
    if filled == Decimal(row["size"]):
        return "FILLED"
    if filled == 0 and row["cancel_reason"] in ("POST_ONLY_WOULD_CROSS", "NOT_ENOUGH_MARGIN",
                                                "REDUCE_ONLY_WOULD_INCREASE"):
        return "REJECTED"
    return "CANCELED"


def _trade_then_sigkill(mock, private_key: str, account: str, state_path: Path) -> dict:
    """Runs `node_runner.py` until it has filled, resting and canceled orders, SIGKILLs it, and
    returns the last cache state it wrote."""
    env = dict(os.environ, PARADEX_PRIVATE_KEY=private_key)
    runner = subprocess.Popen(
        [sys.executable, str(RUNNER), "--http-url", mock.base_url, "--ws-url", mock.ws_url,
         "--account", account, "--state", str(state_path), "--seconds", "60"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        def trading() -> bool:
            if runner.poll() is not None:
                raise AssertionError(f"the runner exited early: {runner.stderr.read()[-2000:]}")
            state = _read_state(state_path)
            if state is None:
                return False
            statuses = [o["status"] for o in state["orders"]]
            return statuses.count("FILLED") >= 6 and statuses.count("ACCEPTED") >= 2 and \
                statuses.count("CANCELED") >= 1

        wait_until(trading, timeout=40, message="the runner to trade")
        runner.send_signal(signal.SIGKILL)  # mid-trading: its timer keeps submitting
        runner.wait(10)
    finally:
        if runner.poll() is None:
            runner.kill()
            runner.wait(10)
        runner.stderr.close()
    state = _read_state(state_path)
    assert state is not None
    return state


def test_sigkill_mid_trading_then_restart_reconciles_exactly(paradex_mock, fresh_key,
                                                             nautilus_node, tmp_path):
    mock = paradex_mock("--md-rate", "20")
    account = mock.account_of(fresh_key.public_key)
    venue = venue_client(mock.base_url, mock.ws_url, fresh_key.private_key, account)
    try:
        before_kill = _trade_then_sigkill(mock, fresh_key.private_key, account,
                                          tmp_path / "runner-state.json")
        strategy = Recorder()
        nautilus_node(
            [strategy],
            exec_clients={"PARADEX": exec_config(mock.base_url, mock.ws_url,
                                                  fresh_key.private_key, account)},
            until=lambda: strategy.state_at_start is not None,
            timeout=20.0,
        )
        restarted = strategy.state_at_start
        # The venue after the node stopped (the runner's resting orders are far from the mid).
        rows: dict[str, dict] = {}
        for row in venue.orders_history(MARKET) + venue.open_orders(MARKET):
            known = rows.get(row["id"])
            if known is None or int(row["seq_no"]) > int(known["seq_no"]):
                rows[row["id"]] = row
        fills = venue.fills(MARKET)
        positions = [p for p in venue.positions() if p["market"] == MARKET]
    finally:
        venue.close()

    assert restarted is not None, "the restarted node's strategy never started"
    cached = {o["client_order_id"]: o for o in restarted["orders"]}
    assert len(cached) == len(restarted["orders"]), "an order appears twice in the cache"
    # No synthetic orders: every position quantity is explained by real fills.
    assert not [o for o in restarted["orders"] if o["strategy_id"] == "INTERNAL-DIFF"]

    # Every exchange order is in the new cache, once, with the exchange's status and fills.
    by_client = {row["client_id"]: row for row in rows.values()}
    assert set(cached) == set(by_client), (
        f"missing: {set(by_client) - set(cached)}, unknown: {set(cached) - set(by_client)}")
    for client_id, row in by_client.items():
        order = cached[client_id]
        assert order["venue_order_id"] == row["id"]
        assert order["status"] == _expected_status(row), (client_id, order, row)
        filled = Decimal(row["size"]) - Decimal(row["remaining_size"])
        assert Decimal(order["filled_qty"]) == filled, (client_id, order, row)

    # Every exchange fill is applied once, under its Paradex fill id (no inferred fills).
    cached_trades = [t for o in restarted["orders"] for t in o["trade_ids"]]
    assert len(cached_trades) == len(set(cached_trades)), "a fill was applied twice"
    assert sorted(cached_trades) == sorted(f["id"] for f in fills)

    # The net position matches the exchange.
    venue_net = sum((Decimal(p["size"]) for p in positions if p["status"] != "CLOSED"),
                    Decimal(0))
    assert Decimal(restarted["net_positions"].get(BTC, "0")) == venue_net

    # What the killed node knew is a subset of what the new one rebuilt.
    for order in before_kill["orders"]:
        if order["venue_order_id"] is None:
            continue  # in flight when killed: the exchange decides (checked above)
        assert order["client_order_id"] in cached
        assert set(order["trade_ids"]) <= set(cached[order["client_order_id"]]["trade_ids"])
