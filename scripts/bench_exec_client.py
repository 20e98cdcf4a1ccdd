#!/usr/bin/env python3
"""Python-side latency of `paradex_core.ExecClient.submit_order` against `paradex-mock`.

Each sample is one order, timed from the Python call to the returned dict: STARK signing in
Rust (cached template), the signed POST over a kept-alive loopback connection, the mock's
matching and reply, and the JSON turned into a dict. Orders are IOC buys below the book, so they
are accepted and closed at once and the account's open orders never pile up. Rows: blocking
calls (GIL released while waiting), the asyncio twin awaited one at a time, and a public
`HttpClient.system_time` call as the bare REST round trip without signing.

Run: python scripts/bench_exec_client.py [--quick] [--json PATH]
(needs the paradex_core extension installed, and cargo to build paradex-mock).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import secrets
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

import paradex_core as pc

REPO = Path(__file__).resolve().parents[1]
CHAIN = "PRIVATE_SN_POTC_SEPOLIA"
L1 = "0xFCAd0B19bB29D4674531d6f115237E16AfCE377c"
STARK_ORDER = 0x0800000000000010FFFFFFFFFFFFFFFFB781126DCAE7B2321E66A241ADC64D2F
_ids = itertools.count()


def mock_binary() -> str:
    sys.path.insert(0, str(REPO / "python" / "tests"))
    from conftest import cargo_executable

    return cargo_executable("paradex-mock", "paradex-mock")


def order() -> dict:
    return {"market": "ETH-USD-PERP", "side": "BUY", "type": "LIMIT", "size": "0.01",
            "price": "2851", "client_id": f"bench-{next(_ids)}", "instruction": "IOC"}


def row(case: str, samples_ns: list[int], baseline_of: str | None = None) -> dict:
    a = np.asarray(samples_ns, dtype=np.int64)
    return {"case": case, "unit": "ns", "count": int(a.size),
            "p50": int(np.percentile(a, 50)), "p99": int(np.percentile(a, 99)),
            "p999": int(np.percentile(a, 99.9)), "mean": int(a.mean()), "max": int(a.max()),
            "value": None, "target": None, "baseline_of": baseline_of}


def measure(client: pc.ExecClient, http: pc.HttpClient, count: int) -> list[dict]:
    for _ in range(50):  # warm: connections, signing templates, allocator
        client.submit_order(order())
        http.system_time()
    blocking, rest_only = [], []
    for _ in range(count):
        request = order()
        start = time.perf_counter_ns()
        client.submit_order(request)
        blocking.append(time.perf_counter_ns() - start)
    for _ in range(count):
        start = time.perf_counter_ns()
        http.system_time()
        rest_only.append(time.perf_counter_ns() - start)

    async def run_async() -> list[int]:
        samples = []
        for _ in range(count):
            request = order()
            start = time.perf_counter_ns()
            await client.submit_order_async(request)
            samples.append(time.perf_counter_ns() - start)
        return samples

    asynchronous = asyncio.run(run_async())
    blocking_case = "ExecClient.submit_order (blocking) -> paradex-mock ack"
    return [
        row(blocking_case, blocking),
        row("ExecClient.submit_order_async (asyncio, sequential) -> ack", asynchronous),
        row("HttpClient.system_time (unsigned GET, blocking)", rest_only),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="write the result file here")
    parser.add_argument("--quick", action="store_true", help="a seconds-long smoke run")
    parser.add_argument("--count", type=int, default=None, help="orders per case")
    args = parser.parse_args()
    count = args.count or (200 if args.quick else 3000)

    mock = subprocess.Popen([mock_binary(), "--md-rate", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    try:
        words = mock.stdout.readline().split()
        if words[:2] != ["paradex-mock", "listening"]:
            print(f"paradex-mock did not start: {words}", file=sys.stderr)
            return 1
        fields = dict(word.split("=", 1) for word in words[2:])
        http = pc.HttpClient(fields["http"])
        key = hex(secrets.randbelow(STARK_ORDER - 1) + 1)
        public_key = pc.Signer(key, "0x1", CHAIN).public_key
        account = http.get("/onboarding", {"account_signer_type": "starknet",
                                           "public_key": public_key})["address"]
        with pc.ExecClient(fields["http"], fields["ws"], key, account, CHAIN,
                           ethereum_account=L1) as client:
            client.connect()
            rows = measure(client, http, count)
    finally:
        mock.terminate()
        mock.wait(10)
    for r in rows:
        print(f"{r['case']:<60} p50 {r['p50'] / 1e3:8.1f} us  p99 {r['p99'] / 1e3:8.1f} us  "
              f"p99.9 {r['p999'] / 1e3:8.1f} us  (n={r['count']})")
    if args.json:
        result = {
            "bench": "exec_client", "title": "Python ExecClient submit latency vs paradex-mock",
            "machine_note": None, "rows": rows,
            "notes": ("Loopback paradex-mock (--md-rate 0), one account, IOC orders closed at "
                      "once; sequential calls, perf_counter_ns around each; includes Rust "
                      "signing (cached template), keep-alive POST, mock matching, JSON -> dict. "
                      "The mock verifies every order's STARK signature, which dominates the "
                      "gap to the unsigned GET row."),
        }
        args.json.write_text(json.dumps(result, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
