"""Starting and stopping the Rust feed handler from Python."""

import socket

import pytest

import paradex_core as pc


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_feed_handler_creates_rings_reports_and_stops(ring_dir, ring_name):
    feed = ring_name.replace(".", "_")
    config = f"""
url = "ws://127.0.0.1:{closed_port()}/v1"
markets = ["BTC-USD-PERP", "ETH-USD-PERP"]
channels = ["bbo", "trades"]
rings_dir = "{ring_dir}"
feed_name = "{feed}"
ring_capacity = 1024
backoff_initial_ms = 10
"""
    with pc.FeedHandler(config) as handler:
        assert handler.running and handler.feed_name == feed
        stats = handler.stats()
        assert stats is not None and stats["state"] == "disconnected"
        reader = pc.RingReader(f"paradex.{feed}.bbo", directory=str(ring_dir))
        assert reader.symbols() == {0: "BTC-USD-PERP", 1: "ETH-USD-PERP"}
        assert reader.writer_status(max_age=60) == "alive"
    assert not handler.running and handler.stats() is None
    assert reader.writer_status() == "closed"
    handler.stop()  # idempotent


def test_feed_handler_bad_config_is_a_config_error():
    with pytest.raises(pc.ConfigError, match="invalid feed config"):
        pc.FeedHandler('markets = ["BTC-USD-PERP"]\nchannels = ["nope"]\n')
