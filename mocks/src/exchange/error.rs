//! Exchange rejections, each carrying Paradex's error code.

use thiserror::Error;

/// Result of an exchange operation.
pub type ExchangeResult<T> = Result<T, ExchangeError>;

/// A request the exchange refused. `code()` is the Paradex `error` string of the ApiError body.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ExchangeError {
    /// Unknown market symbol.
    #[error("market {0} not found")]
    MarketNotFound(String),
    /// Unknown account.
    #[error("account {0} not found")]
    AccountNotFound(String),
    /// No such order (or not this account's).
    #[error("order {0} not found")]
    OrderNotFound(String),
    /// No open order with this client id.
    #[error("client order id {0} not found")]
    ClientOrderIdNotFound(String),
    /// The order is already closed.
    #[error("order {0} is closed")]
    OrderIsClosed(String),
    /// An open order already uses this client id.
    #[error("client id {0} is already used by an open order")]
    DuplicatedClientId(String),
    /// Size not a multiple of the increment, zero, or too large.
    #[error("invalid order size: {0}")]
    InvalidOrderSize(String),
    /// Price not a multiple of the tick, or missing.
    #[error("invalid price precision: {0}")]
    InvalidPricePrecision(String),
    /// Below the market's minimum notional.
    #[error("order notional below minimum: {0}")]
    MinNotional(String),
    /// Limit price outside the band around mark.
    #[error("price outside the allowed band: {0}")]
    PriceBand(String),
    /// Too many open orders in this market.
    #[error("too many open orders: {0}")]
    MaxOpenOrders(String),
    /// Any other bad field.
    #[error("{0}")]
    InvalidParameter(String),
    /// Batch size outside 1..=max.
    #[error("batch size out of range: {0}")]
    BatchSizeOutOfRange(String),
    /// The system is in cancel-only mode.
    #[error("system is cancel-only")]
    CancelOnly,
    /// The system is in post-only mode and the order is not post-only.
    #[error("system is post-only")]
    PostOnly,
}

impl ExchangeError {
    /// Shorthand for [`ExchangeError::InvalidParameter`].
    #[must_use]
    pub fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::InvalidParameter(message.into())
    }

    /// Paradex's error code for this rejection.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::MarketNotFound(_) => "MARKET_NOT_FOUND",
            Self::AccountNotFound(_) => "ACCOUNT_NOT_FOUND",
            Self::OrderNotFound(_) => "ORDER_ID_NOT_FOUND",
            Self::ClientOrderIdNotFound(_) => "CLIENT_ORDER_ID_NOT_FOUND",
            Self::OrderIsClosed(_) => "ORDER_IS_CLOSED",
            Self::DuplicatedClientId(_) => "DUPLICATED_CLIENT_ID",
            Self::InvalidOrderSize(_) => "INVALID_ORDER_SIZE",
            Self::InvalidPricePrecision(_) => "INVALID_PRICE_PRECISION",
            Self::MinNotional(_) => "ORDER_SIZE_BELOW_MIN_NOTIONAL",
            Self::PriceBand(_) => "PRICE_NOT_WITHIN_BANDS",
            Self::MaxOpenOrders(_) => "MAX_OPEN_ORDERS_EXCEEDED",
            Self::InvalidParameter(_) => "INVALID_REQUEST_PARAMETER",
            Self::BatchSizeOutOfRange(_) => "BATCH_SIZE_OUT_OF_RANGE",
            Self::CancelOnly => "SYSTEM_STATUS_CANCEL_ONLY",
            Self::PostOnly => "SYSTEM_STATUS_POST_ONLY",
        }
    }

    /// HTTP status Paradex uses for it (404 for unknown markets and orders, else 400).
    #[must_use]
    pub fn http_status(&self) -> u16 {
        match self {
            Self::MarketNotFound(_) | Self::OrderNotFound(_) | Self::ClientOrderIdNotFound(_) => {
                404
            }
            _ => 400,
        }
    }
}
