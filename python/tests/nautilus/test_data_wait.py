"""How ParadexDataClient's reader threads wait for records: the config, the `RingReader.poll`
wait they use, and quotes reaching a strategy under every wait strategy."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("nautilus_trader")

import paradex_core as pc  # noqa: E402

from data_recorder import Recorder, RecorderConfig  # noqa: E402
from paradex_core.nautilus import ParadexDataClientConfig  # noqa: E402
from paradex_core.nautilus.data_feed import reader_spin_s  # noqa: E402
from test_data_node import BTC, data_config  # noqa: E402


def test_reader_wait_is_validated_with_a_clear_error():
    with pytest.raises(ValueError, match=r"reader_wait='spin': expected one of "
                                         r"'park', 'busy', 'spin_then_park'"):
        ParadexDataClientConfig(reader_wait="spin")
    with pytest.raises(ValueError, match=r"reader_spin_us=-1: expected 0 to 1000000"):
        ParadexDataClientConfig(reader_spin_us=-1)
    # A node config file goes through Nautilus's own decoding: same check.
    with pytest.raises(Exception, match="reader_wait='fast'"):
        ParadexDataClientConfig.parse('{"reader_wait": "fast"}')
    assert ParadexDataClientConfig.parse('{"reader_wait": "busy"}').reader_wait == "busy"


def test_each_ring_kind_gets_its_spin():
    timeout = 0.05
    busy = ParadexDataClientConfig(reader_wait="busy")
    assert reader_spin_s(busy, "bbo", timeout) == timeout  # never parks
    assert reader_spin_s(busy, "mark_funding", timeout) == 0.0  # seconds apart: always parks
    spin = ParadexDataClientConfig(reader_wait="spin_then_park", reader_spin_us=250)
    assert reader_spin_s(spin, "trade", timeout) == pytest.approx(250e-6)
    assert reader_spin_s(ParadexDataClientConfig(reader_wait="park"), "bbo", timeout) == 0.0


@pytest.mark.parametrize("spin", [0.0, 0.0005, 1.0])
def test_poll_waits_and_wakes_whatever_the_spin(spawn, ring_dir, ring_name, spin):
    writer = spawn("--count", "50", "--capacity", "1024", "--wait-go", "--hold-ms", "3000")
    reader = pc.RingReader(ring_name, directory=str(ring_dir), start="next")
    start = time.monotonic()
    assert len(reader.poll(timeout=0.05, spin=spin)) == 0, "nothing published: times out"
    assert time.monotonic() - start >= 0.05
    writer.go()
    got, deadline = 0, time.monotonic() + 10
    while got < 50 and time.monotonic() < deadline:
        got += len(reader.poll(timeout=1.0, spin=spin))
    assert got == 50
    with pytest.raises(Exception, match=r"spin=-1"):
        reader.poll(timeout=0.01, spin=-1.0)


@pytest.mark.parametrize("wait", ["park", "busy", "spin_then_park"])
def test_quotes_reach_the_strategy_whatever_the_wait(paradex_mock, nautilus_node, rings_dir,
                                                     feed_name, wait):
    mock = paradex_mock("--md-rate", "50")
    strategy = Recorder(RecorderConfig(instrument_id=BTC, trades=False, book=False,
                                       marks=False))
    config = data_config(mock, rings_dir, feed_name, reader_wait=wait, reader_spin_us=200)
    nautilus_node([strategy], data_clients={"PARADEX": config},
                  until=lambda: len(strategy.quotes) >= 10, timeout=20)
    assert len(strategy.quotes) >= 10
    assert [q.ts_init for q in strategy.quotes] == sorted(q.ts_init for q in strategy.quotes)
