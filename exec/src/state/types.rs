//! The exchange's view of orders, fills, positions and balances, as the state consumes it
//! (decimals are `i64` mantissas at 10^-8; ids are the exchange's decimal ids as `u128`).

use paradex_proto::typed_data::OrderSide;

/// Exchange order id: a ~28-digit decimal, too wide for `u64`.
pub type OrderId = u128;

/// Order status: the exchange's four plus two local ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OrderStatus {
    /// Local only: the create was sent and not yet acknowledged.
    Submitted,
    /// Accepted, waiting for risk checks.
    New,
    /// A stop/take-profit order waiting for its trigger.
    Untriggered,
    /// Resting on the book (possibly partly filled).
    Open,
    /// Done: filled, cancelled or rejected after acceptance (`cancel_reason` says which).
    Closed,
    /// Local only: the create was refused before the exchange assigned an id.
    Rejected,
}

impl OrderStatus {
    /// Parses the exchange spelling (`NEW`, `UNTRIGGERED`, `OPEN`, `CLOSED`).
    pub fn from_wire(s: &str) -> Option<Self> {
        match s {
            "NEW" => Some(Self::New),
            "UNTRIGGERED" => Some(Self::Untriggered),
            "OPEN" => Some(Self::Open),
            "CLOSED" => Some(Self::Closed),
            _ => None,
        }
    }

    /// Whether the order can still change.
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Closed | Self::Rejected)
    }

    /// The allowed transitions (a status may also repeat, e.g. OPEN with more fills).
    pub fn can_become(self, next: Self) -> bool {
        use OrderStatus::*;
        match (self, next) {
            (Closed | Rejected, _) => false,
            (_, Submitted) => false,
            (Submitted, _) => true,
            (New, New | Untriggered | Open | Closed) => true,
            (Untriggered, New | Untriggered | Open | Closed) => true,
            (Open, Open | Closed) => true,
            _ => false,
        }
    }
}

/// One exchange view of an order (a REST `OrderResp` or an `orders` stream event).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderUpdate {
    /// Exchange order id.
    pub id: OrderId,
    /// Client id, if the order has one.
    pub client_id: Option<String>,
    /// Market symbol.
    pub market: String,
    /// Side.
    pub side: OrderSide,
    /// Order type (`LIMIT`, `MARKET`, …).
    pub order_type: String,
    /// Size × 10^8 (may change through modify).
    pub size_e8: i64,
    /// Unfilled size × 10^8.
    pub remaining_e8: i64,
    /// Limit price × 10^8 (0 for market orders).
    pub price_e8: i64,
    /// Average fill price × 10^8, absent before the first fill.
    pub avg_fill_price_e8: Option<i64>,
    /// Exchange status (never `Submitted` or `Rejected`).
    pub status: OrderStatus,
    /// Why a closed order closed (`FILLED`-style reasons are empty on Paradex).
    pub cancel_reason: Option<String>,
    /// Exchange sequence number: increasing per order, not contiguous.
    pub seq_no: u64,
    /// Exchange timestamp of this state, ms.
    pub last_updated_at: u64,
}

impl OrderUpdate {
    /// Filled size × 10^8.
    pub fn filled_e8(&self) -> i64 {
        self.size_e8 - self.remaining_e8
    }
}

/// One fill (REST `/fills` row or `fills` stream event).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fill {
    /// Fill id.
    pub id: u128,
    /// The filled order.
    pub order_id: OrderId,
    /// The order's client id, if any.
    pub client_id: Option<String>,
    /// Market symbol.
    pub market: String,
    /// Side of our order.
    pub side: OrderSide,
    /// Fill price × 10^8.
    pub price_e8: i64,
    /// Filled size × 10^8.
    pub size_e8: i64,
    /// The order's remaining size after this fill × 10^8.
    pub remaining_e8: i64,
    /// Fee × 10^8 (negative = rebate).
    pub fee_e8: i64,
    /// `true` if we were the maker.
    pub is_maker: bool,
    /// Exchange time, ms.
    pub created_at: u64,
}

/// A position (REST `/positions` row or `positions` event).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// Market symbol.
    pub market: String,
    /// Signed size × 10^8 (negative = short, 0 = flat).
    pub size_e8: i64,
    /// Average entry price × 10^8.
    pub avg_entry_price_e8: i64,
    /// Exchange sequence number.
    pub seq_no: u64,
    /// Exchange time, ms.
    pub last_updated_at: u64,
}

/// A token balance (REST `/balance` row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Balance {
    /// Token, e.g. `USDC`.
    pub token: String,
    /// Size × 10^8.
    pub size_e8: i64,
    /// Exchange time, ms.
    pub last_updated_at: u64,
}
