#!/usr/bin/env python
"""paradex-py signing in its own interpreter, for `bench_nautilus_order.py`'s baseline path.

paradex-py 0.8.2 and nautilus_trader 1.221.0 usually live in different virtualenvs, so the
benchmark's pure-Python exec client signs through this helper, started once in the SDK's
interpreter and kept running. The protocol is framed on stdin/stdout: each message is a 4-byte
big-endian length, then that many bytes of JSON. Requests and their answers:

- ``{"op": "init", "key": hex, "account": hex, "chain": "<chain name>"}`` -> ``{"ok": true}``
- ``{"op": "auth", "timestamp": s, "expiry": s}`` -> ``{"signature": "[r,s]"}`` (the
  ``PARADEX-STARKNET-SIGNATURE`` header of ``POST /auth``)
- ``{"op": "order", "market", "side": "BUY"|"SELL", "size", "price", "client_id",
  "instruction"}`` -> ``{"body": "<JSON of the signed order>"}``, built and signed by the SDK
  (`Order`, `build_order_message`, its STARK signature) exactly as in-process
- ``{"op": "ping"}`` -> ``{}`` (measures the round trip alone)

Any failure answers ``{"error": "<type>: <message>"}``; the key never appears in an answer.
"""

from __future__ import annotations

import json
import struct
import sys
from decimal import Decimal

HEADER = struct.Struct(">I")


class SdkSigner:
    """Signs auth requests and orders with paradex-py (imported lazily: only this helper, or a
    benchmark interpreter that has the SDK, needs it)."""

    def __init__(self, key: str, account: str, chain: str) -> None:
        self._key = int(key, 16)
        self._account = int(account, 16)
        self._chain = int.from_bytes(chain.encode(), "big")

    def _sign(self, typed_data) -> str:
        from paradex_py.account.utils import (
            flatten_signature,
            message_signature,
            typed_data_to_message_hash,
        )

        digest = typed_data_to_message_hash(typed_data, self._account)
        return flatten_signature(list(message_signature(digest, self._key)))

    def auth_signature(self, timestamp: int, expiry: int) -> str:
        from paradex_py.message.auth import build_auth_message

        return self._sign(build_auth_message(self._chain, timestamp, expiry))

    def order_body(self, market: str, side: str, size: str, price: str, client_id: str,
                   instruction: str) -> str:
        from paradex_py.common.order import Order, OrderSide, OrderType
        from paradex_py.message.order import build_order_message

        order = Order(market=market, order_type=OrderType.Limit,
                      order_side=OrderSide.Buy if side == "BUY" else OrderSide.Sell,
                      size=Decimal(size), limit_price=Decimal(price), client_id=client_id,
                      instruction=instruction)
        order.signature = self._sign(build_order_message(self._chain, order))
        return json.dumps(order.dump_to_dict())


def read_frame(stream) -> dict | None:
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (size,) = HEADER.unpack(header)
    payload = stream.read(size)
    if len(payload) < size:
        raise EOFError(f"frame cut short: {len(payload)} of {size} bytes")
    return json.loads(payload)


def write_frame(stream, message: dict) -> None:
    payload = json.dumps(message).encode()
    stream.write(HEADER.pack(len(payload)) + payload)
    stream.flush()


def answer(signer: SdkSigner | None, request: dict) -> tuple[SdkSigner | None, dict]:
    op = request.get("op")
    if op == "ping":
        return signer, {}
    if op == "init":
        try:
            return SdkSigner(request["key"], request["account"], request["chain"]), {"ok": True}
        except (KeyError, ValueError, AttributeError):  # the message would quote the key
            return signer, {"error": "init needs hex 'key' and 'account' and a 'chain' name"}
    if signer is None:
        return signer, {"error": f"{op!r} before init"}
    if op == "auth":
        return signer, {"signature": signer.auth_signature(int(request["timestamp"]),
                                                           int(request["expiry"]))}
    if op == "order":
        return signer, {"body": signer.order_body(
            request["market"], request["side"], request["size"], request["price"],
            request["client_id"], request["instruction"])}
    return signer, {"error": f"unknown op {op!r}"}


def serve(stdin=None, stdout=None) -> int:
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout.buffer
    signer = None
    while (request := read_frame(stdin)) is not None:
        try:
            signer, reply = answer(signer, request)
        except Exception as e:  # reported to the caller, who fails the run
            reply = {"error": f"{type(e).__name__}: {e}"}
        write_frame(stdout, reply)
    return 0


if __name__ == "__main__":
    sys.exit(serve())
