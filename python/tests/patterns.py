"""The record pattern `ring_writer` publishes (record i), recomputed in numpy."""

import numpy as np


def px(i):
    return (np.asarray(i, dtype=np.int64) % 1_000_000) * 1_000 + 5_000_000_000_000


def check_bbo(records, first: int, markets: int = 2) -> None:
    i = np.arange(first, first + len(records), dtype=np.int64)
    assert (records["ts_exchange"] == i).all()
    assert (records["market_id"] == i % markets).all()
    assert (records["bid_px"] == px(i)).all()
    assert (records["bid_sz"] == i + 1).all()
    assert (records["ask_px"] == px(i) + 50_000_000).all()
    assert (records["ask_sz"] == i + 2).all()
    assert (records["flags"] == 0).all()
    assert (np.diff(records["ts_recv"]) >= 0).all()
