//! Market-data record kinds: one ring per kind.
//!
//! Prices, sizes and rates are fixed-point `i64` mantissas at exponent -8 (Paradex's own scale:
//! `12.5` is `1_250_000_000`). Timestamps are `i64` nanoseconds: `ts_exchange` is the exchange's
//! event time (Unix epoch), `ts_recv` the local receive time (`CLOCK_MONOTONIC`, comparable across
//! processes on the host; see [`crate::clock`]). `market_id` indexes the segment's symbol table.
//! Every record is 56 bytes, so with its 8-byte stamp a slot is exactly one 64-byte cache line.

use core::mem::size_of;

use crate::record::{Field, ShmRecord, shm_record};

/// Null mantissa: the side has no price (an empty book side), as in Paradex's SBE `*NULL` types.
pub const NULL_PRICE: i64 = i64::MIN;

/// `Trade::side` / `BookLevel::side`: unknown or not applicable.
pub const SIDE_NONE: u16 = 0;
/// Buy side (bid; for trades, buyer was the aggressor).
pub const SIDE_BUY: u16 = 1;
/// Sell side (ask; for trades, seller was the aggressor).
pub const SIDE_SELL: u16 = 2;

/// `BookLevel::flags`: first record of a snapshot; the reader clears its book for this market.
pub const BOOK_SNAPSHOT_BEGIN: u16 = 1 << 0;
/// `BookLevel::flags`: last record of a snapshot or of one exchange update; the book is
/// consistent after applying it.
pub const BOOK_END_OF_UPDATE: u16 = 1 << 1;
/// `BookLevel::flags`: the feed detected a sequence gap; the reader's book for this market is
/// invalid until the next `BOOK_SNAPSHOT_BEGIN`. Carries no level (`side == SIDE_NONE`).
pub const BOOK_INVALIDATED: u16 = 1 << 2;

shm_record! {
    /// Best bid and offer of one market. The feed handler drops BBOs whose exchange sequence went
    /// backwards before publishing, so the ring's order is the book's order.
    pub struct Bbo (kind = 1, name = "bbo") {
        /// Exchange event time, ns since the Unix epoch.
        pub ts_exchange: i64,
        /// Local receive time, `CLOCK_MONOTONIC` ns.
        pub ts_recv: i64,
        /// Index into the symbol table.
        pub market_id: u32,
        /// Reserved, zero.
        pub flags: u32,
        /// Best bid price (1e-8), or [`NULL_PRICE`] when there are no bids.
        pub bid_px: i64,
        /// Size at the best bid (1e-8).
        pub bid_sz: i64,
        /// Best ask price (1e-8), or [`NULL_PRICE`] when there are no asks.
        pub ask_px: i64,
        /// Size at the best ask (1e-8).
        pub ask_sz: i64,
    }
}

shm_record! {
    /// One public trade.
    pub struct Trade (kind = 2, name = "trade") {
        /// Matching-engine time, ns since the Unix epoch.
        pub ts_exchange: i64,
        /// Local receive time, `CLOCK_MONOTONIC` ns.
        pub ts_recv: i64,
        /// Index into the symbol table.
        pub market_id: u32,
        /// Aggressor side: [`SIDE_BUY`], [`SIDE_SELL`] or [`SIDE_NONE`].
        pub side: u16,
        /// Paradex fill type (SBE `FillType`: 1 fill, 2 liquidation, …; 0 unknown).
        pub trade_type: u16,
        /// Price (1e-8).
        pub price: i64,
        /// Size (1e-8).
        pub size: i64,
        /// Order-book sequence after the trade (0 when the exchange gives none).
        pub seq: i64,
        /// Reserved, zero.
        pub reserved: i64,
    }
}

shm_record! {
    /// One order-book level change, or a snapshot / invalidation marker (see the `BOOK_*` flags).
    pub struct BookLevel (kind = 3, name = "book_level") {
        /// Exchange event time, ns since the Unix epoch.
        pub ts_exchange: i64,
        /// Local receive time, `CLOCK_MONOTONIC` ns.
        pub ts_recv: i64,
        /// Index into the symbol table.
        pub market_id: u32,
        /// [`SIDE_BUY`] (bid), [`SIDE_SELL`] (ask) or [`SIDE_NONE`] for a marker.
        pub side: u16,
        /// `BOOK_*` bit flags.
        pub flags: u16,
        /// Level price (1e-8).
        pub price: i64,
        /// New total size at the level (1e-8); 0 removes the level.
        pub size: i64,
        /// Exchange order-book sequence of the update this level belongs to.
        pub seq: i64,
        /// Reserved, zero.
        pub reserved: i64,
    }
}

shm_record! {
    /// Mark and index price with the current funding rate.
    pub struct MarkFunding (kind = 4, name = "mark_funding") {
        /// Exchange event time, ns since the Unix epoch.
        pub ts_exchange: i64,
        /// Local receive time, `CLOCK_MONOTONIC` ns.
        pub ts_recv: i64,
        /// Index into the symbol table.
        pub market_id: u32,
        /// Reserved, zero.
        pub flags: u32,
        /// Mark price (1e-8).
        pub mark_px: i64,
        /// Index (underlying) price (1e-8).
        pub index_px: i64,
        /// Funding rate (1e-8), or [`NULL_PRICE`] when unknown.
        pub funding_rate: i64,
        /// Open interest (1e-8), or [`NULL_PRICE`] when unknown.
        pub open_interest: i64,
    }
}

/// The market-data record kinds, for code that picks a layout at run time (Python bindings, the
/// status tool).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RecordKind {
    /// [`Bbo`]
    Bbo,
    /// [`Trade`]
    Trade,
    /// [`BookLevel`]
    BookLevel,
    /// [`MarkFunding`]
    MarkFunding,
}

impl RecordKind {
    /// Every kind.
    pub const ALL: [Self; 4] = [Self::Bbo, Self::Trade, Self::BookLevel, Self::MarkFunding];

    /// The kind whose id is stored in a segment header.
    #[must_use]
    pub const fn from_id(id: u64) -> Option<Self> {
        match id {
            Bbo::KIND_ID => Some(Self::Bbo),
            Trade::KIND_ID => Some(Self::Trade),
            BookLevel::KIND_ID => Some(Self::BookLevel),
            MarkFunding::KIND_ID => Some(Self::MarkFunding),
            _ => None,
        }
    }

    /// The kind with this layout name (`"bbo"`, `"trade"`, …).
    #[must_use]
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// Id stored in the header.
    #[must_use]
    pub const fn id(self) -> u64 {
        match self {
            Self::Bbo => Bbo::KIND_ID,
            Self::Trade => Trade::KIND_ID,
            Self::BookLevel => BookLevel::KIND_ID,
            Self::MarkFunding => MarkFunding::KIND_ID,
        }
    }

    /// Layout name, also the last component of the conventional segment name.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Bbo => Bbo::NAME,
            Self::Trade => Trade::NAME,
            Self::BookLevel => BookLevel::NAME,
            Self::MarkFunding => MarkFunding::NAME,
        }
    }

    /// Record size in bytes.
    #[must_use]
    pub const fn size(self) -> usize {
        match self {
            Self::Bbo => size_of::<Bbo>(),
            Self::Trade => size_of::<Trade>(),
            Self::BookLevel => size_of::<BookLevel>(),
            Self::MarkFunding => size_of::<MarkFunding>(),
        }
    }

    /// Fields in offset order (numpy: `np.dtype({"names": …, "formats": …, "offsets": …})`).
    #[must_use]
    pub const fn fields(self) -> &'static [Field] {
        match self {
            Self::Bbo => Bbo::FIELDS,
            Self::Trade => Trade::FIELDS,
            Self::BookLevel => BookLevel::FIELDS,
            Self::MarkFunding => MarkFunding::FIELDS,
        }
    }

    /// Layout hash stored in the header.
    #[must_use]
    pub const fn layout_hash(self) -> u64 {
        match self {
            Self::Bbo => Bbo::LAYOUT_HASH,
            Self::Trade => Trade::LAYOUT_HASH,
            Self::BookLevel => BookLevel::LAYOUT_HASH,
            Self::MarkFunding => MarkFunding::LAYOUT_HASH,
        }
    }

    /// Conventional segment name for this kind on `feed`: `paradex.<feed>.<kind>`.
    #[must_use]
    pub fn segment_name(self, feed: &str) -> String {
        format!("paradex.{feed}.{}", self.name())
    }
}

const _: () = {
    assert!(size_of::<Bbo>() == 56);
    assert!(size_of::<Trade>() == 56);
    assert!(size_of::<BookLevel>() == 56);
    assert!(size_of::<MarkFunding>() == 56);
};
