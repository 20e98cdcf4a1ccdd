//! Paradex wire models: the JSON bodies REST returns and private WS channels carry verbatim.
//!
//! Field names, order and JSON types follow `../shared/paradex/samples/rest_*.json`: decimals are
//! strings, timestamps are integer milliseconds, ids are decimal strings.

use serde::{Deserialize, Serialize};

/// `OrderResp`: create/get/modify responses and the `orders` channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderResp {
    /// ~28-digit decimal id.
    pub id: String,
    /// Owner address.
    pub account: String,
    /// Market symbol.
    pub market: String,
    /// `BUY` | `SELL`.
    pub side: String,
    /// `LIMIT`, `MARKET`, `STOP_LIMIT`, ….
    #[serde(rename = "type")]
    pub order_type: String,
    /// Original size.
    pub size: String,
    /// Size not yet filled (0 once closed by a fill).
    pub remaining_size: String,
    /// Limit price, `"0"` for market orders.
    pub price: String,
    /// `NEW` | `UNTRIGGERED` | `OPEN` | `CLOSED`.
    pub status: String,
    /// `GTC` | `IOC` | `POST_ONLY`.
    pub instruction: String,
    /// Client order id, `""` when none.
    pub client_id: String,
    /// ms.
    pub created_at: u64,
    /// ms.
    pub last_updated_at: u64,
    /// The signature timestamp, ms.
    pub timestamp: u64,
    /// `""` unless closed without a full fill.
    pub cancel_reason: String,
    /// Increasing, not contiguous.
    pub seq_no: u64,
    /// `""` until the first fill.
    pub avg_fill_price: String,
    /// `EXPIRE_TAKER` | `EXPIRE_MAKER` | `EXPIRE_BOTH`.
    pub stp: String,
    /// `REDUCE_ONLY`, `STOP_CONDITION_*`, ….
    pub flags: Vec<String>,
    /// `"0"` when not a stop order.
    pub trigger_price: String,
    /// ms.
    pub received_at: u64,
    /// ms.
    pub published_at: u64,
}

/// `FillResult`: `/fills` rows and the `fills` channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FillResp {
    /// ~28-digit decimal id.
    pub id: String,
    /// This account's side.
    pub side: String,
    /// `MAKER` | `TAKER`.
    pub liquidity: String,
    /// Market symbol.
    pub market: String,
    /// The account's order.
    pub order_id: String,
    /// Trade price.
    pub price: String,
    /// Traded size.
    pub size: String,
    /// Fee paid (negative = rebate).
    pub fee: String,
    /// `USDC`.
    pub fee_currency: String,
    /// ms.
    pub created_at: u64,
    /// The order's remaining size after this fill.
    pub remaining_size: String,
    /// The order's client id.
    pub client_id: String,
    /// `FILL`.
    pub fill_type: String,
    /// PnL realised by this fill.
    pub realized_pnl: String,
    /// Funding realised by this fill.
    pub realized_funding: String,
    /// Owner address.
    pub account: String,
    /// Index price at the fill.
    pub underlying_price: String,
    /// Always empty in the mock.
    pub flags: Vec<String>,
    /// Book counter after the trade.
    pub orderbook_seq_no: u64,
}

/// `PositionResp`: `/positions` rows and the `positions` channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PositionResp {
    /// Position id.
    pub id: String,
    /// Owner address.
    pub account: String,
    /// Market symbol.
    pub market: String,
    /// `OPEN` | `CLOSED`.
    pub status: String,
    /// `LONG` | `SHORT` (`""` when flat).
    pub side: String,
    /// Signed size, negative = short.
    pub size: String,
    /// Average entry price.
    pub average_entry_price: String,
    /// Same, in USD.
    pub average_entry_price_usd: String,
    /// Average exit price.
    pub average_exit_price: String,
    /// `size × (mark − entry)`.
    pub unrealized_pnl: String,
    /// Funding accrued, not yet realised.
    pub unrealized_funding_pnl: String,
    /// PnL realised since the position opened.
    pub realized_positional_pnl: String,
    /// Funding realised since the position opened.
    pub realized_positional_funding_pnl: String,
    /// `size × entry` (signed).
    pub cost: String,
    /// Same, in USD.
    pub cost_usd: String,
    /// Funding index at the last settlement.
    pub cached_funding_index: String,
    /// Last fill that changed it.
    pub last_fill_id: String,
    /// ms.
    pub last_updated_at: u64,
    /// ms.
    pub created_at: u64,
    /// ms, 0 while open.
    pub closed_at: u64,
    /// Increasing, not contiguous.
    pub seq_no: u64,
    /// Mark price at which maintenance margin would be breached (`"0"` when flat).
    pub liquidation_price: String,
    /// `|notional| / account value`.
    pub leverage: String,
}

/// `AccountSummaryResponse`: `GET /account` and the `account` channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountResp {
    /// Address.
    pub account: String,
    /// Collateral plus unrealised PnL.
    pub account_value: String,
    /// Account value minus initial margin.
    pub free_collateral: String,
    /// Initial margin of positions and open orders.
    pub initial_margin_requirement: String,
    /// Maintenance margin of positions.
    pub maintenance_margin_requirement: String,
    /// Account value minus maintenance margin.
    pub margin_cushion: String,
    /// Increasing, not contiguous.
    pub seq_no: u64,
    /// `USDC`.
    pub settlement_asset: String,
    /// `ACTIVE`.
    pub status: String,
    /// USDC balance (deposits, realised PnL, fees, funding).
    pub total_collateral: String,
    /// ms.
    pub updated_at: u64,
    /// ms.
    pub last_seen_notification: u64,
}

/// A `/balance` row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BalanceResp {
    /// `USDC`.
    pub token: String,
    /// Balance.
    pub size: String,
    /// ms.
    pub last_updated_at: u64,
}

/// A `balance_events` channel message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BalanceEventResp {
    /// `TRANSACTION_FILL` or `FUNDING`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// Fill that caused it (`""` for funding).
    pub fill_id: String,
    /// Market symbol.
    pub market: String,
    /// `ON_BLOCKCHAIN`.
    pub status: String,
    /// `USDC`.
    pub settlement_asset_name: String,
    /// Token address.
    pub settlement_asset_address: String,
    /// Balance before.
    pub settlement_asset_balance_before: String,
    /// Balance after.
    pub settlement_asset_balance_after: String,
    /// `1`.
    pub settlement_asset_price: String,
    /// Market funding index.
    pub funding_index: String,
    /// PnL realised.
    pub realized_pnl: String,
    /// Fees paid.
    pub fees: String,
    /// Funding realised.
    pub realized_funding: String,
    /// ms.
    pub created_at: u64,
}

impl BalanceEventResp {
    /// A USDC settlement of `event_type` with every amount `"0"`; callers fill in what moved.
    #[must_use]
    pub fn usdc(event_type: &str, fill_id: String, market: String, created_at: u64) -> Self {
        let zero = || "0".to_owned();
        Self {
            event_type: event_type.to_owned(),
            fill_id,
            market,
            status: "ON_BLOCKCHAIN".to_owned(),
            settlement_asset_name: "USDC".to_owned(),
            settlement_asset_address: "0x0".to_owned(),
            settlement_asset_balance_before: zero(),
            settlement_asset_balance_after: zero(),
            settlement_asset_price: "1".to_owned(),
            funding_index: zero(),
            realized_pnl: zero(),
            fees: zero(),
            realized_funding: zero(),
            created_at,
        }
    }
}

/// A `/funding/payments` row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundingPaymentResp {
    /// Id.
    pub id: String,
    /// Owner address.
    pub account: String,
    /// Market symbol.
    pub market: String,
    /// Amount credited (negative = paid).
    pub payment: String,
    /// Funding index applied.
    pub index: String,
    /// Always `""`: the mock settles funding on index updates, not fills.
    pub fill_id: String,
    /// ms.
    pub created_at: u64,
}

/// `/bbo/{market}` and the `bbo` channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BboResp {
    /// Market symbol.
    pub market: String,
    /// Best bid price (`"0"` when the side is empty).
    pub bid: String,
    /// Best bid size.
    pub bid_size: String,
    /// Best ask price.
    pub ask: String,
    /// Best ask size.
    pub ask_size: String,
    /// ms.
    pub last_updated_at: u64,
    /// The book counter.
    pub seq_no: u64,
}

/// `/trades` rows and the `trades` channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TradeResp {
    /// ~28-digit decimal id.
    pub id: String,
    /// Market symbol.
    pub market: String,
    /// The taker's side.
    pub side: String,
    /// Size.
    pub size: String,
    /// Price.
    pub price: String,
    /// ms.
    pub created_at: u64,
    /// `FILL`.
    pub trade_type: String,
}

/// `/markets/summary` rows and the `markets_summary` channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketSummaryResp {
    /// Market symbol.
    pub symbol: String,
    /// Oracle price.
    pub oracle_price: String,
    /// Mark price.
    pub mark_price: String,
    /// Last trade price.
    pub last_traded_price: String,
    /// Best bid.
    pub bid: String,
    /// Best bid size.
    pub bid_size: String,
    /// Best ask.
    pub ask: String,
    /// Best ask size.
    pub ask_size: String,
    /// USD volume over 24 h (the mock counts since start).
    pub volume_24h: String,
    /// USD volume since start.
    pub total_volume: String,
    /// ms.
    pub created_at: u64,
    /// Index price.
    pub underlying_price: String,
    /// Sum of long sizes.
    pub open_interest: String,
    /// Current funding rate.
    pub funding_rate: String,
    /// Price change since start as a fraction.
    pub price_change_rate_24h: String,
}

/// `/funding/data` rows and the `funding_data` channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FundingDataResp {
    /// Market symbol.
    pub market: String,
    /// Cumulative funding index.
    pub funding_index: String,
    /// Premium.
    pub funding_premium: String,
    /// Rate per period.
    pub funding_rate: String,
    /// Rate per 8 h.
    pub funding_rate_8h: String,
    /// Period length.
    pub funding_period_hours: u32,
    /// ms.
    pub created_at: u64,
}

/// `delta1_cross_margin_params` of a market.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarginParamsResp {
    /// Initial margin fraction base.
    pub imf_base: String,
    /// Shift.
    pub imf_shift: String,
    /// Factor.
    pub imf_factor: String,
    /// Maintenance fraction of initial.
    pub mmf_factor: String,
}

/// A `/markets` row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketResp {
    /// `BTC-USD-PERP`.
    pub symbol: String,
    /// `BTC`.
    pub base_currency: String,
    /// `USD`.
    pub quote_currency: String,
    /// `USDC`.
    pub settlement_currency: String,
    /// Size step.
    pub order_size_increment: String,
    /// Price step.
    pub price_tick_size: String,
    /// Smallest notional.
    pub min_notional: String,
    /// ms.
    pub open_at: u64,
    /// 0 for perpetuals.
    pub expiry_at: u64,
    /// `PERP`.
    pub asset_kind: String,
    /// `cross`.
    pub market_kind: String,
    /// Largest position.
    pub position_limit: String,
    /// Price band around mark.
    pub price_bands_width: String,
    /// Max slippage.
    pub max_slippage: String,
    /// Open orders per account.
    pub max_open_orders: u32,
    /// Max funding rate.
    pub max_funding_rate: String,
    /// Max funding rate change.
    pub max_funding_rate_change: String,
    /// Max top-of-book spread.
    pub max_tob_spread: String,
    /// Largest order.
    pub max_order_size: String,
    /// Interest rate.
    pub interest_rate: String,
    /// Clamp rate.
    pub clamp_rate: String,
    /// Funding period.
    pub funding_period_hours: u32,
    /// Funding multiplier.
    pub funding_multiplier: u32,
    /// Margin parameters.
    pub delta1_cross_margin_params: MarginParamsResp,
    /// Oracle feed id.
    pub price_feed_id: String,
    /// Oracle EWMA factor.
    pub oracle_ewma_factor: String,
    /// Tags.
    pub tags: Vec<String>,
    /// `STANDARD`.
    pub trading_mode: String,
}

/// `GET /orderbook/{market}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderbookResp {
    /// Market symbol.
    pub market: String,
    /// Book counter.
    pub seq_no: u64,
    /// ms.
    pub last_updated_at: u64,
    /// `[price, size]`, best first.
    pub asks: Vec<[String; 2]>,
    /// `[price, size]`, best first.
    pub bids: Vec<[String; 2]>,
}

/// A `DELETE /orders/batch` result row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelResultResp {
    /// Order id, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Client id, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Owner, when found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Market, when found.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub market: Option<String>,
    /// `QUEUED_FOR_CANCELLATION` | `ALREADY_CLOSED` | `NOT_FOUND`.
    pub status: String,
}
