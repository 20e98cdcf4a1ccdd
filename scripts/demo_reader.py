"""The demo's live reader: attaches to the feed's rings and prints mid-price, spread and feed health.

Usage: python scripts/demo_reader.py --feed demo [--dir /dev/shm] [--seconds N]
Runs until Ctrl-C, or for N seconds (then exits 0 if it saw data, 1 if it saw none).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import paradex_core as pc

NULL_PRICE = -(2**63)
SCALE = 10**8


def open_when_ready(name: str, directory: str, deadline: float) -> pc.RingReader:
    """The feed creates its rings once connected; wait for them rather than fail."""
    while True:
        try:
            return pc.RingReader(name, directory=directory, start="oldest")
        except pc.RingError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def price(mantissa: int) -> str:
    return "—" if mantissa == NULL_PRICE else f"{mantissa / SCALE:,.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feed", default="demo")
    parser.add_argument("--dir", default="/dev/shm")
    parser.add_argument("--seconds", type=float, default=0.0, help="0 = until Ctrl-C")
    args = parser.parse_args()

    started = time.monotonic()
    bbo = open_when_ready(f"paradex.{args.feed}.bbo", args.dir, started + 30)
    trades = open_when_ready(f"paradex.{args.feed}.trade", args.dir, started + 30)
    latest: dict[int, tuple[int, int, int, int]] = {}
    counts = {"bbo": 0, "trade": 0, "lost": 0}
    next_print = time.monotonic()
    try:
        while args.seconds <= 0 or time.monotonic() - started < args.seconds:
            for rec in bbo.poll(on_lap="count"):
                latest[int(rec["market_id"])] = (
                    int(rec["bid_px"]), int(rec["ask_px"]), int(rec["bid_sz"]), int(rec["ask_sz"]),
                )
                counts["bbo"] += 1
            counts["trade"] += len(trades.poll(on_lap="count"))
            counts["lost"] = bbo.lost + trades.lost
            now = time.monotonic()
            if now >= next_print:
                next_print = now + 1.0
                print_screen(bbo, latest, counts)
            time.sleep(0.001)
    except KeyboardInterrupt:
        pass
    return 0 if counts["bbo"] > 0 else 1


def print_screen(bbo: pc.RingReader, latest: dict, counts: dict) -> None:
    lines = [f"writer {bbo.writer_status()}  bbo {counts['bbo']}  trades {counts['trade']}  "
             f"lost {counts['lost']}"]
    for market_id, (bid, ask, bid_sz, ask_sz) in sorted(latest.items()):
        symbol = bbo.symbol(market_id) or f"#{market_id}"
        if NULL_PRICE in (bid, ask):
            lines.append(f"  {symbol:<14} bid {price(bid):>12}  ask {price(ask):>12}")
            continue
        mid = (bid + ask) / 2
        spread_bps = (ask - bid) / mid * 1e4
        lines.append(f"  {symbol:<14} bid {price(bid):>12} x {bid_sz / SCALE:<8g} "
                     f"ask {price(ask):>12} x {ask_sz / SCALE:<8g} "
                     f"mid {mid / SCALE:>12,.3f}  spread {spread_bps:6.2f} bps")
    health = {k: v for k, v in bbo.health().items() if v}
    lines.append("  health " + "  ".join(f"{k}={v}" for k, v in sorted(health.items())))
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    sys.exit(main())
