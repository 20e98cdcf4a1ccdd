//! Enumerations, bit sets and small composites of the schema.
//!
//! Enums never fail to decode: a value the schema does not name becomes `Unknown(raw)`, as the
//! schema asks for (`AssetKind`, `FundingRateSource` grow without a breaking change).

/// Template ids of every message in the schema.
pub mod template {
    /// `TradeEvent` (public `trades.{market}`).
    pub const TRADE: u16 = 1;
    /// `BboEvent` (public `bbo.{market}`).
    pub const BBO: u16 = 2;
    /// `BookEvent` (public `order_book.{market}…`), snapshot or delta.
    pub const BOOK: u16 = 3;
    /// `MarketSummaryEvent` (public `markets_summary`).
    pub const MARKET_SUMMARY: u16 = 4;
    /// `FundingDataEvent` (public `funding_data.{market}`).
    pub const FUNDING_DATA: u16 = 5;
    /// `FundingRateComparisonEvent` (public, since version 1).
    pub const FUNDING_RATE_COMPARISON: u16 = 6;
    /// `OrderEvent` (private `orders`).
    pub const ORDER: u16 = 20;
    /// `FillEvent` (private `fills`).
    pub const FILL: u16 = 21;
    /// `PositionEvent` (private `positions`).
    pub const POSITION: u16 = 22;
    /// `AccountEvent` (private `account`).
    pub const ACCOUNT: u16 = 23;
    /// `HeartbeatEvent` (sent every 20 s on an idle connection).
    pub const HEARTBEAT: u16 = 40;
    /// `SubscribedEvent` (reserved; acks are JSON today).
    pub const SUBSCRIBED: u16 = 41;
}

/// One book level: price and size mantissas at exponent -8. In a delta, size 0 removes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Level {
    /// Price mantissa (Price8).
    pub price: i64,
    /// Size mantissa (Qty8); 0 means "remove this level" in a delta.
    pub size: i64,
}

macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $value:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this schema version does not name, kept as sent.
            Unknown(u8),
        }

        impl $name {
            /// Maps a wire byte; unnamed values become `Unknown`.
            #[inline]
            #[must_use]
            pub const fn from_u8(value: u8) -> Self {
                match value {
                    $($value => Self::$variant,)+
                    other => Self::Unknown(other),
                }
            }

            /// The wire byte.
            #[inline]
            #[must_use]
            pub const fn to_u8(self) -> u8 {
                match self {
                    $(Self::$variant => $value,)+
                    Self::Unknown(value) => value,
                }
            }
        }

        impl super::fields::WireByte for $name {
            #[inline]
            fn from_byte(byte: u8) -> Self {
                Self::from_u8(byte)
            }

            #[inline]
            fn to_byte(self) -> u8 {
                self.to_u8()
            }
        }
    };
}

wire_enum! {
    /// Order or trade side (for trades: the aggressor).
    Side { /// Buy.
    Buy = 1, /// Sell.
    Sell = 2, /// The venue's value has no SBE equivalent.
    NonRepresentable = 254 }
}

wire_enum! {
    /// Order type.
    OrderType { /// Limit.
    Limit = 1, /// Market.
    Market = 2, /// Stop limit.
    StopLimit = 3, /// Stop market.
    StopMarket = 4, /// Take-profit limit.
    TakeProfitLimit = 5, /// Take-profit market.
    TakeProfitMarket = 6, /// Stop-loss limit.
    StopLossLimit = 7, /// Stop-loss market.
    StopLossMarket = 8, /// No SBE equivalent.
    NonRepresentable = 254 }
}

wire_enum! {
    /// Order status.
    OrderStatus { /// Accepted, not yet on the book.
    New = 1, /// Conditional order waiting for its trigger.
    Untriggered = 2, /// Resting on the book.
    Open = 3, /// Filled or cancelled.
    Closed = 4, /// No SBE equivalent.
    NonRepresentable = 254 }
}

wire_enum! {
    /// Time in force.
    TimeInForce { /// Good till cancelled.
    Gtc = 1, /// Immediate or cancel.
    Ioc = 2, /// Post only.
    PostOnly = 3, /// Retail price improvement.
    Rpi = 4, /// No SBE equivalent.
    NonRepresentable = 254 }
}

wire_enum! {
    /// Fill or trade type.
    FillType { /// Regular fill.
    Fill = 1, /// Liquidation.
    Liquidation = 2, /// Unwind transfer.
    UnwindTransfer = 3, /// Market settlement.
    SettleMarket = 4, /// Retail price improvement.
    Rpi = 5, /// Block trade.
    BlockTrade = 6, /// No SBE equivalent.
    NonRepresentable = 254 }
}

wire_enum! {
    /// Book package type.
    PkgType { /// The whole book.
    Snapshot = 0, /// Changes since the previous `seq`.
    Delta = 1 }
}

/// The wire's zero value, so a [`BookEvent`](super::BookEvent) built with
/// `..BookEvent::default()` is a snapshot unless it says otherwise.
impl Default for PkgType {
    fn default() -> Self {
        Self::Snapshot
    }
}

wire_enum! {
    /// Market asset kind.
    AssetKind { /// Not given.
    Unspecified = 0, /// Perpetual future.
    PerpetualFuture = 1, /// Option.
    Option = 2, /// Spot.
    Spot = 3 }
}

wire_enum! {
    /// Venue a funding rate comes from.
    FundingRateSource { /// Not given.
    Unspecified = 0, /// Paradex.
    Paradex = 1, /// Binance.
    Binance = 2, /// Bybit.
    Bybit = 3, /// OKX.
    Okx = 4, /// Deribit.
    Deribit = 5, /// Derive.
    Derive = 6, /// Hyperliquid.
    Hyperliquid = 7, /// Lighter.
    Lighter = 8, /// Databento.
    Databento = 9, /// Publisher.
    Publisher = 10, /// Pyth.
    Pyth = 11, /// Stork.
    Stork = 12 }
}

wire_enum! {
    /// Maker or taker.
    LiquiditySide { /// Maker.
    Maker = 1, /// Taker.
    Taker = 2, /// No SBE equivalent.
    NonRepresentable = 254 }
}

wire_enum! {
    /// Self-trade prevention mode.
    StpMode { /// None.
    None = 0, /// Expire the maker.
    ExpireMaker = 1, /// Expire the taker.
    ExpireTaker = 2, /// Expire both.
    ExpireBoth = 3, /// No SBE equivalent.
    NonRepresentable = 254 }
}

wire_enum! {
    /// Position status.
    PositionStatus { /// Open.
    Open = 1, /// Closed.
    Closed = 2, /// Not given.
    Unspecified = 3, /// No SBE equivalent.
    NonRepresentable = 254 }
}

wire_enum! {
    /// Account status.
    AccountStatus { /// Active.
    Active = 1, /// Being liquidated.
    Liquidation = 2, /// No SBE equivalent.
    NonRepresentable = 254 }
}

wire_enum! {
    /// Status of an in-flight order request; `Unspecified` (with [`RequestType::Unspecified`])
    /// means the order carried no request info.
    RequestStatus { /// No request info.
    Unspecified = 0, /// Pending.
    Pending = 1, /// Processed.
    Processed = 2, /// Rejected.
    Rejected = 3, /// Succeeded.
    Success = 4, /// No SBE equivalent.
    NonRepresentable = 254 }
}

wire_enum! {
    /// Kind of order request.
    RequestType { /// No request info.
    Unspecified = 0, /// Modify order.
    ModifyOrder = 1, /// No SBE equivalent.
    NonRepresentable = 254 }
}

/// `OrderFlags` bit set (raw byte; unnamed bits are kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct OrderFlags(pub u8);

impl OrderFlags {
    /// Reduce-only.
    pub const REDUCE_ONLY: u8 = 1 << 0;
    /// Stop triggers below the trigger price.
    pub const STOP_CONDITION_BELOW_TRIGGER: u8 = 1 << 1;
    /// Stop triggers above the trigger price.
    pub const STOP_CONDITION_ABOVE_TRIGGER: u8 = 1 << 2;
    /// Placed interactively.
    pub const INTERACTIVE: u8 = 1 << 3;
    /// VWAP target strategy.
    pub const TARGET_STRATEGY_VWAP: u8 = 1 << 4;
    /// Market-maker protection; exists from version 2, so it is never encoded below it.
    pub const MMP: u8 = 1 << 5;

    /// True when every bit of `mask` is set.
    #[must_use]
    pub const fn contains(self, mask: u8) -> bool {
        self.0 & mask == mask
    }
}

/// `FillFlags` bit set (raw byte; version 2 and later).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct FillFlags(pub u8);

impl FillFlags {
    /// Interactive.
    pub const INTERACTIVE: u8 = 1 << 0;
    /// Retail price improvement.
    pub const RPI: u8 = 1 << 1;
    /// Fast fill.
    pub const FASTFILL: u8 = 1 << 2;
    /// The venue set a flag this schema cannot name.
    pub const UNKNOWN: u8 = 1 << 7;

    /// True when every bit of `mask` is set.
    #[must_use]
    pub const fn contains(self, mask: u8) -> bool {
        self.0 & mask == mask
    }
}
