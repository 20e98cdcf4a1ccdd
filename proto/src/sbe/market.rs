//! Public market-data templates 1–6. Prices, sizes and rates are mantissas (Price8/Qty8/Value8/
//! Rate8 at exponent -8, Rate12 at -12); `Option` fields are nullable on the wire (null =
//! `i64::MIN`) or appended in a later version. Timestamps are microseconds since the epoch.

use super::fields::{AppendedStr, Byte, I16, I64, LevelGroup, OptI64, Since, Str, sbe_template};
use super::types::{AssetKind, FillType, FundingRateSource, PkgType, Side, template};
use super::wire::Levels;

sbe_template! {
    /// `TradeEvent` (template 1): one matched trade.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct TradeEvent<'a> {
        template_id: template::TRADE,
        since_version: 0,
        block_length: 50,
        #[inline]
        decode;
        root {
            /// Feed publish time (µs).
            ts_us @ 0: i64 = I64,
            /// Order-book sequence after the trade; 0 for trades with none (block legs,
            /// transfers).
            seq @ 8: i64 = I64,
            /// Deprecated low 64 bits of the real trade id; prefer `trade_id_str`.
            trade_id @ 16: i64 = I64,
            /// Aggressor side.
            side @ 24: Side = Byte<Side>,
            /// Price mantissa (exponent -8).
            price @ 25: i64 = I64,
            /// Size mantissa (exponent -8).
            size @ 33: i64 = I64,
            /// Matching-engine time (µs).
            created_at_us @ 41: i64 = I64,
            /// Trade type.
            trade_type @ 49: FillType = Byte<FillType>,
        }
        var {
            /// Market symbol, e.g. `BTC-USD-PERP`.
            market: &'a str = Str,
            /// Full trade id (version 2; `None` when absent or empty).
            trade_id_str: Option<&'a str> = AppendedStr<2>,
        }
    }
}

sbe_template! {
    /// `BboEvent` (template 2): best bid and offer.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct BboEvent<'a> {
        template_id: template::BBO,
        since_version: 0,
        block_length: 48,
        #[inline]
        decode;
        root {
            /// Publish time (µs).
            ts_us @ 0: i64 = I64,
            /// Order-book sequence (monotonic, not contiguous).
            seq @ 8: i64 = I64,
            /// Best bid price; `None` when there are no bids.
            bid_price @ 16: Option<i64> = OptI64,
            /// Size at the best bid.
            bid_size @ 24: Option<i64> = OptI64,
            /// Best ask price; `None` when there are no asks.
            ask_price @ 32: Option<i64> = OptI64,
            /// Size at the best ask.
            ask_size @ 40: Option<i64> = OptI64,
        }
        var {
            /// Market symbol.
            market: &'a str = Str,
        }
    }
}

sbe_template! {
    /// `BookEvent` (template 3): an order-book snapshot or delta. Level groups are read
    /// lazily, in place.
    ///
    /// `Default` leaves the optional best-price summary absent and both sides empty, so an
    /// event that carries levels only names the fields it has.
    #[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
    pub struct BookEvent<'a> {
        template_id: template::BOOK,
        since_version: 0,
        block_length: 89,
        #[inline]
        decode;
        root {
            /// Publish time (µs).
            ts_us @ 0: i64 = I64,
            /// Book sequence; deltas must be contiguous (`seq == previous + 1`).
            seq @ 8: i64 = I64,
            /// Snapshot (the whole book) or delta.
            pkg_type @ 16: PkgType = Byte<PkgType>,
            /// Interactive-feed best bid (incl. RPI); `None` on non-interactive feeds.
            best_bid_price @ 17: Option<i64> = OptI64,
            /// Interactive-feed best bid size.
            best_bid_size @ 25: Option<i64> = OptI64,
            /// Interactive-feed best ask (incl. RPI).
            best_ask_price @ 33: Option<i64> = OptI64,
            /// Interactive-feed best ask size.
            best_ask_size @ 41: Option<i64> = OptI64,
            /// (ask − bid) / mid, Rate8.
            relative_spread @ 49: Option<i64> = OptI64,
            /// Best bid from API orders (excl. RPI).
            best_bid_api_price @ 57: Option<i64> = OptI64,
            /// Best bid size from API orders.
            best_bid_api_size @ 65: Option<i64> = OptI64,
            /// Best ask from API orders.
            best_ask_api_price @ 73: Option<i64> = OptI64,
            /// Best ask size from API orders.
            best_ask_api_size @ 81: Option<i64> = OptI64,
        }
        var {
            /// Bid levels (size 0 removes the level in a delta).
            bids: Levels<'a> = LevelGroup,
            /// Ask levels.
            asks: Levels<'a> = LevelGroup,
            /// Market symbol.
            market: &'a str = Str,
        }
    }
}

sbe_template! {
    /// `MarketSummaryEvent` (template 4): 24 h statistics, mark/index price and funding rate.
    ///
    /// `Default` leaves every optional (options-market) field absent, so perpetual summaries
    /// name only the fields they carry.
    #[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
    pub struct MarketSummaryEvent<'a> {
        template_id: template::MARKET_SUMMARY,
        since_version: 0,
        block_length: 216 => 240 since 1,
        decode;
        root {
            /// Publish time (µs).
            ts_us @ 0: i64 = I64,
            /// Sequence.
            seq @ 8: i64 = I64,
            /// Mark price.
            mark_price @ 16: i64 = I64,
            /// Underlying (index) price.
            index_price @ 24: i64 = I64,
            /// Last traded price.
            last_price @ 32: i64 = I64,
            /// 24 h volume in USD (Value8).
            volume_usd_24h @ 40: i64 = I64,
            /// Open interest in base currency (Qty8).
            open_interest @ 48: i64 = I64,
            /// Funding rate truncated to 8 dp (prefer `funding_rate_precise`).
            funding_rate @ 56: i64 = I64,
            /// Best bid.
            bid @ 64: Option<i64> = OptI64,
            /// Best ask.
            ask @ 72: Option<i64> = OptI64,
            /// Lifetime volume in USD (saturates at `i64::MAX`).
            total_volume @ 80: i64 = I64,
            /// 24 h price change rate (Rate8).
            price_change_rate_24h @ 88: i64 = I64,
            /// Mark implied volatility (options).
            mark_iv @ 96: Option<i64> = OptI64,
            /// Bid implied volatility (options).
            bid_iv @ 104: Option<i64> = OptI64,
            /// Ask implied volatility (options).
            ask_iv @ 112: Option<i64> = OptI64,
            /// Last-trade implied volatility (options).
            last_iv @ 120: Option<i64> = OptI64,
            /// Greek delta.
            delta @ 128: Option<i64> = OptI64,
            /// Greek gamma.
            gamma @ 136: Option<i64> = OptI64,
            /// Greek vega.
            vega @ 144: Option<i64> = OptI64,
            /// Greek theta.
            theta @ 152: Option<i64> = OptI64,
            /// Greek rho.
            rho @ 160: Option<i64> = OptI64,
            /// Greek volga.
            volga @ 168: Option<i64> = OptI64,
            /// Greek vanna.
            vanna @ 176: Option<i64> = OptI64,
            /// Smoothed future funding rate (options).
            future_funding_rate @ 184: Option<i64> = OptI64,
            /// External fair price.
            external_fair_price @ 192: Option<i64> = OptI64,
            /// Size at the best bid.
            bid_size @ 200: Option<i64> = OptI64,
            /// Size at the best ask.
            ask_size @ 208: Option<i64> = OptI64,
            /// Annualised forward rate (version 1).
            forward_rate @ 216: Option<i64> = Since<1, OptI64>,
            /// Risk-free rate (version 1).
            risk_free_rate @ 224: Option<i64> = Since<1, OptI64>,
            /// Funding rate at exponent -12 (Rate12, version 1).
            funding_rate_precise @ 232: Option<i64> = Since<1, OptI64>,
        }
        var {
            /// Market symbol.
            market: &'a str = Str,
        }
    }
}

sbe_template! {
    /// `FundingDataEvent` (template 5): a funding-rate record.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct FundingDataEvent<'a> {
        template_id: template::FUNDING_DATA,
        since_version: 0,
        block_length: 58 => 66 since 1,
        decode;
        root {
            /// Publish time (µs).
            ts_us @ 0: i64 = I64,
            /// Sequence.
            seq @ 8: i64 = I64,
            /// Funding rate for the period (Rate8).
            funding_rate @ 16: i64 = I64,
            /// Cumulative funding index (Price8).
            funding_index @ 24: i64 = I64,
            /// Creation time (µs).
            created_at_us @ 32: i64 = I64,
            /// Funding premium (Rate8).
            funding_premium @ 40: i64 = I64,
            /// 8-hour normalised funding rate (Rate8).
            funding_rate_8h @ 48: i64 = I64,
            /// Funding period in whole hours.
            funding_period_hours @ 56: i16 = I16,
            /// Impact premium rate (version 1; `None` when absent or null).
            impact_premium_rate @ 58: Option<i64> = Since<1, OptI64>,
        }
        var {
            /// Market symbol.
            market: &'a str = Str,
        }
    }
}

sbe_template! {
    /// `FundingRateComparisonEvent` (template 6, version 1 and later): a cross-venue hourly
    /// rate. Encoding at version 0 fails with [`EncodeError::NotInVersion`].
    ///
    /// [`EncodeError::NotInVersion`]: crate::sbe::EncodeError::NotInVersion
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct FundingRateComparisonEvent<'a> {
        template_id: template::FUNDING_RATE_COMPARISON,
        since_version: 1,
        block_length: 26,
        decode;
        root {
            /// Publish time (µs).
            ts_us @ 0: i64 = I64,
            /// Source-reported update time (µs).
            last_updated_at_us @ 8: i64 = I64,
            /// Hourly funding rate (Rate12, exponent -12).
            hourly_funding_rate @ 16: i64 = I64,
            /// Asset kind.
            asset_kind @ 24: AssetKind = Byte<AssetKind>,
            /// Venue.
            source @ 25: FundingRateSource = Byte<FundingRateSource>,
        }
        var {
            /// Market symbol.
            market: &'a str = Str,
        }
    }
}
