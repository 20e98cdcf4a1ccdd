"""Factories a `TradingNode` uses to build the Paradex clients from their configs.

One `HttpClient` and one `ParadexInstrumentProvider` are shared per REST endpoint, so the data
and execution clients of a node load the markets once and see the same instruments.
"""

from __future__ import annotations

import asyncio
from functools import lru_cache

from nautilus_trader.cache.cache import Cache
from nautilus_trader.common.component import LiveClock, MessageBus
from nautilus_trader.config import InstrumentProviderConfig
from nautilus_trader.live.factories import LiveDataClientFactory, LiveExecClientFactory

from paradex_core.nautilus.common import resolve_credentials, resolve_urls
from paradex_core.nautilus.config import ParadexDataClientConfig, ParadexExecClientConfig
from paradex_core.nautilus.providers import ParadexInstrumentProvider

DEFAULT_HTTP_TIMEOUT_MS = 5000


@lru_cache(maxsize=None)
def get_cached_http_client(http_url: str, ca_file: str | None = None,
                           timeout_ms: int = DEFAULT_HTTP_TIMEOUT_MS):
    """The shared public REST client (`paradex_core.HttpClient`) of one endpoint (`http_url`
    is the scheme and host, `ParadexUrls.rest_base`)."""
    from paradex_core import HttpClient

    return HttpClient(http_url, ca_file=ca_file, timeout_ms=timeout_ms)


@lru_cache(maxsize=None)
def get_cached_instrument_provider(http_url: str, ca_file: str | None,
                                   config: InstrumentProviderConfig) -> ParadexInstrumentProvider:
    """The shared instrument provider of one endpoint and provider config."""
    return ParadexInstrumentProvider(client=get_cached_http_client(http_url, ca_file),
                                     config=config)


class ParadexLiveDataClientFactory(LiveDataClientFactory):
    """Builds a `ParadexDataClient`."""

    @staticmethod
    def create(loop: asyncio.AbstractEventLoop, name: str, config: ParadexDataClientConfig,
               msgbus: MessageBus, cache: Cache, clock: LiveClock):
        from paradex_core.nautilus.data import ParadexDataClient

        urls = resolve_urls(config)
        provider = get_cached_instrument_provider(urls.rest_base, config.ca_file,
                                                  config.instrument_provider)
        return ParadexDataClient(
            loop=loop,
            client=get_cached_http_client(urls.rest_base, config.ca_file),
            msgbus=msgbus,
            cache=cache,
            clock=clock,
            instrument_provider=provider,
            config=config,
            name=name,
        )


class ParadexLiveExecClientFactory(LiveExecClientFactory):
    """Builds a `ParadexExecutionClient` around a Rust `paradex_core.ExecClient`."""

    @staticmethod
    def create(loop: asyncio.AbstractEventLoop, name: str, config: ParadexExecClientConfig,
               msgbus: MessageBus, cache: Cache, clock: LiveClock):
        from paradex_core import ExecClient
        from paradex_core.nautilus.execution import ParadexExecutionClient

        urls = resolve_urls(config)
        credentials = resolve_credentials(config)
        provider = get_cached_instrument_provider(urls.rest_base, config.ca_file,
                                                  config.instrument_provider)
        exec_client = ExecClient(
            urls.rest_base,
            urls.ws_url,
            credentials.private_key,
            credentials.account_address,
            credentials.chain_id,
            ca_file=config.ca_file,
            timeout_ms=config.timeout_ms,
        )
        return ParadexExecutionClient(
            loop=loop,
            client=exec_client,
            msgbus=msgbus,
            cache=cache,
            clock=clock,
            instrument_provider=provider,
            config=config,
        )
