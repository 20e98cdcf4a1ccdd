"""Every exception ``paradex_core`` raises, in one place (defined by the extension).

``ParadexError`` is the base; ``RingError`` (with ``LappedError``, ``WriterDeadError`` and
``StaleViewError``), ``SignError``, ``ExecError`` and ``ConfigError`` derive from it.
"""

from paradex_core._native import (
    ConfigError,
    ExecError,
    LappedError,
    ParadexError,
    RingError,
    SignError,
    StaleViewError,
    WriterDeadError,
)

__all__ = [
    "ConfigError",
    "ExecError",
    "LappedError",
    "ParadexError",
    "RingError",
    "SignError",
    "StaleViewError",
    "WriterDeadError",
]
