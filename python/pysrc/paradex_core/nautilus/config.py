"""Node configuration of the Paradex data and execution clients."""

from __future__ import annotations

from nautilus_trader.config import LiveDataClientConfig, LiveExecClientConfig

READER_WAITS = ("park", "busy", "spin_then_park")
"""The wait strategies of `ParadexDataClientConfig.reader_wait`."""


class ParadexDataClientConfig(LiveDataClientConfig, frozen=True):
    """Paradex market data, read from the shared-memory rings the Rust feed handler fills.

    Parameters
    ----------
    environment : "mainnet" | "testnet" | "mock"
    http_url, ws_url : overrides of the environment's URLs (required for "mock", e.g.
        ``http://127.0.0.1:PORT/v1`` and ``ws://127.0.0.1:PORT/v1``).
    ca_file : an extra CA to trust (``paradex-mock --tls`` prints its certificate path).
    markets : markets the feed subscribes; None = every instrument the provider loaded.
    rings_dir : directory of the ring segments.
    feed_name : ring segment prefix (``paradex.<feed_name>.<kind>``); None = ``nautilus-<pid>``
        (managed feed only; attaching needs the external feed's name).
    manage_feed : True starts and supervises an in-process ``paradex_core.FeedHandler``;
        False attaches to the rings of an external ``paradex-feed``.
    feed_core : CPU core the feed thread is pinned to.
    busy_poll : the feed spins on its socket (lowest latency, one core busy) instead of epoll.
    json_only : the feed speaks JSON instead of SBE (servers without SBE).
    book_depth : levels of the OrderBookDepth10 / REST snapshot views.
    reader_wait : how the reader threads wait for new records (GIL released):
        ``"park"`` (default) looks at the ring every 100 µs, sleeping in between (a few % of a
        core per reader; adds ~50 µs on average); ``"busy"`` never sleeps (lowest latency,
        but one core per reader thread of the bbo, trade and book rings: only with cores to
        spare); ``"spin_then_park"`` spins ``reader_spin_us`` after each batch, then parks
        (a core per reader while records come faster than the spin). On a small machine the
        spinning readers steal the CPU the feed and the event loop need, so park is the
        default. The mark/funding reader always parks (its records arrive seconds apart).
    reader_spin_us : the spin of ``"spin_then_park"``, in microseconds.
    """

    environment: str = "testnet"
    http_url: str | None = None
    ws_url: str | None = None
    ca_file: str | None = None
    markets: tuple[str, ...] | None = None
    rings_dir: str = "/dev/shm"
    feed_name: str | None = None
    manage_feed: bool = True
    feed_core: int | None = None
    busy_poll: bool = True
    json_only: bool = False
    book_depth: int = 15
    reader_wait: str = "park"
    reader_spin_us: int = 1000

    def __post_init__(self) -> None:
        if self.reader_wait not in READER_WAITS:
            raise ValueError(f"reader_wait={self.reader_wait!r}: expected one of "
                             f"{', '.join(map(repr, READER_WAITS))}")
        if not 0 <= self.reader_spin_us <= 1_000_000:
            raise ValueError(f"reader_spin_us={self.reader_spin_us}: expected 0 to 1000000 µs")


class ParadexExecClientConfig(LiveExecClientConfig, frozen=True):
    """Paradex execution: orders, fills, positions and balances over the Rust exec client.

    Credentials left None come from ``PARADEX_PRIVATE_KEY`` / ``PARADEX_ACCOUNT_ADDRESS`` /
    ``PARADEX_CHAIN_ID``; ``chain_id`` None means the environment's (mock: the env var or the
    testnet id).
    """

    environment: str = "testnet"
    http_url: str | None = None
    ws_url: str | None = None
    ca_file: str | None = None
    private_key: str | None = None
    account_address: str | None = None
    chain_id: str | None = None
    timeout_ms: int = 5000
    reconcile_lookback_mins: int = 1440

    def __repr__(self) -> str:
        # The private key never reaches logs: Nautilus prints client configs at start-up.
        shown = ", ".join(
            f"{name}={'<hidden>' if name == 'private_key' and value else repr(value)}"
            for name, value in ((f, getattr(self, f)) for f in self.__struct_fields__)
        )
        return f"{type(self).__name__}({shown})"

    __str__ = __repr__
