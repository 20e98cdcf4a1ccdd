"""Every exception ``paradex_core`` raises, in one place (defined by the extension).

``ParadexError`` is the base; ``RingError`` (with ``LappedError``, ``WriterDeadError`` and
``StaleViewError``), ``SignError``, ``ExecError`` and ``ConfigError`` derive from it.
``ExecError`` covers the execution path: ``ExchangeError`` (the exchange refused; ``.status``,
``.code``, ``.message``) with ``AuthError`` and ``RateLimitedError`` under it,
``ExecTimeoutError`` (outcome unknown: query the order by client id) and ``ExecTransportError``.
"""

from paradex_core._native import (
    AuthError,
    ConfigError,
    ExchangeError,
    ExecError,
    ExecTimeoutError,
    ExecTransportError,
    LappedError,
    ParadexError,
    RateLimitedError,
    RingError,
    SignError,
    StaleViewError,
    WriterDeadError,
)

__all__ = [
    "AuthError",
    "ConfigError",
    "ExchangeError",
    "ExecError",
    "ExecTimeoutError",
    "ExecTransportError",
    "LappedError",
    "ParadexError",
    "RateLimitedError",
    "RingError",
    "SignError",
    "StaleViewError",
    "WriterDeadError",
]
