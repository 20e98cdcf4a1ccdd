"""`ParadexInstrumentProvider`: every Paradex perpetual as a Nautilus `CryptoPerpetual`."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from nautilus_trader.common.component import LiveClock
from nautilus_trader.common.config import InstrumentProviderConfig, resolve_path
from nautilus_trader.common.providers import InstrumentProvider
from nautilus_trader.model.identifiers import InstrumentId
from nautilus_trader.model.instruments import CryptoPerpetual

from paradex_core.nautilus.common import DEFAULT_MAKER_FEE, DEFAULT_TAKER_FEE, PARADEX_VENUE
from paradex_core.nautilus.parsing import parse_perpetual


class ParadexInstrumentProvider(InstrumentProvider):
    """Loads markets from `GET /markets` through a `paradex_core.HttpClient`.

    Filters (`InstrumentProviderConfig.filters`, or the `filters` argument of the load
    methods): ``markets`` (symbols to keep), ``base_currency`` (codes to keep),
    ``trading_mode`` (e.g. ``"STANDARD"``, which leaves out RFQ-only markets); plus the config's
    ``filter_callable`` (an import path of ``f(instrument) -> bool``). Markets that are not
    perpetuals are skipped; a malformed row is logged and skipped, never loaded half-parsed.

    `maker_fee` / `taker_fee` override the default fee rates when a market row publishes none
    (Paradex fees depend on the account's tier).
    """

    def __init__(
        self,
        client: Any,
        config: InstrumentProviderConfig | None = None,
        maker_fee: Decimal = DEFAULT_MAKER_FEE,
        taker_fee: Decimal = DEFAULT_TAKER_FEE,
    ) -> None:
        super().__init__(config=config)
        self._client = client
        self._clock = LiveClock()
        self._maker_fee = Decimal(maker_fee)
        self._taker_fee = Decimal(taker_fee)
        self._filter_callable: Callable[[Any], bool] | None = None
        if config is not None and config.filter_callable:
            self._filter_callable = resolve_path(config.filter_callable)
        self._log_warnings = config.log_warnings if config is not None else True

    @property
    def client(self) -> Any:
        """The REST client the provider loads from (shared with the data client)."""
        return self._client

    async def load_all_async(self, filters: dict | None = None) -> None:
        await self._load(None, filters)

    async def load_ids_async(self, instrument_ids: list[InstrumentId],
                             filters: dict | None = None) -> None:
        if not instrument_ids:
            return
        for instrument_id in instrument_ids:
            if instrument_id.venue != PARADEX_VENUE:
                raise ValueError(f"{instrument_id} is not a {PARADEX_VENUE} instrument")
        await self._load({i.symbol.value for i in instrument_ids}, filters)

    async def load_async(self, instrument_id: InstrumentId, filters: dict | None = None) -> None:
        await self.load_ids_async([instrument_id], filters)

    async def _load(self, symbols: set[str] | None, filters: dict | None) -> None:
        rows = await self._client.markets_async()
        ts_init = self._clock.timestamp_ns()
        loaded = []
        for instrument in self.parse_markets(rows, ts_init, filters):
            if symbols is not None and instrument.raw_symbol.value not in symbols:
                continue
            loaded.append(instrument)
        if symbols is not None:
            missing = symbols - {i.raw_symbol.value for i in loaded}
            if missing:
                self._log.warning(f"Paradex has no perpetual {sorted(missing)}")
        for instrument in loaded:
            for currency in (instrument.base_currency, instrument.quote_currency,
                             instrument.settlement_currency):
                self.add_currency(currency)
            self.add(instrument)
        self._log.info(f"Loaded {len(loaded)} Paradex perpetuals")

    def parse_markets(self, rows: Iterable[dict], ts_init: int,
                      filters: dict | None = None) -> list[CryptoPerpetual]:
        """`/markets` rows → instruments passing the filters (malformed rows are logged)."""
        wanted_markets = _as_set((filters or {}).get("markets"))
        wanted_bases = _as_set((filters or {}).get("base_currency"))
        trading_mode = (filters or {}).get("trading_mode")
        out = []
        for row in rows:
            symbol = row.get("symbol") if isinstance(row, dict) else None
            if wanted_markets is not None and symbol not in wanted_markets:
                continue
            if wanted_bases is not None and row.get("base_currency") not in wanted_bases:
                continue
            if trading_mode is not None and row.get("trading_mode", "STANDARD") != trading_mode:
                continue
            try:
                instrument = parse_perpetual(row, ts_init, self._maker_fee, self._taker_fee)
            except (ValueError, TypeError, ArithmeticError) as e:
                self._log.error(f"Skipping Paradex market {symbol!r}: {e}")
                continue
            if instrument is None:
                continue
            if self._filter_callable is not None and not self._filter_callable(instrument):
                continue
            out.append(instrument)
        return out


def _as_set(value: Any) -> set[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return {value}
    return set(value)
