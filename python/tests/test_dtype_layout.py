"""The numpy dtypes come from the Rust layout; the pure-numpy reader agrees with them."""

import numpy as np
import pytest

import paradex_core as pc
from paradex_core import ringfile

KINDS = ["bbo", "trade", "book_level", "mark_funding"]


@pytest.mark.parametrize("kind", KINDS)
def test_dtype_matches_rust_fields(kind):
    dtype = pc.record_dtype(kind)
    fields = pc.record_fields(kind)
    assert dtype.itemsize == 56 == pc.layout_info()["kinds"][kind]["size"]
    assert list(dtype.names) == [name for name, *_ in fields]
    for name, offset, numpy_type, _rust in fields:
        assert dtype.fields[name][1] == offset, name
        assert dtype.fields[name][0] == np.dtype(numpy_type), name
    # The fields tile the record with no padding.
    ends = sorted((off, off + np.dtype(t).itemsize) for _, off, t, _ in fields)
    assert ends[0][0] == 0 and ends[-1][1] == 56
    assert all(a[1] == b[0] for a, b in zip(ends, ends[1:]))


@pytest.mark.parametrize("kind", KINDS)
def test_pure_reader_layout_equals_native(kind):
    assert ringfile.record_dtype(kind) == pc.record_dtype(kind)
    info = pc.layout_info()
    assert ringfile.layout_hash(kind) == info["kinds"][kind]["layout_hash"]
    assert ringfile.MAGIC == info["magic"]
    assert ringfile.LAYOUT_VERSION == info["layout_version"]
    assert ringfile.DATA_OFFSET == info["data_offset"]
    assert ringfile.OFF_TAIL == info["tail_offset"]
    assert ringfile.OFF_HEALTH == info["health_offset"]
    assert ringfile.OFF_SYMBOLS == info["symbols_offset"]
    assert ringfile.OFF_WRITER_EPOCH == info["writer_epoch_offset"]


def test_unknown_kind_is_a_config_error():
    with pytest.raises(pc.ConfigError, match="unknown record kind"):
        pc.record_dtype("quote")
