#!/usr/bin/env python3
"""Side-by-side order-signing cost: the official Python SDK (paradex-py) vs our Rust signer.

The SDK side runs what `ParadexAccount.sign_order` runs for one order (build the typed data,
hash it with starknet-py, sign with starknet-crypto-py, seed 32) on the first vector of
`../shared/paradex/vectors/orders.json`, checks the result against the vector, and reports the
median and p10/p90 over many calls. With `--rust` it then runs the criterion bench
`exec_sign/order_fast_template` in the same session so both figures come from one machine state.

Setup (once): python3 -m venv .venv && .venv/bin/pip install paradex-py==0.8.2
Run:          .venv/bin/python scripts/bench_sign_sdk.py --rust
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

from paradex_py.account.utils import flatten_signature, message_signature, typed_data_to_message_hash
from paradex_py.common.order import Order, OrderSide, OrderType
from paradex_py.message.order import build_order_message

REPO = Path(__file__).resolve().parent.parent
VECTORS = REPO.parent / "shared" / "paradex" / "vectors" / "orders.json"


def sdk_sign(vector: dict, timestamp_ms: int) -> str:
    """One SDK order signature (the work of ParadexAccount.sign_order)."""
    inputs = vector["inputs"]
    order = Order(
        market=inputs["market"],
        order_type=OrderType(inputs["type"]),
        order_side=OrderSide(inputs["side"]),
        size=Decimal(inputs["size"]),
        limit_price=Decimal(inputs["price"]) if inputs.get("price") else Decimal(0),
        client_id=inputs.get("client_id", ""),
        signature_timestamp=timestamp_ms,
        instruction=inputs.get("instruction", "GTC"),
    )
    chain_id = int.from_bytes(inputs["starknet_chain_id"].encode(), "big")
    typed = build_order_message(chain_id, order)
    msg_hash = typed_data_to_message_hash(typed, int(inputs["account_address"], 16))
    r, s = message_signature(msg_hash, int(inputs["l2_private_key"], 16))
    return flatten_signature([r, s])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=300)
    parser.add_argument("--rust", action="store_true", help="also run the Rust criterion bench")
    args = parser.parse_args()

    vector = json.loads(VECTORS.read_text())["vectors"][0]
    expected = vector["signature"]["signature_header_value"]
    got = sdk_sign(vector, vector["inputs"]["signature_timestamp_ms"])
    if got != expected:
        print(f"SDK signature differs from the vector: {got} != {expected}", file=sys.stderr)
        return 1

    samples = []
    base = vector["inputs"]["signature_timestamp_ms"]
    for i in range(args.iterations):
        start = time.perf_counter()
        sdk_sign(vector, base + i)  # a new timestamp per order, as in real use
        samples.append((time.perf_counter() - start) * 1e6)
    samples.sort()
    q = lambda p: samples[int((len(samples) - 1) * p)]  # noqa: E731
    print(f"paradex-py sign_order path: median {statistics.median(samples):.0f} us "
          f"(p10 {q(0.1):.0f}, p90 {q(0.9):.0f}) over {len(samples)} orders")

    if args.rust:
        env = dict(os.environ)
        env.setdefault("CARGO_TARGET_DIR", str(REPO / "target"))
        cmd = ["cargo", "bench", "-p", "paradex-benches", "--bench", "exec_sign", "--",
               "--warm-up-time", "1", "--measurement-time", "5", "order_fast_template"]
        out = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
        lines = [line for line in out.stdout.splitlines() if "time:" in line or "order_fast" in line]
        print("rust exec_sign/order_fast_template:", " ".join(line.strip() for line in lines) or out.stderr[-2000:])
        return out.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
