"""Zero-copy polls commit the reader's progress: the registry shows a `poll_view()` reader's
real cursor and lap loss, and the loss reaches the header's `laps_observed` counter."""

import pytest

import paradex_core as pc
from paradex_core.ringfile import RingFile
from patterns import check_bbo


def registry_entry(reader):
    return next(r for r in reader.readers() if r["slot"] == reader.registry_slot)


def test_zero_copy_polls_commit_cursor_and_lap_loss(spawn, ring_dir, ring_name):
    spawn("--count", "0", "--capacity", "16").wait_exit()
    reader = pc.RingReader(ring_name, directory=str(ring_dir), start="next")
    spawn("--count", "10", "--capacity", "16").wait_exit()
    assert len(reader.poll_view()) == 10
    entry = registry_entry(reader)
    assert (entry["cursor"], entry["lost"]) == (10, 0)

    spawn("--count", "100", "--capacity", "16").wait_exit()
    # Tail 110, capacity 16: resume at 95, so 85 lost; the batch stops at the ring end (96).
    with pytest.raises(pc.LappedError) as err:
        reader.poll_view()
    assert err.value.lost == 85
    entry = registry_entry(reader)
    assert (entry["cursor"], entry["lost"]) == (96, 85)
    assert len(reader.poll_view()) == 14
    assert registry_entry(reader)["cursor"] == 110
    pure = RingFile(ring_name, directory=str(ring_dir), start="next")
    assert pure.health()["laps_observed"] == 85
    pure.close()
    # A copy poll after zero-copy polls continues from the same place.
    spawn("--count", "3", "--capacity", "16").wait_exit()
    records = reader.poll()
    check_bbo(records, 0)  # each ring_writer run numbers its records from 0
    assert len(records) == 3 and registry_entry(reader)["cursor"] == 113
