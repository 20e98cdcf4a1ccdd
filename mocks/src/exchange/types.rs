//! Order vocabulary (sides, types, instructions) and the validated order request.

use super::error::{ExchangeError, ExchangeResult};

/// Order or trade side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// Bid.
    Buy,
    /// Ask.
    Sell,
}

impl Side {
    /// `BUY` / `SELL`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Buy => "BUY",
            Self::Sell => "SELL",
        }
    }

    /// Parses `BUY` / `SELL`.
    ///
    /// # Errors
    /// `INVALID_REQUEST_PARAMETER` on anything else.
    pub fn parse(text: &str) -> ExchangeResult<Self> {
        match text {
            "BUY" => Ok(Self::Buy),
            "SELL" => Ok(Self::Sell),
            other => Err(ExchangeError::invalid_parameter(format!(
                "invalid side {other:?}"
            ))),
        }
    }

    /// The other side.
    #[must_use]
    pub fn opposite(self) -> Self {
        match self {
            Self::Buy => Self::Sell,
            Self::Sell => Self::Buy,
        }
    }

    /// +1 for buy, -1 for sell.
    #[must_use]
    pub fn sign(self) -> i64 {
        match self {
            Self::Buy => 1,
            Self::Sell => -1,
        }
    }
}

/// Order type as Paradex names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderType {
    /// Limit.
    Limit,
    /// Market.
    Market,
    /// Stop that becomes a limit order.
    StopLimit,
    /// Stop that becomes a market order.
    StopMarket,
    /// Take-profit limit.
    TakeProfitLimit,
    /// Take-profit market.
    TakeProfitMarket,
    /// Stop-loss limit.
    StopLossLimit,
    /// Stop-loss market.
    StopLossMarket,
}

impl OrderType {
    /// The wire name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Limit => "LIMIT",
            Self::Market => "MARKET",
            Self::StopLimit => "STOP_LIMIT",
            Self::StopMarket => "STOP_MARKET",
            Self::TakeProfitLimit => "TAKE_PROFIT_LIMIT",
            Self::TakeProfitMarket => "TAKE_PROFIT_MARKET",
            Self::StopLossLimit => "STOP_LOSS_LIMIT",
            Self::StopLossMarket => "STOP_LOSS_MARKET",
        }
    }

    /// Parses the wire name.
    ///
    /// # Errors
    /// `INVALID_REQUEST_PARAMETER` on an unknown type.
    pub fn parse(text: &str) -> ExchangeResult<Self> {
        Ok(match text {
            "LIMIT" => Self::Limit,
            "MARKET" => Self::Market,
            "STOP_LIMIT" => Self::StopLimit,
            "STOP_MARKET" => Self::StopMarket,
            "TAKE_PROFIT_LIMIT" => Self::TakeProfitLimit,
            "TAKE_PROFIT_MARKET" => Self::TakeProfitMarket,
            "STOP_LOSS_LIMIT" => Self::StopLossLimit,
            "STOP_LOSS_MARKET" => Self::StopLossMarket,
            other => {
                return Err(ExchangeError::invalid_parameter(format!(
                    "invalid order type {other:?}"
                )));
            }
        })
    }

    /// Whether the order waits for a trigger price.
    #[must_use]
    pub fn is_conditional(self) -> bool {
        !matches!(self, Self::Limit | Self::Market)
    }

    /// Whether it executes without a limit price once live.
    #[must_use]
    pub fn is_market(self) -> bool {
        matches!(
            self,
            Self::Market | Self::StopMarket | Self::TakeProfitMarket | Self::StopLossMarket
        )
    }

    /// Whether a triggered order of this type protects profit (fires when price moves in favour).
    #[must_use]
    pub fn is_take_profit(self) -> bool {
        matches!(self, Self::TakeProfitLimit | Self::TakeProfitMarket)
    }
}

/// Time in force / execution instruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Instruction {
    /// Good till cancelled.
    Gtc,
    /// Immediate or cancel.
    Ioc,
    /// Rest only; never take.
    PostOnly,
}

impl Instruction {
    /// The wire name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Gtc => "GTC",
            Self::Ioc => "IOC",
            Self::PostOnly => "POST_ONLY",
        }
    }

    /// Parses the wire name; `None` or `""` means GTC. `RPI` rests like GTC in the mock.
    ///
    /// # Errors
    /// `INVALID_REQUEST_PARAMETER` on an unknown instruction.
    pub fn parse(text: Option<&str>) -> ExchangeResult<Self> {
        match text.unwrap_or("") {
            "" | "GTC" | "RPI" => Ok(Self::Gtc),
            "IOC" => Ok(Self::Ioc),
            "POST_ONLY" => Ok(Self::PostOnly),
            other => Err(ExchangeError::invalid_parameter(format!(
                "invalid instruction {other:?}"
            ))),
        }
    }
}

/// Self-trade prevention mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stp {
    /// Cancel the incoming order (Paradex's default).
    ExpireTaker,
    /// Cancel the resting order and keep matching.
    ExpireMaker,
    /// Cancel both.
    ExpireBoth,
}

impl Stp {
    /// The wire name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ExpireTaker => "EXPIRE_TAKER",
            Self::ExpireMaker => "EXPIRE_MAKER",
            Self::ExpireBoth => "EXPIRE_BOTH",
        }
    }

    /// Parses the wire name; `None` or `""` means the default, EXPIRE_TAKER.
    ///
    /// # Errors
    /// `INVALID_REQUEST_PARAMETER` on an unknown mode.
    pub fn parse(text: Option<&str>) -> ExchangeResult<Self> {
        match text.unwrap_or("") {
            "" | "EXPIRE_TAKER" => Ok(Self::ExpireTaker),
            "EXPIRE_MAKER" => Ok(Self::ExpireMaker),
            "EXPIRE_BOTH" => Ok(Self::ExpireBoth),
            other => Err(ExchangeError::invalid_parameter(format!(
                "invalid stp {other:?}"
            ))),
        }
    }
}

/// Order status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderStatus {
    /// Accepted, not yet processed by the engine.
    New,
    /// A stop waiting for its trigger.
    Untriggered,
    /// Resting on the book.
    Open,
    /// Done: filled or cancelled (see the cancel reason).
    Closed,
}

impl OrderStatus {
    /// The wire name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "NEW",
            Self::Untriggered => "UNTRIGGERED",
            Self::Open => "OPEN",
            Self::Closed => "CLOSED",
        }
    }
}

/// Why an order closed without filling completely.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelReason {
    /// The owner cancelled it.
    UserCanceled,
    /// IOC or market remainder with nothing left to match.
    ImmediateOrCancel,
    /// A post-only order would have crossed.
    PostOnlyWouldCross,
    /// Not enough free collateral.
    NotEnoughMargin,
    /// Self-trade prevention.
    SelfTrade,
    /// A reduce-only order would have grown the position.
    ReduceOnlyWouldIncrease,
    /// A market order found no liquidity.
    NoLiquidity,
    /// Replaced by the synthetic market maker (its own orders only).
    Replaced,
}

impl CancelReason {
    /// The wire string.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::UserCanceled => "USER_CANCELED",
            Self::ImmediateOrCancel => "IOC_CANCEL",
            Self::PostOnlyWouldCross => "POST_ONLY_WOULD_CROSS",
            Self::NotEnoughMargin => "NOT_ENOUGH_MARGIN",
            Self::SelfTrade => "SELF_TRADE",
            Self::ReduceOnlyWouldIncrease => "REDUCE_ONLY_WOULD_INCREASE",
            Self::NoLiquidity => "NO_LIQUIDITY",
            Self::Replaced => "REPLACED",
        }
    }
}

/// A validated, parsed order request (signature already checked by the caller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    /// Market symbol.
    pub market: String,
    /// Side.
    pub side: Side,
    /// Type.
    pub order_type: OrderType,
    /// Size mantissa.
    pub size: i64,
    /// Limit price mantissa; 0 for market types.
    pub price: i64,
    /// Trigger price mantissa for conditional orders.
    pub trigger_price: Option<i64>,
    /// Instruction.
    pub instruction: Instruction,
    /// Self-trade prevention.
    pub stp: Stp,
    /// Wire flags, as sent (e.g. `REDUCE_ONLY`).
    pub flags: Vec<String>,
    /// Client id, `""` when none.
    pub client_id: String,
    /// Signature timestamp, ms.
    pub signature_timestamp: u64,
}

impl NewOrder {
    /// Whether `REDUCE_ONLY` is set.
    #[must_use]
    pub fn reduce_only(&self) -> bool {
        self.flags.iter().any(|f| f == "REDUCE_ONLY")
    }
}

/// A new price and size for an open order (`PUT /orders/{id}`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModifyOrder {
    /// Order id.
    pub id: String,
    /// Market (must match the order).
    pub market: String,
    /// Side (must match the order).
    pub side: Side,
    /// Type (must match the order).
    pub order_type: OrderType,
    /// New size.
    pub size: i64,
    /// New price.
    pub price: i64,
    /// New trigger price, for conditional orders.
    pub trigger_price: Option<i64>,
    /// Signature timestamp, ms.
    pub signature_timestamp: u64,
}
