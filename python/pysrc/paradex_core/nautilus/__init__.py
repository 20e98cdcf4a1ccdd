"""NautilusTrader adapter for Paradex (`nautilus_trader==1.221.0`).

Market data comes from the shared-memory rings the Rust feed handler fills (no Python
WebSocket code on the data path); execution goes through the Rust `paradex_core.ExecClient`.
Usage: `docs/nautilus.md`.
"""

from __future__ import annotations

from typing import Any

import nautilus_trader

if nautilus_trader.__version__ != "1.221.0":  # pragma: no cover - guarded by the pin
    raise ImportError(
        f"paradex_core.nautilus is built for nautilus_trader 1.221.0, found "
        f"{nautilus_trader.__version__}: install nautilus_trader==1.221.0"
    )

from paradex_core.nautilus.common import (  # noqa: E402
    PARADEX,
    PARADEX_CLIENT_ID,
    PARADEX_VENUE,
    ParadexEnvironment,
    resolve_credentials,
    resolve_urls,
)
from paradex_core.nautilus.config import (  # noqa: E402
    ParadexDataClientConfig,
    ParadexExecClientConfig,
)
from paradex_core.nautilus.data import ParadexDataClient  # noqa: E402
from paradex_core.nautilus.factories import (  # noqa: E402
    ParadexLiveDataClientFactory,
    ParadexLiveExecClientFactory,
)
from paradex_core.nautilus.providers import ParadexInstrumentProvider  # noqa: E402


def __getattr__(name: str) -> Any:
    # The execution client is imported on first use, so the data side works on its own.
    if name == "ParadexExecutionClient":
        from paradex_core.nautilus.execution import ParadexExecutionClient

        return ParadexExecutionClient
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "PARADEX",
    "PARADEX_CLIENT_ID",
    "PARADEX_VENUE",
    "ParadexDataClient",
    "ParadexDataClientConfig",
    "ParadexEnvironment",
    "ParadexExecClientConfig",
    "ParadexExecutionClient",
    "ParadexInstrumentProvider",
    "ParadexLiveDataClientFactory",
    "ParadexLiveExecClientFactory",
    "resolve_credentials",
    "resolve_urls",
]
