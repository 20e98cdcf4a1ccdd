//! The reconciler: a pure function from the local [`OrderBook`](crate::state::OrderBook) and an
//! exchange snapshot to the list of corrections that make the local state equal the exchange's.
//! Run it at start, after every reconnect and on demand.
//!
//! Entry points: [`reconcile`] (pure: computes a [`ReconcileReport`]) and [`apply`] (applies
//! one). Invariants, checked by the property tests in `tests/reconcile_props.rs`:
//! * after `apply(book, &reconcile(book, snap))`, every order, fill and position the snapshot
//!   holds is in the book with the exchange's status, filled size and seq_no (unless the book
//!   already had a newer seq_no), and no order the exchange does not list stays live;
//! * `reconcile` of a book against its own state yields no correction (idempotent);
//! * corrections never move an order's `seq_no` or filled size backwards.

mod plan;

pub use plan::{Correction, ExchangeSnapshot, ReconcileReport, apply, reconcile};
