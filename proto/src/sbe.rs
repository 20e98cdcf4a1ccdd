//! The Paradex SBE schema (id 1, versions 0–2): message header, every template, an
//! append-only encoder and a zero-copy, zero-allocation decoder.
//!
//! A frame is one WebSocket binary message: an 8-byte header (`blockLength`, `templateId`,
//! `schemaId`, `version`, little-endian `u16`s), the root block, repeating groups, then
//! `varString8`s. The decoder validates every length before reading, honours the header's
//! `blockLength` (a longer block from a newer layout is skipped over), treats var-data appended
//! in version 2 as absent when the frame ends before it, and reports unknown templates, schema
//! ids and versions as [`DecodeError::is_unknown`] so callers can count and skip them.
//!
//! Each template is a plain struct (`BboEvent`, `BookEvent`, …) with `decode(&Frame)` and
//! `encode(version, &mut Vec<u8>)`; [`Message`] and [`decode`] dispatch on the template id.
//!
//! ```
//! use paradex_proto::sbe::{self, BboEvent, Message};
//!
//! let bbo = BboEvent {
//!     ts_us: 1_700_000_000_000_000,
//!     seq: 42,
//!     bid_price: Some(4_200_000_000_000),
//!     bid_size: Some(150_000_000),
//!     ask_price: Some(4_200_050_000_000),
//!     ask_size: None,
//!     market: "BTC-USD-PERP",
//! };
//! let mut frame = Vec::with_capacity(128);
//! bbo.encode(sbe::SCHEMA_VERSION, &mut frame).unwrap();
//! assert_eq!(sbe::decode(&frame).unwrap(), Message::Bbo(bbo));
//! ```

mod account;
mod error;
mod fields;
mod market;
mod message;
mod system;
mod types;
mod wire;

pub use account::{AccountAddress, AccountEvent, FillEvent, OrderEvent, PositionEvent};
pub use error::{DecodeError, EncodeError};
pub use market::{
    BboEvent, BookEvent, FundingDataEvent, FundingRateComparisonEvent, MarketSummaryEvent,
    TradeEvent,
};
pub use message::{Message, decode};
pub use system::{HeartbeatEvent, SubscribedEvent};
pub use types::{
    AccountStatus, AssetKind, FillFlags, FillType, FundingRateSource, Level, LiquiditySide,
    OrderFlags, OrderStatus, OrderType, PkgType, PositionStatus, RequestStatus, RequestType, Side,
    StpMode, TimeInForce, template,
};
pub use wire::{
    Frame, GROUP_HEADER_LEN, HEADER_LEN, LEVEL_LEN, LevelIter, Levels, MessageHeader, NULL_I64,
    SCHEMA_ID, SCHEMA_VERSION,
};
