"""Ring records to pandas DataFrames, with prices scaled exactly and market symbols resolved.

Prices, sizes and rates are i64 mantissas at exponent -8. ``to_dataframe`` turns them into:

* ``float64`` (default): ``mantissa / 1e8``, the double nearest the exact decimal whenever
  ``|mantissa| < 2**53`` (division, not multiplication by ``1e-8``, which can be off by one ulp),
  so ``str(value)`` prints the decimal the exchange sent; or
* ``decimal.Decimal`` objects (``exact=True``): exact for every mantissa, for accounting.

The null mantissa (``i64::MIN``, an empty book side or an unknown rate) becomes NaN / None.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Mapping, Optional

import numpy as np

from paradex_core.ringfile import NULL_PRICE, PRICE_FIELDS

_SCALE = Decimal(10) ** -8


def _kind_of(records: np.ndarray) -> str:
    names = set(records.dtype.names or ())
    for kind, fields in PRICE_FIELDS.items():
        if set(fields) <= names and ("trade_type" in names) == (kind == "trade") and (
            ("seq" in names and "flags" in names) == (kind == "book_level")
        ):
            return kind
    raise ValueError(f"not a ring record array: fields {sorted(names)}")


def scale_prices(mantissas: np.ndarray) -> np.ndarray:
    """i64 mantissas (exponent -8) to float64, nulls to NaN."""
    values = np.asarray(mantissas, dtype=np.int64)
    out = values.astype(np.float64) / 1e8
    out[values == NULL_PRICE] = np.nan
    return out


def exact_prices(mantissas: np.ndarray) -> list:
    """i64 mantissas (exponent -8) to exact ``Decimal`` values, nulls to None."""
    return [None if m == NULL_PRICE else Decimal(int(m)).scaleb(-8)
            for m in np.asarray(mantissas, dtype=np.int64).tolist()]


def to_dataframe(records: np.ndarray, symbols: Optional[Mapping[int, str]] = None,
                 exact: bool = False, kind: Optional[str] = None):
    """A DataFrame of ring records (from ``RingReader.poll``, a zero-copy batch or RingFile).

    ``symbols`` (``reader.symbols()``) adds a categorical ``symbol`` column from ``market_id``;
    ``ts_exchange`` becomes a UTC ``datetime64[ns]`` column ``time``; ``ts_recv`` (monotonic
    ns, host-local) stays an integer.
    """
    import pandas as pd

    records = np.asarray(records)
    kind = kind or _kind_of(records)
    data = {}
    data["time"] = pd.to_datetime(records["ts_exchange"], unit="ns", utc=True)
    for name in records.dtype.names:
        if name in ("ts_exchange", "reserved"):
            continue
        column = records[name]
        if name in PRICE_FIELDS[kind]:
            data[name] = exact_prices(column) if exact else scale_prices(column)
        else:
            data[name] = np.array(column)
    frame = pd.DataFrame(data)
    if symbols is not None:
        frame.insert(1, "symbol", pd.Categorical(
            [symbols.get(int(m)) for m in records["market_id"].tolist()]))
    return frame


def mid_and_spread(bbo: np.ndarray) -> "tuple[np.ndarray, np.ndarray]":
    """Mid price and spread (float64) of BBO records; NaN where a side is empty."""
    bid, ask = scale_prices(bbo["bid_px"]), scale_prices(bbo["ask_px"])
    return (bid + ask) / 2, ask - bid
