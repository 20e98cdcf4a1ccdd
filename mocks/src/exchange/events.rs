//! What the exchange publishes: public market data (numeric, ready for SBE) and private account
//! updates (the REST models, ready for JSON `params.data`).
//!
//! Every event is sent while the exchange lock is held, so the stream order equals the order of
//! state changes, and a [`BookSnapshot`] taken after subscribing is consistent with the deltas
//! that follow it.

use std::sync::Arc;

use super::model::{
    AccountResp, BalanceEventResp, BboResp, FillResp, FundingDataResp, MarketSummaryResp,
    OrderResp, PositionResp, TradeResp,
};
use super::num;
use super::types::Side;

/// One published change.
#[derive(Debug, Clone, PartialEq)]
pub enum ExchangeEvent {
    /// Top of book changed.
    Bbo(BboEvent),
    /// A trade printed.
    Trade(TradeEvent),
    /// Book levels changed; `seq_no` is contiguous per market.
    BookDelta(BookDelta),
    /// Market summary (mark, last, volume, funding) refreshed.
    MarketSummary(MarketSummaryEvent),
    /// Funding index or rate changed.
    FundingData(FundingDataEvent),
    /// One of `account`'s orders changed state.
    Order {
        /// Owner address.
        account: Arc<str>,
        /// The order as REST returns it.
        order: OrderResp,
    },
    /// One of `account`'s orders filled.
    Fill {
        /// Owner address.
        account: Arc<str>,
        /// The fill as REST returns it.
        fill: FillResp,
    },
    /// A position changed.
    Position {
        /// Owner address.
        account: Arc<str>,
        /// The position as REST returns it.
        position: PositionResp,
    },
    /// The account summary changed.
    Account {
        /// Owner address.
        account: Arc<str>,
        /// As `GET /account` returns it.
        summary: AccountResp,
    },
    /// The USDC balance moved.
    BalanceEvent {
        /// Owner address.
        account: Arc<str>,
        /// The `balance_events` payload.
        event: BalanceEventResp,
    },
}

impl ExchangeEvent {
    /// The owning account for private events, `None` for public ones.
    #[must_use]
    pub fn account(&self) -> Option<&str> {
        match self {
            Self::Order { account, .. }
            | Self::Fill { account, .. }
            | Self::Position { account, .. }
            | Self::Account { account, .. }
            | Self::BalanceEvent { account, .. } => Some(account),
            _ => None,
        }
    }

    /// The market of a public event.
    #[must_use]
    pub fn market(&self) -> Option<&str> {
        match self {
            Self::Bbo(e) => Some(&e.market),
            Self::Trade(e) => Some(&e.market),
            Self::BookDelta(e) => Some(&e.market),
            Self::MarketSummary(e) => Some(&e.market),
            Self::FundingData(e) => Some(&e.market),
            Self::Order { order, .. } => Some(&order.market),
            Self::Fill { fill, .. } => Some(&fill.market),
            Self::Position { position, .. } => Some(&position.market),
            _ => None,
        }
    }
}

/// One price level: mantissas at -8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Level {
    /// Price.
    pub price: i64,
    /// Total size resting at the price.
    pub size: i64,
}

/// How a level changed, for JSON's `inserts` / `updates` / `deletes`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LevelChangeKind {
    /// The level did not exist before.
    Insert,
    /// The level's size changed.
    Update,
    /// The level is gone (`size` is 0).
    Delete,
}

/// One level change in a [`BookDelta`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelChange {
    /// Book side.
    pub side: Side,
    /// Price.
    pub price: i64,
    /// New absolute size; 0 removes the level.
    pub size: i64,
    /// Insert, update or delete.
    pub kind: LevelChangeKind,
}

/// Book levels changed in one engine step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookDelta {
    /// Market symbol.
    pub market: Arc<str>,
    /// Exactly the previous delta's `seq_no + 1`.
    pub seq_no: u64,
    /// Exchange time, µs.
    pub timestamp_us: u64,
    /// The changes.
    pub changes: Vec<LevelChange>,
}

/// The book at one `seq_no`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookSnapshot {
    /// Market symbol.
    pub market: Arc<str>,
    /// The book counter: deltas with a greater `seq_no` apply on top.
    pub seq_no: u64,
    /// Time of the last change, µs.
    pub timestamp_us: u64,
    /// Bids, best (highest) first.
    pub bids: Vec<Level>,
    /// Asks, best (lowest) first.
    pub asks: Vec<Level>,
}

/// Best bid and offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BboEvent {
    /// Market symbol.
    pub market: Arc<str>,
    /// The book counter when it changed.
    pub seq_no: u64,
    /// Exchange time, µs.
    pub timestamp_us: u64,
    /// Best bid, if any.
    pub bid: Option<Level>,
    /// Best ask, if any.
    pub ask: Option<Level>,
}

impl BboEvent {
    /// The JSON model (`"0"` for an empty side).
    #[must_use]
    pub fn to_resp(&self) -> BboResp {
        let (bid, bid_size) = level_strings(self.bid);
        let (ask, ask_size) = level_strings(self.ask);
        BboResp {
            market: self.market.to_string(),
            bid,
            bid_size,
            ask,
            ask_size,
            last_updated_at: self.timestamp_us / 1000,
            seq_no: self.seq_no,
        }
    }
}

fn level_strings(level: Option<Level>) -> (String, String) {
    level.map_or_else(
        || ("0".to_owned(), "0".to_owned()),
        |l| (num::format(l.price), num::format(l.size)),
    )
}

/// A public trade.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TradeEvent {
    /// ~28-digit decimal id.
    pub id: String,
    /// Market symbol.
    pub market: Arc<str>,
    /// The book counter after the trade.
    pub seq_no: u64,
    /// Exchange time, µs.
    pub timestamp_us: u64,
    /// Taker side.
    pub side: Side,
    /// Price.
    pub price: i64,
    /// Size.
    pub size: i64,
}

impl TradeEvent {
    /// The JSON model.
    #[must_use]
    pub fn to_resp(&self) -> TradeResp {
        TradeResp {
            id: self.id.clone(),
            market: self.market.to_string(),
            side: self.side.as_str().to_owned(),
            size: num::format(self.size),
            price: num::format(self.price),
            created_at: self.timestamp_us / 1000,
            trade_type: "FILL".to_owned(),
        }
    }
}

/// Market summary numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketSummaryEvent {
    /// Market symbol.
    pub market: Arc<str>,
    /// The book counter.
    pub seq_no: u64,
    /// Exchange time, µs.
    pub timestamp_us: u64,
    /// Mark price.
    pub mark_price: i64,
    /// Index (oracle/underlying) price.
    pub index_price: i64,
    /// Last trade price.
    pub last_price: i64,
    /// Best bid.
    pub bid: Option<Level>,
    /// Best ask.
    pub ask: Option<Level>,
    /// USD volume "24 h" (since start in the mock).
    pub volume_24h: i64,
    /// USD volume since start.
    pub total_volume: i64,
    /// Open interest, base units.
    pub open_interest: i64,
    /// Funding rate.
    pub funding_rate: i64,
    /// Price change since start as a fraction.
    pub price_change_rate_24h: i64,
}

impl MarketSummaryEvent {
    /// The JSON model.
    #[must_use]
    pub fn to_resp(&self) -> MarketSummaryResp {
        let (bid, bid_size) = level_strings(self.bid);
        let (ask, ask_size) = level_strings(self.ask);
        MarketSummaryResp {
            symbol: self.market.to_string(),
            oracle_price: num::format(self.index_price),
            mark_price: num::format(self.mark_price),
            last_traded_price: num::format(self.last_price),
            bid,
            bid_size,
            ask,
            ask_size,
            volume_24h: num::format(self.volume_24h),
            total_volume: num::format(self.total_volume),
            created_at: self.timestamp_us / 1000,
            underlying_price: num::format(self.index_price),
            open_interest: num::format(self.open_interest),
            funding_rate: num::format(self.funding_rate),
            price_change_rate_24h: num::format(self.price_change_rate_24h),
        }
    }
}

/// Funding numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundingDataEvent {
    /// Market symbol.
    pub market: Arc<str>,
    /// Exchange time, µs.
    pub timestamp_us: u64,
    /// Cumulative funding index (quote per base unit).
    pub funding_index: i64,
    /// Premium.
    pub funding_premium: i64,
    /// Rate per period.
    pub funding_rate: i64,
    /// Rate per 8 h.
    pub funding_rate_8h: i64,
    /// Period length.
    pub funding_period_hours: u32,
}

impl FundingDataEvent {
    /// The JSON model.
    #[must_use]
    pub fn to_resp(&self) -> FundingDataResp {
        FundingDataResp {
            market: self.market.to_string(),
            funding_index: num::format(self.funding_index),
            funding_premium: num::format(self.funding_premium),
            funding_rate: num::format(self.funding_rate),
            funding_rate_8h: num::format(self.funding_rate_8h),
            funding_period_hours: self.funding_period_hours,
            created_at: self.timestamp_us / 1000,
        }
    }
}
