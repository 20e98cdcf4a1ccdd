"""Zero-copy Paradex market data from shared memory, STARK signing and execution.

Native parts (need the compiled extension): :class:`RingReader`, :class:`ZeroCopyBatch`,
:class:`Signer`, :class:`FeedHandler`, :class:`HttpClient` (public REST), :class:`ExecClient`
(authenticated trading), :func:`record_dtype`, :func:`record_fields`, :func:`layout_info` and the
exceptions (:class:`ParadexError` and subclasses). Pure-Python parts that work without it:
:mod:`paradex_core.ringfile` (a numpy-only ring reader) and :mod:`paradex_core.frames`
(pandas helpers).
"""

from paradex_core import frames, ringfile
from paradex_core._native import (
    AuthError,
    ConfigError,
    ExchangeError,
    ExecClient,
    ExecError,
    ExecTimeoutError,
    ExecTransportError,
    FeedHandler,
    HttpClient,
    LappedError,
    ParadexError,
    RingError,
    RateLimitedError,
    RingReader,
    SignError,
    Signer,
    StaleViewError,
    WriterDeadError,
    ZeroCopyBatch,
    __version__,
    layout_info,
    record_dtype,
    record_fields,
)
from paradex_core.frames import mid_and_spread, to_dataframe

__all__ = [
    "AuthError",
    "ConfigError",
    "ExchangeError",
    "ExecClient",
    "ExecError",
    "ExecTimeoutError",
    "ExecTransportError",
    "FeedHandler",
    "HttpClient",
    "LappedError",
    "ParadexError",
    "RateLimitedError",
    "RingError",
    "RingReader",
    "SignError",
    "Signer",
    "StaleViewError",
    "WriterDeadError",
    "ZeroCopyBatch",
    "__version__",
    "frames",
    "layout_info",
    "mid_and_spread",
    "record_dtype",
    "record_fields",
    "ringfile",
    "to_dataframe",
]
