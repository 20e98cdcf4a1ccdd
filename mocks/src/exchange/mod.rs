//! The exchange core: per-market books, price-time matching, accounts, positions, order states.
//!
//! No I/O: the REST and WS transports call [`Exchange`] and forward its [`ExchangeEvent`]s.
//! Prices and sizes are i64 mantissas at exponent -8 ([`num`]); the wire models in [`model`]
//! carry them as Paradex decimal strings.

mod account;
mod book;
pub mod config;
mod engine;
pub mod error;
pub mod events;
mod funding;
mod matching;
pub mod model;
pub mod num;
mod state;
pub mod types;

pub use config::{ExchangeConfig, MarketSpec, SeedAccount, TESTNET_CHAIN_ID};
pub use engine::{Exchange, OrderFilter};
pub use error::{ExchangeError, ExchangeResult};
pub use events::{
    BboEvent, BookDelta, BookSnapshot, ExchangeEvent, FundingDataEvent, Level, LevelChange,
    LevelChangeKind, MarketSummaryEvent, TradeEvent,
};
pub use state::{SystemStatus, normalize_address};
pub use types::{
    CancelReason, Instruction, ModifyOrder, NewOrder, OrderStatus, OrderType, Side, Stp,
};
