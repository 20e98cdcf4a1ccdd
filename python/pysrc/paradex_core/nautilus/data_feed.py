"""The feed behind `ParadexDataClient`: a supervised in-process `paradex_core.FeedHandler`
(managed mode) or the rings of an external `paradex-feed` (attached mode)."""

from __future__ import annotations

import ctypes
import json
import os
import sys
from pathlib import Path

RING_KINDS = ("bbo", "trade", "book_level", "mark_funding")
FEED_CHANNELS = ("bbo", "trades", "book_deltas", "markets_summary", "funding_data")
HEALTH_LOGGED = ("reconnects", "book_gaps", "parse_errors", "unknown_templates",
                 "malformed_frames", "stale_dropped")


PR_SET_TIMERSLACK = 29
TIMER_SLACK_NS = 1_000


def reader_spin_s(config, kind: str, timeout_s: float) -> float:
    """Seconds a reader of ring `kind` spins before parking, for `config.reader_wait`."""
    if kind == "mark_funding" or config.reader_wait == "park":
        return 0.0
    if config.reader_wait == "busy":
        return timeout_s
    return config.reader_spin_us / 1e6


def precise_sleeps() -> bool:
    """Cuts the calling thread's timer slack to 1 µs, so a parked reader's 100 µs sleeps
    are not stretched by the default 50 µs slack (Linux only; False elsewhere)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_TIMERSLACK, TIMER_SLACK_NS, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def default_feed_name() -> str:
    return f"nautilus-{os.getpid()}"


def ring_path(rings_dir: str, feed_name: str, kind: str) -> Path:
    return Path(rings_dir) / f"paradex.{feed_name}.{kind}"


def feed_config_toml(*, ws_url: str, markets: list[str], rings_dir: str, feed_name: str,
                     core: int | None, busy_poll: bool, json_only: bool,
                     ca_file: str | None, ring_capacity: int = 1 << 16) -> str:
    """The `paradex-feed` TOML (same format as `feed/paradex-feed.example.toml`) for a data
    client config: every market-data channel, the market list in ring-id order."""
    if not markets:
        raise ValueError("the Paradex feed needs at least one market")
    # JSON string literals are valid TOML basic strings (quotes and backslashes escaped).
    lines = [
        f"url = {json.dumps(ws_url)}",
        f"markets = {json.dumps(list(markets))}",
        f"channels = {json.dumps(list(FEED_CHANNELS))}",
        f"rings_dir = {json.dumps(str(rings_dir))}",
        f"feed_name = {json.dumps(feed_name)}",
        f"ring_capacity = {int(ring_capacity)}",
        f"poll_mode = {json.dumps('busy_poll' if busy_poll else 'epoll')}",
        f"json_only = {'true' if json_only else 'false'}",
    ]
    if core is not None:
        lines.append(f"core = {int(core)}")
    if ca_file:
        lines.append(f"ca_file = {json.dumps(str(ca_file))}")
    return "\n".join(lines) + "\n"


class HealthWatch:
    """Remembers the rings' feed-health counters and reports what changed since last time."""

    def __init__(self) -> None:
        self._last: dict[str, int] = {}

    def changes(self, health: dict[str, int]) -> dict[str, int]:
        out = {}
        for name in HEALTH_LOGGED:
            value = int(health.get(name, 0))
            before = self._last.get(name)
            if before is not None and value > before:
                out[name] = value - before
            self._last[name] = value
        return out
