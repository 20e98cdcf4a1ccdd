"""Zero-copy Paradex market data from shared memory, signing and execution."""

from paradex_core._native import __version__

__all__ = ["__version__"]
