"""Rust writer process → Python readers: copy mode, zero-copy views, laps, writer liveness."""

import time

import numpy as np
import pytest

import paradex_core as pc
from paradex_core.ringfile import LappedError as PureLappedError
from paradex_core.ringfile import RingFile, RingFileError
from patterns import check_bbo


def test_copy_poll_across_processes(spawn, ring_dir, ring_name):
    writer = spawn("--count", "500", "--capacity", "1024", "--wait-go", "--hold-ms", "3000")
    reader = pc.RingReader(ring_name, directory=str(ring_dir), start="next")
    assert reader.kind == "bbo" and reader.capacity == 1024
    writer.go()
    got = []
    deadline = time.monotonic() + 10
    while sum(map(len, got)) < 500 and time.monotonic() < deadline:
        got.append(reader.poll(timeout=1.0))
    records = np.concatenate(got)
    assert len(records) == 500 and reader.lost == 0
    assert records.dtype == pc.record_dtype("bbo") and records.flags.writeable
    check_bbo(records, 0)
    assert reader.symbols() == {0: "BTC-USD-PERP", 1: "ETH-USD-PERP"}
    assert reader.symbol(1) == "ETH-USD-PERP" and reader.market_id("BTC-USD-PERP") == 0
    assert reader.writer_status() == "alive"
    reader.check_writer()
    assert reader.registry_slot is not None
    assert any(r["cursor"] == 500 for r in reader.readers())
    # A second, unregistered reader and the pure-numpy reader see the same records.
    other = pc.RingReader(str(ring_dir / ring_name), "bbo", start="oldest", register=False)
    assert other.registry_slot is None
    np.testing.assert_array_equal(other.poll(), records)
    pure = RingFile(ring_name, directory=str(ring_dir), start="oldest")
    np.testing.assert_array_equal(pure.poll(), records)
    assert pure.health()["messages"] == 500 and pure.writer_status() == "alive"
    assert pure.symbols() == reader.symbols()
    pure.close()


def test_poll_respects_max_records_and_empty(spawn, ring_dir, ring_name):
    writer = spawn("--count", "10", "--hold-ms", "2000")
    writer.wait_published()
    reader = pc.RingReader(ring_name, directory=str(ring_dir), start="oldest")
    first = reader.poll(4)
    rest = reader.poll()
    check_bbo(np.concatenate([first, rest]), 0)
    assert len(first) == 4 and len(rest) == 6 and reader.behind == 0
    empty = reader.poll()
    assert len(empty) == 0 and empty.dtype == reader.dtype


def test_zero_copy_view_is_the_shared_memory(spawn, ring_dir, ring_name):
    first = spawn("--count", "8", "--capacity", "16")
    first.wait_exit()
    reader = pc.RingReader(ring_name, directory=str(ring_dir), start="oldest", register=False)
    batch = reader.poll_view()
    view = batch.records
    assert len(batch) == 8 and batch.first_seq == 0 and batch.lost == 0
    assert view.base is reader and not view.flags.owndata and not view.flags.writeable
    assert view.strides == (64,) and view.dtype == reader.dtype
    check_bbo(view, 0)
    before = view.copy()
    assert batch.still_valid()
    with pytest.raises(ValueError):
        view["bid_px"][0] = 1
    # A restarted writer continues at sequence 8 and wraps onto the viewed slots: the view
    # shows the new bytes without any call into the reader, so its memory is the segment.
    second = spawn("--count", "16", "--capacity", "16")
    second.wait_exit()
    assert reader.writer_restarted() and not reader.writer_restarted()
    assert not np.array_equal(view, before)
    np.testing.assert_array_equal(view["ts_exchange"], np.arange(8, 16))
    assert not batch.still_valid()
    with pytest.raises(pc.StaleViewError, match="overwritten"):
        batch.copy()


def test_zero_copy_batch_expires_at_next_poll(spawn, ring_dir, ring_name):
    spawn("--count", "20", "--capacity", "16").wait_exit()
    reader = pc.RingReader(ring_name, directory=str(ring_dir), start="oldest")
    batch = reader.poll_view()
    check_bbo(batch.copy(), 4)  # 20 records in 16 slots: the oldest retained is 4
    assert len(batch) == 12  # a batch stops at the ring end: seqs 4..15 are slots 4..15
    nxt = reader.poll_view()
    assert nxt.first_seq == 16 and len(nxt) == 4
    check_bbo(nxt.records, 16)
    assert not batch.still_valid()
    with pytest.raises(pc.StaleViewError, match="next poll"):
        batch.records
    # Switching back to copy mode continues where the views stopped.
    assert len(reader.poll()) == 0 and reader.cursor == 20 and reader.lost == 0


def test_lapped_reader_learns_the_exact_loss(spawn, ring_dir, ring_name):
    spawn("--count", "0", "--capacity", "16").wait_exit()
    copy_reader = pc.RingReader(ring_name, directory=str(ring_dir), start="next")
    view_reader = pc.RingReader(ring_name, directory=str(ring_dir), start="next")
    pure = RingFile(ring_name, directory=str(ring_dir), start="next")
    spawn("--count", "100", "--capacity", "16").wait_exit()
    # resume = tail - (capacity - 1) = 85: exactly 85 records lost, 15 delivered.
    with pytest.raises(pc.LappedError) as err:
        copy_reader.poll()
    assert err.value.lost == 85 and copy_reader.lost == 85 and copy_reader.last_lost == 85
    check_bbo(err.value.records, 85)
    assert len(err.value.records) == 15
    with pytest.raises(pc.LappedError) as err:
        view_reader.poll_view()
    assert err.value.lost == 85
    check_bbo(err.value.records, 85)
    with pytest.raises(PureLappedError) as perr:
        pure.poll()
    assert perr.value.lost == 85 and len(perr.value.records) == 15
    # on_lap="count" only counts.
    counting = pc.RingReader(ring_name, directory=str(ring_dir), start="oldest")
    spawn("--count", "40", "--capacity", "16").wait_exit()
    out = counting.poll(on_lap="count")  # cursor 84 (oldest), tail 140: resumes at 125
    assert counting.lost == counting.last_lost == 41 and len(out) == 15


def test_dead_writer_is_reported(spawn, ring_dir, ring_name):
    spawn("--count", "5", "--exit", "crash").wait_exit()
    reader = pc.RingReader(ring_name, directory=str(ring_dir), start="next")
    assert reader.writer_status() == "dead"
    assert RingFile(ring_name, directory=str(ring_dir)).writer_status() == "dead"
    with pytest.raises(pc.WriterDeadError, match="dead"):
        reader.check_writer()
    t0 = time.monotonic()
    with pytest.raises(pc.WriterDeadError, match="restart the feed handler"):
        reader.poll(timeout=5.0)
    assert time.monotonic() - t0 < 2.0  # detected by the periodic check, not the timeout


def test_closed_and_hung_writers(spawn, ring_dir, ring_name):
    spawn("--count", "3").wait_exit()
    reader = pc.RingReader(ring_name, directory=str(ring_dir), start="next")
    assert reader.writer_status() == "closed"
    assert reader.writer_info()["state"] == "closed"
    with pytest.raises(pc.WriterDeadError):
        reader.poll(timeout=0.2)
    hung = spawn("--count", "1", "--exit", "hang", "--hold-ms", "3000")
    hung.wait_published()
    time.sleep(0.2)
    assert reader.writer_status(max_age=0.1) == "stale"
    assert reader.writer_restarted()
    with pytest.raises(pc.WriterDeadError, match="stale"):
        reader.check_writer(max_age=0.1)
    assert len(reader.poll(timeout=1.0)) == 1  # a stale writer can still deliver


def test_errors_are_clear(ring_dir, ring_name, tmp_path):
    with pytest.raises(pc.RingError, match="is the writer running"):
        pc.RingReader(ring_name, directory=str(ring_dir))
    junk = tmp_path / "junk"
    junk.write_bytes(b"\0" * 0x14000)
    with pytest.raises(pc.RingError):
        pc.RingReader(str(junk))
    with pytest.raises(RingFileError, match="bad magic"):
        RingFile(str(junk))
    with pytest.raises(pc.ConfigError, match="start"):
        pc.RingReader(str(junk), "bbo", start="latest")
    for exc in (pc.RingError, pc.SignError, pc.ExecError, pc.ConfigError):
        assert issubclass(exc, pc.ParadexError)
    for exc in (pc.LappedError, pc.WriterDeadError, pc.StaleViewError):
        assert issubclass(exc, pc.RingError)


def test_wrong_kind_is_refused(spawn, ring_dir, ring_name):
    spawn("--count", "1", "--kind", "trade").wait_exit()
    with pytest.raises(pc.RingError, match="trade"):
        pc.RingReader(ring_name, "bbo", directory=str(ring_dir))
    reader = pc.RingReader(ring_name, directory=str(ring_dir), start="oldest")
    assert reader.kind == "trade" and len(reader.poll()) == 1
