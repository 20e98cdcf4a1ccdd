"""Paradex venue constants, environments and credentials for the NautilusTrader adapter."""

from __future__ import annotations

import os
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from nautilus_trader.model.identifiers import ClientId, Venue

PARADEX = "PARADEX"
"""Venue string, factory key and client id (it must not contain '-': Nautilus cuts keys there)."""
PARADEX_VENUE = Venue(PARADEX)
PARADEX_CLIENT_ID = ClientId(PARADEX)

MAINNET_CHAIN_ID = "PRIVATE_SN_PARACLEAR_MAINNET"
TESTNET_CHAIN_ID = "PRIVATE_SN_POTC_SEPOLIA"

# Paradex publishes fees per account (its fee tier), not per market in `/markets`. When a market
# row carries no `fee_config`, the provider uses the venue's standard schedule: maker -0.005 %
# (a rebate), taker 0.03 %. Pass the account's own rates to the provider to override.
DEFAULT_MAKER_FEE = Decimal("-0.00005")
DEFAULT_TAKER_FEE = Decimal("0.0003")

ENV_PRIVATE_KEY = "PARADEX_PRIVATE_KEY"
ENV_ACCOUNT_ADDRESS = "PARADEX_ACCOUNT_ADDRESS"
ENV_CHAIN_ID = "PARADEX_CHAIN_ID"


class ParadexEnvironment(Enum):
    """Where the adapter connects: the two public Paradex networks or a local `paradex-mock`."""

    MAINNET = "mainnet"
    TESTNET = "testnet"
    MOCK = "mock"

    @classmethod
    def parse(cls, value: str | ParadexEnvironment) -> ParadexEnvironment:
        if isinstance(value, ParadexEnvironment):
            return value
        try:
            return cls(value.strip().lower())
        except ValueError:
            raise ValueError(
                f"unknown Paradex environment {value!r}: use 'mainnet', 'testnet' or 'mock'"
            ) from None

    @property
    def http_url(self) -> str | None:
        """REST base URL (paths are relative to `/v1`); None for the mock (give `http_url`)."""
        return _URLS[self][0]

    @property
    def ws_url(self) -> str | None:
        return _URLS[self][1]

    @property
    def chain_id(self) -> str | None:
        """Starknet chain id the orders are signed for (mock: the env or the testnet id)."""
        if self is ParadexEnvironment.MOCK:
            return os.environ.get(ENV_CHAIN_ID) or TESTNET_CHAIN_ID
        return _CHAIN_IDS[self]


_URLS = {
    ParadexEnvironment.MAINNET: ("https://api.prod.paradex.trade/v1",
                                 "wss://ws.api.prod.paradex.trade/v1"),
    ParadexEnvironment.TESTNET: ("https://api.testnet.paradex.trade/v1",
                                 "wss://ws.api.testnet.paradex.trade/v1"),
    ParadexEnvironment.MOCK: (None, None),
}
_CHAIN_IDS = {
    ParadexEnvironment.MAINNET: MAINNET_CHAIN_ID,
    ParadexEnvironment.TESTNET: TESTNET_CHAIN_ID,
}


@dataclass(frozen=True)
class ParadexUrls:
    """Resolved endpoints of one client config."""

    environment: ParadexEnvironment
    http_url: str
    ws_url: str

    @property
    def rest_base(self) -> str:
        """Scheme and host without the `/v1` API prefix: what the Rust clients
        (`paradex_core.HttpClient`, `ExecClient`) take, as they add `/v1/...` themselves."""
        return self.http_url[:-3] if self.http_url.endswith("/v1") else self.http_url


def resolve_urls(config: Any) -> ParadexUrls:
    """REST and WebSocket URLs for a data or exec config: explicit overrides win, else the
    environment's; the mock has no default and needs both overrides."""
    env = ParadexEnvironment.parse(config.environment)
    http_url = (config.http_url or env.http_url or "").rstrip("/")
    ws_url = (config.ws_url or env.ws_url or "").rstrip("/")
    if not http_url or not ws_url:
        raise ValueError(
            f"Paradex environment {env.value!r} needs explicit http_url and ws_url "
            "(e.g. http://127.0.0.1:PORT/v1 and ws://127.0.0.1:PORT/v1 from paradex-mock's banner)"
        )
    for url, schemes in ((http_url, ("http://", "https://")), (ws_url, ("ws://", "wss://"))):
        if not url.startswith(schemes):
            raise ValueError(f"bad Paradex URL {url!r}: expected {' or '.join(schemes)}")
    return ParadexUrls(env, http_url, ws_url)


@dataclass(frozen=True)
class ParadexCredentials:
    """L2 key, account and chain id; the key never appears in `repr`."""

    private_key: str
    account_address: str
    chain_id: str

    def __repr__(self) -> str:
        return (f"ParadexCredentials(account_address={self.account_address!r}, "
                f"chain_id={self.chain_id!r}, private_key=<hidden>)")


def resolve_credentials(config: Any) -> ParadexCredentials:
    """Credentials of an exec config: config fields first, then `PARADEX_PRIVATE_KEY`,
    `PARADEX_ACCOUNT_ADDRESS` and `PARADEX_CHAIN_ID`; a clear error names what is missing
    (never the values)."""
    env = ParadexEnvironment.parse(config.environment)
    private_key = config.private_key or os.environ.get(ENV_PRIVATE_KEY)
    account = config.account_address or os.environ.get(ENV_ACCOUNT_ADDRESS)
    chain_id = config.chain_id or os.environ.get(ENV_CHAIN_ID) or env.chain_id
    missing = [name for name, value in ((ENV_PRIVATE_KEY, private_key),
                                        (ENV_ACCOUNT_ADDRESS, account)) if not value]
    if missing:
        raise ValueError(
            f"Paradex credentials missing: set {' and '.join(missing)} in the environment "
            "(or the exec config's private_key / account_address)"
        )
    return ParadexCredentials(private_key=private_key, account_address=account,
                              chain_id=chain_id)
