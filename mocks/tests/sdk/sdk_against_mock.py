"""Drive a running paradex-mock with the official Python SDK (paradex-py).

Proves the mock accepts what the SDK really sends: its typed-data signatures for onboarding,
auth and orders (including ModifyOrder), its headers and its JSON bodies (nulls included), and
that the SDK's response schemas load the mock's bodies.

Usage (see README.md):
    python sdk_against_mock.py [--bin PATH/TO/paradex-mock]

The script starts the mock on a free loopback port, runs every step and stops the mock in all
cases. It exits non-zero on the first failed step.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from decimal import Decimal

from paradex_py import Paradex
from paradex_py.common.order import Order, OrderSide, OrderType

# The signing vectors' made-up identity (never used on any Paradex environment).
L1_ADDRESS = "0xFCAd0B19bB29D4674531d6f115237E16AfCE377c"
L2_PRIVATE_KEY = "0x1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcde"
EXPECTED_ADDRESS = 0x3A5E6CA3F7D55722BFB79595C96BD41DBA9980FE2ABF5C0577591A135EC6DC4
MARKET = "ETH-USD-PERP"


def start_mock(binary: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [binary, "--port", "0", "--md-rate", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    match = re.search(r"http=(\S+)", line)
    if not match:
        proc.kill()
        raise SystemExit(f"mock did not print its address: {line!r}")
    return proc, match.group(1)


def expect_error(step: str, fn, code: str) -> None:
    try:
        fn()
    except Exception as err:  # the SDK raises ValueError / HTTP errors with the body text
        if code not in str(err):
            raise AssertionError(f"{step}: expected {code}, got {err}") from err
        print(f"ok  {step}: rejected with {code}")
        return
    raise AssertionError(f"{step}: expected {code}, call succeeded")


def run(http_url: str) -> None:
    paradex = Paradex(
        env="testnet",
        api_base_url=f"{http_url}/v1",
        l1_address=L1_ADDRESS,
        l2_private_key=L2_PRIVATE_KEY,
        auto_start_ws_reader=False,
    )
    account = paradex.account
    assert account is not None
    assert account.l2_address == EXPECTED_ADDRESS, hex(account.l2_address)
    print("ok  init_account: auth -> NOT_ONBOARDED -> onboarding -> auth (SDK signatures accepted)")
    api = paradex.api_client

    time_ = api.fetch_system_time()
    assert int(time_["server_time"]) > 0
    markets = api.fetch_markets()["results"]
    assert any(m["symbol"] == MARKET for m in markets)
    summary = api.fetch_markets_summary({"market": MARKET})["results"][0]
    mark = Decimal(summary["mark_price"])
    book = api.fetch_orderbook(MARKET, {"depth": 5})
    assert "bids" in book and "asks" in book
    print(f"ok  public: markets, summary (mark {mark}), orderbook seq {book['seq_no']}")

    tick = Decimal("0.01")
    bid = (mark * Decimal("0.98")).quantize(tick)
    limit = Order(MARKET, OrderType.Limit, OrderSide.Buy, Decimal("0.1"), bid, client_id="sdk-limit")
    created = api.submit_order(limit)
    assert created["status"] == "NEW", created
    order_id = created["id"]
    fetched = api.fetch_order(order_id)
    assert fetched["status"] == "OPEN", fetched
    assert api.fetch_order_by_client_id("sdk-limit")["id"] == order_id
    opened = api.fetch_orders({"market": MARKET})["results"]
    assert any(o["id"] == order_id for o in opened)
    print(f"ok  submit_order LIMIT -> {order_id} OPEN")

    modified_price = (bid - tick * 10).quantize(tick)
    change = Order(
        MARKET, OrderType.Limit, OrderSide.Buy, Decimal("0.2"), modified_price, order_id=order_id
    )
    modified = api.modify_order(order_id, change)
    assert Decimal(modified["size"]) == Decimal("0.2"), modified
    assert Decimal(modified["price"]) == modified_price, modified
    print("ok  modify_order (ModifyOrder signature accepted)")

    api.cancel_order(order_id)
    closed = api.fetch_order(order_id)
    assert closed["status"] == "CLOSED" and closed["cancel_reason"] == "USER_CANCELED", closed
    print("ok  cancel_order -> CLOSED USER_CANCELED")

    market = Order(MARKET, OrderType.Market, OrderSide.Buy, Decimal("0.05"), client_id="sdk-mkt")
    api.submit_order(market)
    deadline = time.time() + 5
    while time.time() < deadline:
        done = api.fetch_order_by_client_id("sdk-mkt")
        if done["status"] == "CLOSED":
            break
        time.sleep(0.1)
    fills = api.fetch_fills({"market": MARKET})["results"]
    print(f"ok  submit_order MARKET (no price) -> {done['status']} {done['cancel_reason'] or 'filled'}, {len(fills)} fill(s)")

    batch = [
        Order(MARKET, OrderType.Limit, OrderSide.Buy, Decimal("0.1"), bid, client_id=f"sdk-b{i}")
        for i in range(3)
    ]
    result = api.submit_orders_batch(batch)
    assert len(result["orders"]) == 3 and not result["errors"], result
    cancelled = api.cancel_orders_batch(client_order_ids=["sdk-b0", "sdk-nope"])
    statuses = [r["status"] for r in cancelled["results"]]
    assert statuses == ["QUEUED_FOR_CANCELLATION", "NOT_FOUND"], statuses
    api.cancel_all_orders({"market": MARKET})
    assert not api.fetch_orders({"market": MARKET})["results"]
    print("ok  submit_orders_batch, cancel_orders_batch, cancel_all_orders")

    summary = api.fetch_account_summary()
    balances = api.fetch_balances()["results"]
    positions = api.fetch_positions()["results"]
    history = api.fetch_orders_history({"market": MARKET, "page_size": 2})
    assert len(history["results"]) == 2 and history["next"], history
    print(
        f"ok  account value {summary.account_value}, USDC {balances[0]['size']}, "
        f"{len(positions)} position(s), history paginates"
    )

    # A signature over other terms must be refused: sign 0.1, send 0.2.
    forged = Order(MARKET, OrderType.Limit, OrderSide.Buy, Decimal("0.1"), bid)
    forged.signature = account.sign_order(forged)
    body = forged.dump_to_dict()
    body["size"] = "0.2"
    expect_error("forged order", lambda: api._post_authorized(path="orders", payload=body), "INVALID_ORDER_SIGNATURE")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default="target/release/paradex-mock", help="path to the paradex-mock binary")
    args = parser.parse_args()
    proc, http_url = start_mock(args.bin)
    try:
        run(http_url)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
    print(json.dumps({"result": "all SDK steps passed", "mock": http_url}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
