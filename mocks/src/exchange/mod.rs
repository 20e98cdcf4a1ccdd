//! The exchange core: per-market books, price-time matching, accounts, positions, order states.
//!
//! No I/O: the REST and WS transports call [`Exchange`] and forward its [`ExchangeEvent`]s.
//! Prices and sizes are i64 mantissas at exponent -8 ([`num`]); the wire models in [`model`]
//! carry them as Paradex decimal strings.
//!
//! ```
//! use paradex_mock::exchange::num::{ONE, parse};
//! use paradex_mock::exchange::{Exchange, ExchangeConfig, ExchangeEvent, Level, NewOrder, SeedAccount};
//! use paradex_mock::exchange::{Instruction, OrderType, Side, Stp};
//!
//! let alice = SeedAccount { address: "0xa11ce".into(), public_key: "0x1".into(), usdc_balance: 10_000 * ONE };
//! let ex = Exchange::new(ExchangeConfig { accounts: vec![alice], ..ExchangeConfig::default() });
//! let mut events = ex.subscribe();
//! // The generator's market maker quotes; a client order takes the ask.
//! let ask = Level { price: parse("3000.5")?, size: ONE };
//! ex.set_maker_quotes("ETH-USD-PERP", &[], &[ask])?;
//! let order = NewOrder {
//!     market: "ETH-USD-PERP".into(),
//!     side: Side::Buy,
//!     order_type: OrderType::Limit,
//!     size: parse("0.1")?,
//!     price: parse("3001")?,
//!     trigger_price: None,
//!     instruction: Instruction::Gtc,
//!     stp: Stp::ExpireTaker,
//!     flags: Vec::new(),
//!     client_id: "my-1".into(),
//!     signature_timestamp: 0,
//! };
//! let accepted = ex.place_order("0xa11ce", order)?;
//! assert_eq!(accepted.status, "NEW");
//! assert_eq!(ex.order("0xa11ce", &accepted.id)?.avg_fill_price, "3000.5");
//! assert_eq!(ex.positions("0xa11ce")?[0].size, "0.1");
//! let book = ex.book_snapshot("ETH-USD-PERP", 10)?;
//! assert_eq!(book.asks, vec![Level { price: parse("3000.5")?, size: parse("0.9")? }]);
//! assert!(std::iter::from_fn(|| events.try_recv().ok()).any(|e| matches!(&*e, ExchangeEvent::Fill { .. })));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

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
