"""ParadexInstrumentProvider: `/markets` rows → CryptoPerpetual, exact values."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal

import pytest

from conftest import SHARED

pytest.importorskip("nautilus_trader")

from nautilus_trader.config import InstrumentProviderConfig  # noqa: E402
from nautilus_trader.model.currencies import BTC, USD, USDC  # noqa: E402
from nautilus_trader.model.identifiers import InstrumentId  # noqa: E402
from nautilus_trader.model.instruments import CryptoPerpetual  # noqa: E402
from nautilus_trader.model.objects import Money, Price, Quantity  # noqa: E402

from paradex_core.nautilus import ParadexInstrumentProvider  # noqa: E402
from paradex_core.nautilus.common import DEFAULT_MAKER_FEE, DEFAULT_TAKER_FEE  # noqa: E402
from paradex_core.nautilus.parsing import decimal_precision, parse_perpetual  # noqa: E402

SAMPLE = json.loads((SHARED / "paradex" / "samples" / "rest_markets.json").read_text())


class RowsClient:
    """Serves fixed `/markets` rows (the unit tests of the mapping; the mock test uses the
    real HttpClient)."""

    def __init__(self, rows):
        self.rows = rows
        self.calls = 0

    async def markets_async(self):
        self.calls += 1
        return self.rows


def test_sample_btc_perp_maps_exactly():
    row = SAMPLE["results"][0]
    perp = parse_perpetual(row, ts_init=1)
    assert isinstance(perp, CryptoPerpetual)
    assert perp.id == InstrumentId.from_str("BTC-USD-PERP.PARADEX")
    assert perp.raw_symbol.value == "BTC-USD-PERP"
    assert (perp.base_currency, perp.quote_currency, perp.settlement_currency) == (BTC, USD, USDC)
    assert perp.is_quanto and not perp.is_inverse  # 1.221: USD quote, USDC settlement
    assert perp.price_precision == 1 and perp.price_increment == Price.from_str("0.1")
    assert perp.size_precision == 5 and perp.size_increment == Quantity.from_str("0.00001")
    assert perp.price_increment.precision == perp.price_precision
    assert perp.size_increment.precision == perp.size_precision
    assert perp.min_quantity == Quantity.from_str("0.00001")
    assert perp.max_quantity == Quantity.from_str("100.00000")
    assert perp.min_notional == Money(Decimal("10"), USDC)
    assert perp.margin_init == Decimal("0.02")
    assert perp.margin_maint == Decimal("0.01")  # imf_base × mmf_factor
    assert (perp.maker_fee, perp.taker_fee) == (DEFAULT_MAKER_FEE, DEFAULT_TAKER_FEE)
    assert perp.multiplier == Quantity.from_int(1)
    assert perp.info["price_feed_id"] == row["price_feed_id"]


def test_fee_config_wins_over_defaults_and_precision_ignores_trailing_zeros():
    row = dict(SAMPLE["results"][0], price_tick_size="0.50", order_size_increment="10",
               fee_config={"api_fee": {"maker_fee": "-0.0001", "taker_fee": "0.0002"}})
    perp = parse_perpetual(row, ts_init=1)
    assert perp.price_precision == 1 and perp.price_increment == Price.from_str("0.5")
    assert perp.size_precision == 0 and perp.size_increment == Quantity.from_int(10)
    assert (perp.maker_fee, perp.taker_fee) == (Decimal("-0.0001"), Decimal("0.0002"))
    assert decimal_precision(Decimal("0.00010")) == 4


def test_non_perps_are_skipped_and_malformed_rows_are_errors():
    option = dict(SAMPLE["results"][0], asset_kind="OPTION", symbol="BTC-USD-70000-C")
    assert parse_perpetual(option, ts_init=1) is None
    with pytest.raises(ValueError, match="price_tick_size"):
        parse_perpetual(dict(SAMPLE["results"][0], price_tick_size="abc"), ts_init=1)
    with pytest.raises(ValueError, match="order_size_increment"):
        row = dict(SAMPLE["results"][0])
        del row["order_size_increment"]
        parse_perpetual(row, ts_init=1)


def test_provider_loads_all_ids_and_filters():
    rows = [SAMPLE["results"][0],
            dict(SAMPLE["results"][0], symbol="ETH-USD-PERP", base_currency="ETH",
                 price_tick_size="0.01", order_size_increment="0.001"),
            dict(SAMPLE["results"][0], symbol="NEWCOIN-USD-PERP", base_currency="NEWCOIN"),
            dict(SAMPLE["results"][0], symbol="BAD-USD-PERP", price_tick_size="-1"),
            dict(SAMPLE["results"][0], symbol="BTC-USD-70000-C", asset_kind="OPTION")]
    provider = ParadexInstrumentProvider(RowsClient(rows), InstrumentProviderConfig(load_all=True))
    asyncio.run(provider.initialize())
    ids = sorted(str(i) for i in provider.get_all())
    assert ids == ["BTC-USD-PERP.PARADEX", "ETH-USD-PERP.PARADEX", "NEWCOIN-USD-PERP.PARADEX"]
    newcoin = provider.find(InstrumentId.from_str("NEWCOIN-USD-PERP.PARADEX"))
    assert newcoin.base_currency.code == "NEWCOIN" and provider.currency("NEWCOIN") is not None
    eth = provider.find(InstrumentId.from_str("ETH-USD-PERP.PARADEX"))
    assert eth.price_precision == 2 and eth.size_precision == 3

    only_eth = ParadexInstrumentProvider(RowsClient(rows), InstrumentProviderConfig(
        load_ids=frozenset({InstrumentId.from_str("ETH-USD-PERP.PARADEX")})))
    asyncio.run(only_eth.initialize())
    assert [str(i) for i in only_eth.get_all()] == ["ETH-USD-PERP.PARADEX"]

    by_base = ParadexInstrumentProvider(RowsClient(rows), InstrumentProviderConfig(
        load_all=True, filters={"base_currency": ["BTC"]}))
    asyncio.run(by_base.initialize())
    assert [str(i) for i in by_base.get_all()] == ["BTC-USD-PERP.PARADEX"]


def test_provider_against_the_mock_exchange(paradex_mock):
    from paradex_core import HttpClient

    mock = paradex_mock("--md-rate", "0")
    provider = ParadexInstrumentProvider(HttpClient(mock.base_url),
                                         InstrumentProviderConfig(load_all=True))
    asyncio.run(provider.initialize())
    rows = {r["symbol"]: r for r in mock.rest("/markets")["results"]}
    assert {i.raw_symbol.value for i in provider.get_all().values()} == set(rows)
    for instrument in provider.get_all().values():
        row = rows[instrument.raw_symbol.value]
        assert instrument.price_increment.as_decimal() == Decimal(row["price_tick_size"])
        assert instrument.size_increment.as_decimal() == Decimal(row["order_size_increment"])
        assert instrument.min_notional.as_decimal() == Decimal(row["min_notional"])
        assert instrument.max_quantity.as_decimal() == Decimal(row["max_order_size"])
        margin = row["delta1_cross_margin_params"]
        assert instrument.margin_init == Decimal(margin["imf_base"])
        assert instrument.margin_maint == Decimal(margin["imf_base"]) * Decimal(
            margin["mmf_factor"])
