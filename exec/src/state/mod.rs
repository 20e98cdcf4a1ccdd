//! Local order state: orders keyed by client id and exchange id under a strict state machine,
//! fills, positions and balances, fed by REST replies and stream events in any order.
//!
//! Entry points: [`OrderBook::submit`] (before sending a create), [`OrderBook::apply_order`]
//! (every REST reply or `orders` event), [`OrderBook::apply_fill`], [`OrderBook::apply_position`],
//! [`OrderBook::apply_balance`], [`OrderBook::reject`] (a create the exchange refused).
//!
//! Invariants:
//! * an order's exchange `seq_no` never goes backwards: older or duplicate updates are ignored;
//! * its filled size never decreases, whatever order fills and updates arrive in;
//! * `CLOSED` (and the local `REJECTED`) are terminal; `OPEN` never returns to `NEW`.

mod book;
mod error;
mod types;

pub use book::{ApplyOutcome, LocalOrder, OrderBook, Retention};
pub use error::{StateError, StateResult};
pub use types::{Balance, Fill, OrderId, OrderStatus, OrderUpdate, Position};
