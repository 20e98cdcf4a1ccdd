//! Computing and applying reconciliation corrections.

use std::collections::{HashMap, HashSet};

use crate::state::{Balance, Fill, LocalOrder, OrderBook, OrderId, OrderUpdate, Position};

/// What the exchange reports at one moment (REST `GET /orders`, `/orders-history`, `/fills`,
/// `/positions`, `/balance`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExchangeSnapshot {
    /// Open orders (`NEW`, `UNTRIGGERED`, `OPEN`).
    pub open_orders: Vec<OrderUpdate>,
    /// Recent order history (may repeat open orders, older or newer versions).
    pub history: Vec<OrderUpdate>,
    /// Recent fills.
    pub fills: Vec<Fill>,
    /// Positions; a market absent here is flat.
    pub positions: Vec<Position>,
    /// Balances.
    pub balances: Vec<Balance>,
}

/// Reason given to live orders the exchange does not know.
pub const MISSING_ON_EXCHANGE: &str = "RECONCILED_NOT_ON_EXCHANGE";

/// One correction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Correction {
    /// The exchange has a newer or different view of an order (or one the book lacks).
    Order(OrderUpdate),
    /// A live local order the exchange lists neither as open nor in history: close it.
    OrderMissing {
        /// Its client id.
        client_id: Option<String>,
        /// Its exchange id, if it ever had one.
        id: Option<OrderId>,
    },
    /// A fill the book never saw.
    MissedFill(Fill),
    /// The position differs (`local` is the book's size, `None` if it had none).
    Position {
        /// Book size × 10^8.
        local: Option<i64>,
        /// The exchange's position (size 0 for a market it lists no position for).
        exchange: Position,
    },
    /// The balance differs.
    Balance(Balance),
}

/// The corrections of one reconciliation, in the order they must be applied.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReconcileReport {
    /// Corrections: orders first, then fills, positions and balances.
    pub corrections: Vec<Correction>,
}

impl ReconcileReport {
    /// Whether local and exchange state already agree.
    pub fn is_clean(&self) -> bool {
        self.corrections.is_empty()
    }
}

/// Compares the book with a snapshot. Pure: the book is not changed.
pub fn reconcile(book: &OrderBook, snap: &ExchangeSnapshot) -> ReconcileReport {
    let mut corrections = Vec::new();
    // Newest view of every order the exchange reports.
    let mut newest: HashMap<OrderId, &OrderUpdate> = HashMap::new();
    for u in snap.open_orders.iter().chain(&snap.history) {
        newest
            .entry(u.id)
            .and_modify(|held| {
                if u.seq_no > held.seq_no {
                    *held = u
                }
            })
            .or_insert(u);
    }
    let mut views: Vec<&OrderUpdate> = newest.values().copied().collect();
    views.sort_by_key(|u| (u.seq_no, u.id));
    let mut seen_clients: HashSet<&str> = HashSet::new();
    for u in &views {
        if let Some(c) = &u.client_id {
            seen_clients.insert(c);
        }
        let local = book
            .by_id(u.id)
            .or_else(|| u.client_id.as_deref().and_then(|c| book.by_client_id(c)));
        if local.is_none() && book.was_pruned(u) {
            continue;
        }
        if local.is_none_or(|o| differs(o, u)) {
            corrections.push(Correction::Order((*u).clone()));
        }
    }
    for o in book.live_orders() {
        let known = o.id.is_some_and(|id| newest.contains_key(&id))
            || o.client_id
                .as_deref()
                .is_some_and(|c| seen_clients.contains(c));
        if !known {
            corrections.push(Correction::OrderMissing {
                client_id: o.client_id.clone(),
                id: o.id,
            });
        }
    }
    for f in &snap.fills {
        if !book.has_fill(f.id) && !book.fill_was_pruned(f) {
            corrections.push(Correction::MissedFill(f.clone()));
        }
    }
    position_corrections(book, snap, &mut corrections);
    for b in &snap.balances {
        if book.balance(&b.token) != Some(b) {
            corrections.push(Correction::Balance(b.clone()));
        }
    }
    ReconcileReport { corrections }
}

/// Whether the book's order must take the exchange's view.
fn differs(o: &LocalOrder, u: &OrderUpdate) -> bool {
    match o.seq_no {
        // The book saw a newer event than the snapshot: it is ahead, not wrong.
        Some(seq) if seq > u.seq_no => false,
        _ => {
            o.id != Some(u.id)
                || o.status != u.status
                || o.filled_e8 < u.filled_e8()
                || o.size_e8 != u.size_e8
                || o.price_e8 != u.price_e8
                || o.seq_no != Some(u.seq_no)
        }
    }
}

fn position_corrections(book: &OrderBook, snap: &ExchangeSnapshot, out: &mut Vec<Correction>) {
    let listed: HashSet<&str> = snap.positions.iter().map(|p| p.market.as_str()).collect();
    for p in &snap.positions {
        let local = book.position(&p.market);
        let stale_or_different = |l: &Position| {
            l.seq_no <= p.seq_no
                && (l.size_e8 != p.size_e8 || l.avg_entry_price_e8 != p.avg_entry_price_e8)
        };
        if local.is_none_or(stale_or_different) {
            out.push(Correction::Position {
                local: local.map(|l| l.size_e8),
                exchange: p.clone(),
            });
        }
    }
    for l in book.positions() {
        if l.size_e8 != 0 && !listed.contains(l.market.as_str()) {
            let flat = Position {
                size_e8: 0,
                avg_entry_price_e8: 0,
                ..l.clone()
            };
            out.push(Correction::Position {
                local: Some(l.size_e8),
                exchange: flat,
            });
        }
    }
}

/// Applies a report to the book.
pub fn apply(book: &mut OrderBook, report: &ReconcileReport) {
    for c in &report.corrections {
        match c {
            Correction::Order(u) => book.adopt(u),
            Correction::OrderMissing { client_id, id } => {
                let index = book.orders().iter().position(|o| {
                    !o.status.is_terminal()
                        && ((id.is_some() && o.id == *id)
                            || (o.client_id.is_some() && o.client_id == *client_id))
                });
                if let Some(i) = index {
                    book.close_missing(i, MISSING_ON_EXCHANGE);
                }
            }
            Correction::MissedFill(f) => {
                book.apply_fill(f);
            }
            Correction::Position { exchange, .. } => book.force_position(exchange),
            Correction::Balance(b) => book.force_balance(b),
        }
    }
}
