#!/usr/bin/env python3
"""Side-by-side order-signing cost: the official Python SDK (paradex-py) vs our Rust signer.

The SDK side runs what `ParadexAccount.sign_order` runs for one order (build the typed data,
hash it with starknet-py, sign with starknet-crypto-py, seed 32) on the first vector of
`../shared/paradex/vectors/orders.json`, checks the result against the vector, and reports the
median and percentiles over many calls. It then runs the criterion bench
`exec_sign/order_fast_template` in the same session, so both figures come from one machine state.

One command: `python3 scripts/bench_sign_sdk.py [--quick] [--json PATH]`. Without paradex-py
importable, it creates a throwaway venv (`$PARADEX_SDK_VENV`, default `../venvs/sdk` beside the
repo), installs paradex-py there and re-runs itself with it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VECTORS = REPO.parent / "shared" / "paradex" / "vectors" / "orders.json"
SDK_VERSION = "0.8.2"
SDK_VENV = Path(os.environ.get("PARADEX_SDK_VENV", REPO.parent / "venvs" / "sdk"))

try:
    from paradex_py.account.utils import (
        flatten_signature,
        message_signature,
        typed_data_to_message_hash,
    )
    from paradex_py.common.order import Order, OrderSide, OrderType
    from paradex_py.message.order import build_order_message
except ImportError:
    # Not in the SDK's venv: make it (once) and run again inside it.
    python = SDK_VENV / "bin" / "python"
    if Path(sys.prefix).resolve() == SDK_VENV.resolve():
        raise
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(SDK_VENV)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", f"paradex-py=={SDK_VERSION}"],
                   check=True)
    os.execv(str(python), [str(python), __file__, *sys.argv[1:]])


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


def percentiles(samples_ns: list[float]) -> dict:
    ordered = sorted(samples_ns)
    q = lambda p: int(ordered[int((len(ordered) - 1) * p)])  # noqa: E731
    return {"count": len(ordered), "p50": q(0.5), "p99": q(0.99), "p999": q(0.999),
            "mean": int(statistics.fmean(ordered)), "max": int(ordered[-1])}


def rust_figure(quick: bool) -> tuple[int | None, str]:
    """Median of the criterion bench `exec_sign/order_fast_template`, ns (and its output)."""
    env = dict(os.environ)
    env.setdefault("CARGO_TARGET_DIR", str(REPO / "target"))
    seconds = "1" if quick else "5"
    cmd = ["cargo", "bench", "-p", "paradex-benches", "--bench", "exec_sign", "--",
           "--warm-up-time", "1", "--measurement-time", seconds, "order_fast_template"]
    out = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    match = re.search(r"order_fast_template\s+time:\s+\[\S+ \S+ (\S+) (\S+)", out.stdout)
    if out.returncode != 0 or not match:
        return None, (out.stdout + out.stderr)[-2000:]
    scale = {"ns": 1, "µs": 1e3, "us": 1e3, "ms": 1e6, "s": 1e9}[match.group(2)]
    return int(float(match.group(1)) * scale), match.group(0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=None)
    parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
    parser.add_argument("--no-rust", action="store_true", help="skip the criterion bench")
    parser.add_argument("--json", type=Path, help="write the result file here")
    args = parser.parse_args()
    iterations = args.iterations or (50 if args.quick else 500)

    vector = json.loads(VECTORS.read_text())["vectors"][0]
    expected = vector["signature"]["signature_header_value"]
    got = sdk_sign(vector, vector["inputs"]["signature_timestamp_ms"])
    if got != expected:
        print(f"SDK signature differs from the vector: {got} != {expected}", file=sys.stderr)
        return 1

    samples = []
    base = vector["inputs"]["signature_timestamp_ms"]
    for i in range(iterations):
        start = time.perf_counter_ns()
        sdk_sign(vector, base + i)  # a new timestamp per order, as in real use
        samples.append(time.perf_counter_ns() - start)
    sdk = percentiles(samples)
    sdk_case = f"paradex-py {SDK_VERSION} sign_order path (Python)"
    rows = [{"case": sdk_case, "unit": "ns", **sdk, "value": None, "target": None,
             "baseline_of": "Rust fast signer (exec_sign/order_fast_template)"}]
    print(f"{sdk_case:<52} p50 {sdk['p50'] / 1e3:8.0f} us  p99 {sdk['p99'] / 1e3:8.0f} us "
          f"(n={sdk['count']})")
    status = 0
    if not args.no_rust:
        rust_ns, detail = rust_figure(args.quick)
        if rust_ns is None:
            print(f"criterion bench failed:\n{detail}", file=sys.stderr)
            status = 1
        else:
            rows.append({"case": "Rust fast signer (exec_sign/order_fast_template)",
                         "unit": "ns/op", "count": None, "p50": None, "p99": None,
                         "p999": None, "mean": None, "max": None, "value": rust_ns,
                         "target": "≤ 100 µs", "baseline_of": None})
            print(f"{'Rust fast signer (criterion median)':<52} {rust_ns / 1e3:8.1f} us   "
                  f"-> {sdk['p50'] / rust_ns:.0f}x faster than the SDK")
    if args.json:
        result = {"bench": "sign_sdk", "title": "order signing: official SDK vs Rust",
                  "machine_note": None, "rows": rows,
                  "notes": ("Same run, same machine state. SDK: one order through the "
                            "sign_order path, checked against the first vector, new timestamp "
                            "per order. Rust: criterion median of the cached-template signer.")}
        args.json.write_text(json.dumps(result, indent=1) + "\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
