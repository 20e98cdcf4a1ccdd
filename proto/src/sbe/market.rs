//! Public market-data templates 1–6. Prices, sizes and rates are mantissas (Price8/Qty8/Value8/
//! Rate8 at exponent -8, Rate12 at -12); `Option` fields are nullable on the wire (null =
//! `i64::MIN`) or appended in a later version. Timestamps are microseconds since the epoch.

use super::error::{DecodeError, EncodeError};
use super::types::{AssetKind, FillType, FundingRateSource, PkgType, Side, template};
use super::wire::{Frame, Levels, Writer};

/// `TradeEvent` (template 1): one matched trade.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TradeEvent<'a> {
    /// Feed publish time (µs).
    pub ts_us: i64,
    /// Order-book sequence after the trade; 0 for trades with none (block legs, transfers).
    pub seq: i64,
    /// Deprecated low 64 bits of the real trade id; prefer `trade_id_str`.
    pub trade_id: i64,
    /// Aggressor side.
    pub side: Side,
    /// Price mantissa (exponent -8).
    pub price: i64,
    /// Size mantissa (exponent -8).
    pub size: i64,
    /// Matching-engine time (µs).
    pub created_at_us: i64,
    /// Trade type.
    pub trade_type: FillType,
    /// Market symbol, e.g. `BTC-USD-PERP`.
    pub market: &'a str,
    /// Full trade id (version 2; `None` when absent or empty).
    pub trade_id_str: Option<&'a str>,
}

impl<'a> TradeEvent<'a> {
    /// Template id.
    pub const TEMPLATE_ID: u16 = template::TRADE;
    /// Root block length (every version).
    pub const BLOCK_LENGTH: u16 = 50;

    /// Decodes a frame carrying this template.
    ///
    /// # Errors
    /// [`DecodeError`] for another template, a short block, a truncated frame or bad UTF-8.
    #[inline]
    pub fn decode(frame: &Frame<'a>) -> Result<Self, DecodeError> {
        let mut body = frame.body_for(Self::TEMPLATE_ID, 0, Self::BLOCK_LENGTH)?;
        let b = body.block;
        Ok(Self {
            ts_us: b.i64(0),
            seq: b.i64(8),
            trade_id: b.i64(16),
            side: Side::from_u8(b.u8(24)),
            price: b.i64(25),
            size: b.i64(33),
            created_at_us: b.i64(41),
            trade_type: FillType::from_u8(b.u8(49)),
            market: body.string()?,
            trade_id_str: body.appended_string(2)?,
        })
    }

    /// Appends this event as one frame at schema `version`.
    ///
    /// # Errors
    /// [`EncodeError`] for an unsupported version or a string over 255 bytes.
    pub fn encode(&self, version: u16, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let mut w = Writer::begin(out, Self::TEMPLATE_ID, 0, Self::BLOCK_LENGTH, version)?;
        w.i64(self.ts_us).i64(self.seq).i64(self.trade_id);
        w.u8(self.side.to_u8()).i64(self.price).i64(self.size);
        w.i64(self.created_at_us).u8(self.trade_type.to_u8());
        w.string(self.market)?
            .appended_string(2, self.trade_id_str)?;
        Ok(())
    }
}

/// `BboEvent` (template 2): best bid and offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BboEvent<'a> {
    /// Publish time (µs).
    pub ts_us: i64,
    /// Order-book sequence (monotonic, not contiguous).
    pub seq: i64,
    /// Best bid price; `None` when there are no bids.
    pub bid_price: Option<i64>,
    /// Size at the best bid.
    pub bid_size: Option<i64>,
    /// Best ask price; `None` when there are no asks.
    pub ask_price: Option<i64>,
    /// Size at the best ask.
    pub ask_size: Option<i64>,
    /// Market symbol.
    pub market: &'a str,
}

impl<'a> BboEvent<'a> {
    /// Template id.
    pub const TEMPLATE_ID: u16 = template::BBO;
    /// Root block length (every version).
    pub const BLOCK_LENGTH: u16 = 48;

    /// Decodes a frame carrying this template.
    ///
    /// # Errors
    /// [`DecodeError`] for another template, a short block, a truncated frame or bad UTF-8.
    #[inline]
    pub fn decode(frame: &Frame<'a>) -> Result<Self, DecodeError> {
        let mut body = frame.body_for(Self::TEMPLATE_ID, 0, Self::BLOCK_LENGTH)?;
        let b = body.block;
        Ok(Self {
            ts_us: b.i64(0),
            seq: b.i64(8),
            bid_price: b.opt_i64(16),
            bid_size: b.opt_i64(24),
            ask_price: b.opt_i64(32),
            ask_size: b.opt_i64(40),
            market: body.string()?,
        })
    }

    /// Appends this event as one frame at schema `version`.
    ///
    /// # Errors
    /// [`EncodeError`] for an unsupported version or a string over 255 bytes.
    pub fn encode(&self, version: u16, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let mut w = Writer::begin(out, Self::TEMPLATE_ID, 0, Self::BLOCK_LENGTH, version)?;
        w.i64(self.ts_us).i64(self.seq);
        w.opt_i64(self.bid_price).opt_i64(self.bid_size);
        w.opt_i64(self.ask_price).opt_i64(self.ask_size);
        w.string(self.market)?;
        Ok(())
    }
}

/// `BookEvent` (template 3): an order-book snapshot or delta.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BookEvent<'a> {
    /// Publish time (µs).
    pub ts_us: i64,
    /// Book sequence; deltas must be contiguous (`seq == previous + 1`).
    pub seq: i64,
    /// Snapshot (the whole book) or delta.
    pub pkg_type: PkgType,
    /// Interactive-feed best bid (incl. RPI); `None` on non-interactive feeds.
    pub best_bid_price: Option<i64>,
    /// Interactive-feed best bid size.
    pub best_bid_size: Option<i64>,
    /// Interactive-feed best ask (incl. RPI).
    pub best_ask_price: Option<i64>,
    /// Interactive-feed best ask size.
    pub best_ask_size: Option<i64>,
    /// (ask − bid) / mid, Rate8.
    pub relative_spread: Option<i64>,
    /// Best bid from API orders (excl. RPI).
    pub best_bid_api_price: Option<i64>,
    /// Best bid size from API orders.
    pub best_bid_api_size: Option<i64>,
    /// Best ask from API orders.
    pub best_ask_api_price: Option<i64>,
    /// Best ask size from API orders.
    pub best_ask_api_size: Option<i64>,
    /// Bid levels (size 0 removes the level in a delta).
    pub bids: Levels<'a>,
    /// Ask levels.
    pub asks: Levels<'a>,
    /// Market symbol.
    pub market: &'a str,
}

impl<'a> BookEvent<'a> {
    /// Template id.
    pub const TEMPLATE_ID: u16 = template::BOOK;
    /// Root block length (every version).
    pub const BLOCK_LENGTH: u16 = 89;

    /// Decodes a frame carrying this template; level groups are read lazily, in place.
    ///
    /// # Errors
    /// [`DecodeError`] for another template, a short block or group entry, a truncated frame
    /// or bad UTF-8.
    #[inline]
    pub fn decode(frame: &Frame<'a>) -> Result<Self, DecodeError> {
        let mut body = frame.body_for(Self::TEMPLATE_ID, 0, Self::BLOCK_LENGTH)?;
        let b = body.block;
        Ok(Self {
            ts_us: b.i64(0),
            seq: b.i64(8),
            pkg_type: PkgType::from_u8(b.u8(16)),
            best_bid_price: b.opt_i64(17),
            best_bid_size: b.opt_i64(25),
            best_ask_price: b.opt_i64(33),
            best_ask_size: b.opt_i64(41),
            relative_spread: b.opt_i64(49),
            best_bid_api_price: b.opt_i64(57),
            best_bid_api_size: b.opt_i64(65),
            best_ask_api_price: b.opt_i64(73),
            best_ask_api_size: b.opt_i64(81),
            bids: body.levels()?,
            asks: body.levels()?,
            market: body.string()?,
        })
    }

    /// Appends this event as one frame at schema `version`.
    ///
    /// # Errors
    /// [`EncodeError`] for an unsupported version, more than 65535 levels a side, or a string
    /// over 255 bytes.
    pub fn encode(&self, version: u16, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let mut w = Writer::begin(out, Self::TEMPLATE_ID, 0, Self::BLOCK_LENGTH, version)?;
        w.i64(self.ts_us).i64(self.seq).u8(self.pkg_type.to_u8());
        w.opt_i64(self.best_bid_price).opt_i64(self.best_bid_size);
        w.opt_i64(self.best_ask_price).opt_i64(self.best_ask_size);
        w.opt_i64(self.relative_spread);
        w.opt_i64(self.best_bid_api_price)
            .opt_i64(self.best_bid_api_size);
        w.opt_i64(self.best_ask_api_price)
            .opt_i64(self.best_ask_api_size);
        w.levels(self.bids)?
            .levels(self.asks)?
            .string(self.market)?;
        Ok(())
    }
}

/// `MarketSummaryEvent` (template 4): 24 h statistics, mark/index price and funding rate.
///
/// `Default` leaves every optional (options-market) field absent, so perpetual summaries name
/// only the fields they carry.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MarketSummaryEvent<'a> {
    /// Publish time (µs).
    pub ts_us: i64,
    /// Sequence.
    pub seq: i64,
    /// Mark price.
    pub mark_price: i64,
    /// Underlying (index) price.
    pub index_price: i64,
    /// Last traded price.
    pub last_price: i64,
    /// 24 h volume in USD (Value8).
    pub volume_usd_24h: i64,
    /// Open interest in base currency (Qty8).
    pub open_interest: i64,
    /// Funding rate truncated to 8 dp (prefer `funding_rate_precise`).
    pub funding_rate: i64,
    /// Best bid.
    pub bid: Option<i64>,
    /// Best ask.
    pub ask: Option<i64>,
    /// Lifetime volume in USD (saturates at `i64::MAX`).
    pub total_volume: i64,
    /// 24 h price change rate (Rate8).
    pub price_change_rate_24h: i64,
    /// Mark implied volatility (options).
    pub mark_iv: Option<i64>,
    /// Bid implied volatility (options).
    pub bid_iv: Option<i64>,
    /// Ask implied volatility (options).
    pub ask_iv: Option<i64>,
    /// Last-trade implied volatility (options).
    pub last_iv: Option<i64>,
    /// Greek delta.
    pub delta: Option<i64>,
    /// Greek gamma.
    pub gamma: Option<i64>,
    /// Greek vega.
    pub vega: Option<i64>,
    /// Greek theta.
    pub theta: Option<i64>,
    /// Greek rho.
    pub rho: Option<i64>,
    /// Greek volga.
    pub volga: Option<i64>,
    /// Greek vanna.
    pub vanna: Option<i64>,
    /// Smoothed future funding rate (options).
    pub future_funding_rate: Option<i64>,
    /// External fair price.
    pub external_fair_price: Option<i64>,
    /// Size at the best bid.
    pub bid_size: Option<i64>,
    /// Size at the best ask.
    pub ask_size: Option<i64>,
    /// Annualised forward rate (version 1).
    pub forward_rate: Option<i64>,
    /// Risk-free rate (version 1).
    pub risk_free_rate: Option<i64>,
    /// Funding rate at exponent -12 (Rate12, version 1).
    pub funding_rate_precise: Option<i64>,
    /// Market symbol.
    pub market: &'a str,
}

impl<'a> MarketSummaryEvent<'a> {
    /// Template id.
    pub const TEMPLATE_ID: u16 = template::MARKET_SUMMARY;
    /// Root block length at version 0 (the minimum accepted).
    pub const MIN_BLOCK_LENGTH: u16 = 216;

    /// Root block length written at `version`.
    #[must_use]
    pub const fn block_length(version: u16) -> u16 {
        if version >= 1 { 240 } else { 216 }
    }

    /// Decodes a frame carrying this template.
    ///
    /// # Errors
    /// [`DecodeError`] for another template, a short block, a truncated frame or bad UTF-8.
    pub fn decode(frame: &Frame<'a>) -> Result<Self, DecodeError> {
        let mut body = frame.body_for(Self::TEMPLATE_ID, 0, Self::MIN_BLOCK_LENGTH)?;
        let (b, v) = (body.block, body.version);
        Ok(Self {
            ts_us: b.i64(0),
            seq: b.i64(8),
            mark_price: b.i64(16),
            index_price: b.i64(24),
            last_price: b.i64(32),
            volume_usd_24h: b.i64(40),
            open_interest: b.i64(48),
            funding_rate: b.i64(56),
            bid: b.opt_i64(64),
            ask: b.opt_i64(72),
            total_volume: b.i64(80),
            price_change_rate_24h: b.i64(88),
            mark_iv: b.opt_i64(96),
            bid_iv: b.opt_i64(104),
            ask_iv: b.opt_i64(112),
            last_iv: b.opt_i64(120),
            delta: b.opt_i64(128),
            gamma: b.opt_i64(136),
            vega: b.opt_i64(144),
            theta: b.opt_i64(152),
            rho: b.opt_i64(160),
            volga: b.opt_i64(168),
            vanna: b.opt_i64(176),
            future_funding_rate: b.opt_i64(184),
            external_fair_price: b.opt_i64(192),
            bid_size: b.opt_i64(200),
            ask_size: b.opt_i64(208),
            forward_rate: b.tail_opt_i64(v, 1, 216),
            risk_free_rate: b.tail_opt_i64(v, 1, 224),
            funding_rate_precise: b.tail_opt_i64(v, 1, 232),
            market: body.string()?,
        })
    }

    /// Appends this event as one frame at schema `version` (version-1 fields dropped at 0).
    ///
    /// # Errors
    /// [`EncodeError`] for an unsupported version or a string over 255 bytes.
    pub fn encode(&self, version: u16, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let block = Self::block_length(version);
        let mut w = Writer::begin(out, Self::TEMPLATE_ID, 0, block, version)?;
        w.i64(self.ts_us).i64(self.seq);
        w.i64(self.mark_price)
            .i64(self.index_price)
            .i64(self.last_price);
        w.i64(self.volume_usd_24h)
            .i64(self.open_interest)
            .i64(self.funding_rate);
        w.opt_i64(self.bid).opt_i64(self.ask);
        w.i64(self.total_volume).i64(self.price_change_rate_24h);
        for value in [
            self.mark_iv,
            self.bid_iv,
            self.ask_iv,
            self.last_iv,
            self.delta,
            self.gamma,
            self.vega,
            self.theta,
            self.rho,
            self.volga,
            self.vanna,
            self.future_funding_rate,
            self.external_fair_price,
            self.bid_size,
            self.ask_size,
        ] {
            w.opt_i64(value);
        }
        if w.has(1) {
            w.opt_i64(self.forward_rate).opt_i64(self.risk_free_rate);
            w.opt_i64(self.funding_rate_precise);
        }
        w.string(self.market)?;
        Ok(())
    }
}

/// `FundingDataEvent` (template 5): a funding-rate record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FundingDataEvent<'a> {
    /// Publish time (µs).
    pub ts_us: i64,
    /// Sequence.
    pub seq: i64,
    /// Funding rate for the period (Rate8).
    pub funding_rate: i64,
    /// Cumulative funding index (Price8).
    pub funding_index: i64,
    /// Creation time (µs).
    pub created_at_us: i64,
    /// Funding premium (Rate8).
    pub funding_premium: i64,
    /// 8-hour normalised funding rate (Rate8).
    pub funding_rate_8h: i64,
    /// Funding period in whole hours.
    pub funding_period_hours: i16,
    /// Impact premium rate (version 1; `None` when absent or null).
    pub impact_premium_rate: Option<i64>,
    /// Market symbol.
    pub market: &'a str,
}

impl<'a> FundingDataEvent<'a> {
    /// Template id.
    pub const TEMPLATE_ID: u16 = template::FUNDING_DATA;
    /// Root block length at version 0 (the minimum accepted).
    pub const MIN_BLOCK_LENGTH: u16 = 58;

    /// Root block length written at `version`.
    #[must_use]
    pub const fn block_length(version: u16) -> u16 {
        if version >= 1 { 66 } else { 58 }
    }

    /// Decodes a frame carrying this template.
    ///
    /// # Errors
    /// [`DecodeError`] for another template, a short block, a truncated frame or bad UTF-8.
    pub fn decode(frame: &Frame<'a>) -> Result<Self, DecodeError> {
        let mut body = frame.body_for(Self::TEMPLATE_ID, 0, Self::MIN_BLOCK_LENGTH)?;
        let (b, v) = (body.block, body.version);
        Ok(Self {
            ts_us: b.i64(0),
            seq: b.i64(8),
            funding_rate: b.i64(16),
            funding_index: b.i64(24),
            created_at_us: b.i64(32),
            funding_premium: b.i64(40),
            funding_rate_8h: b.i64(48),
            funding_period_hours: b.i16(56),
            impact_premium_rate: b.tail_opt_i64(v, 1, 58),
            market: body.string()?,
        })
    }

    /// Appends this event as one frame at schema `version`.
    ///
    /// # Errors
    /// [`EncodeError`] for an unsupported version or a string over 255 bytes.
    pub fn encode(&self, version: u16, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let block = Self::block_length(version);
        let mut w = Writer::begin(out, Self::TEMPLATE_ID, 0, block, version)?;
        w.i64(self.ts_us).i64(self.seq).i64(self.funding_rate);
        w.i64(self.funding_index).i64(self.created_at_us);
        w.i64(self.funding_premium).i64(self.funding_rate_8h);
        w.i16(self.funding_period_hours);
        if w.has(1) {
            w.opt_i64(self.impact_premium_rate);
        }
        w.string(self.market)?;
        Ok(())
    }
}

/// `FundingRateComparisonEvent` (template 6, version 1 and later): a cross-venue hourly rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FundingRateComparisonEvent<'a> {
    /// Publish time (µs).
    pub ts_us: i64,
    /// Source-reported update time (µs).
    pub last_updated_at_us: i64,
    /// Hourly funding rate (Rate12, exponent -12).
    pub hourly_funding_rate: i64,
    /// Asset kind.
    pub asset_kind: AssetKind,
    /// Venue.
    pub source: FundingRateSource,
    /// Market symbol.
    pub market: &'a str,
}

impl<'a> FundingRateComparisonEvent<'a> {
    /// Template id.
    pub const TEMPLATE_ID: u16 = template::FUNDING_RATE_COMPARISON;
    /// First schema version with this template.
    pub const SINCE_VERSION: u16 = 1;
    /// Root block length.
    pub const BLOCK_LENGTH: u16 = 26;

    /// Decodes a frame carrying this template.
    ///
    /// # Errors
    /// [`DecodeError`] for another template or version 0, a short block, a truncated frame or
    /// bad UTF-8.
    pub fn decode(frame: &Frame<'a>) -> Result<Self, DecodeError> {
        let mut body =
            frame.body_for(Self::TEMPLATE_ID, Self::SINCE_VERSION, Self::BLOCK_LENGTH)?;
        let b = body.block;
        Ok(Self {
            ts_us: b.i64(0),
            last_updated_at_us: b.i64(8),
            hourly_funding_rate: b.i64(16),
            asset_kind: AssetKind::from_u8(b.u8(24)),
            source: FundingRateSource::from_u8(b.u8(25)),
            market: body.string()?,
        })
    }

    /// Appends this event as one frame at schema `version`.
    ///
    /// # Errors
    /// [`EncodeError::NotInVersion`] at version 0; otherwise as the other templates.
    pub fn encode(&self, version: u16, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let mut w = Writer::begin(
            out,
            Self::TEMPLATE_ID,
            Self::SINCE_VERSION,
            Self::BLOCK_LENGTH,
            version,
        )?;
        w.i64(self.ts_us).i64(self.last_updated_at_us);
        w.i64(self.hourly_funding_rate);
        w.u8(self.asset_kind.to_u8()).u8(self.source.to_u8());
        w.string(self.market)?;
        Ok(())
    }
}
