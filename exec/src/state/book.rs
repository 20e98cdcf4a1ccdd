//! The local book of our orders, fills, positions and balances.

use std::collections::{HashMap, HashSet};

use paradex_proto::typed_data::OrderSide;

use super::error::{StateError, StateResult};
use super::types::{Balance, Fill, OrderId, OrderStatus, OrderUpdate, Position};

/// Our view of one order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalOrder {
    /// Client id (orders created elsewhere may have none).
    pub client_id: Option<String>,
    /// Exchange id, once known.
    pub id: Option<OrderId>,
    /// Market symbol.
    pub market: String,
    /// Side.
    pub side: OrderSide,
    /// Order type.
    pub order_type: String,
    /// Size × 10^8.
    pub size_e8: i64,
    /// Limit price × 10^8.
    pub price_e8: i64,
    /// Filled size × 10^8: never decreases.
    pub filled_e8: i64,
    /// Average fill price × 10^8.
    pub avg_fill_price_e8: Option<i64>,
    /// Status under the state machine of [`OrderStatus::can_become`].
    pub status: OrderStatus,
    /// Why it closed or was rejected.
    pub cancel_reason: Option<String>,
    /// Highest exchange `seq_no` applied; `None` until the exchange has spoken.
    pub seq_no: Option<u64>,
    /// Exchange time of the last applied update, ms.
    pub last_updated_at: u64,
}

impl LocalOrder {
    /// Unfilled size × 10^8.
    pub fn remaining_e8(&self) -> i64 {
        self.size_e8 - self.filled_e8
    }

    fn from_update(u: &OrderUpdate) -> Self {
        Self {
            client_id: u.client_id.clone(),
            id: Some(u.id),
            market: u.market.clone(),
            side: u.side,
            order_type: u.order_type.clone(),
            size_e8: u.size_e8,
            price_e8: u.price_e8,
            filled_e8: u.filled_e8(),
            avg_fill_price_e8: u.avg_fill_price_e8,
            status: u.status,
            cancel_reason: u.cancel_reason.clone(),
            seq_no: Some(u.seq_no),
            last_updated_at: u.last_updated_at,
        }
    }

    /// Takes the exchange's fields; the filled size only grows.
    fn take(&mut self, u: &OrderUpdate) {
        self.id = Some(u.id);
        if self.client_id.is_none() {
            self.client_id.clone_from(&u.client_id);
        }
        self.market.clone_from(&u.market);
        self.side = u.side;
        self.order_type.clone_from(&u.order_type);
        self.size_e8 = u.size_e8;
        self.price_e8 = u.price_e8;
        self.filled_e8 = self.filled_e8.max(u.filled_e8());
        if u.avg_fill_price_e8.is_some() {
            self.avg_fill_price_e8 = u.avg_fill_price_e8;
        }
        self.status = u.status;
        self.cancel_reason.clone_from(&u.cancel_reason);
        self.seq_no = Some(u.seq_no);
        self.last_updated_at = u.last_updated_at;
    }
}

/// What [`OrderBook::apply_order`] did with an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplyOutcome {
    /// The update moved a known order forward.
    Applied,
    /// The order was unknown (created elsewhere or before a restart) and is now tracked.
    Created,
    /// Same `seq_no` as already applied: a duplicate.
    Duplicate,
    /// Older than what was applied: ignored.
    Stale,
    /// Newer but not a legal transition (e.g. CLOSED → OPEN): ignored and reported.
    IllegalTransition {
        /// Current status.
        from: OrderStatus,
        /// Status the update asked for.
        to: OrderStatus,
    },
}

/// How much history the book keeps: closed orders and fills beyond these bounds are pruned
/// (oldest first), so a long session's state stays bounded. Keep it longer than any
/// reconciliation look-back: a pruned order or fill reported again is recognised as old and
/// ignored, never resurrected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Terminal (closed or rejected) orders kept at most.
    pub max_closed_orders: usize,
    /// Fills kept at most.
    pub max_fills: usize,
    /// Terminal orders and fills older than this (exchange time, behind the newest update
    /// seen) are pruned too, ms; `None` = no age limit.
    pub max_age_ms: Option<u64>,
}

impl Default for Retention {
    /// 10 000 closed orders, 100 000 fills, 24 hours.
    fn default() -> Self {
        Self {
            max_closed_orders: 10_000,
            max_fills: 100_000,
            max_age_ms: Some(24 * 3600 * 1000),
        }
    }
}

/// Orders keyed by client id and exchange id, plus fills, positions and balances.
#[derive(Debug, Default, Clone)]
pub struct OrderBook {
    orders: Vec<LocalOrder>,
    by_id: HashMap<OrderId, usize>,
    by_client: HashMap<String, usize>,
    fill_ids: HashSet<u128>,
    fills: Vec<Fill>,
    /// Lowest remaining size seen in fills of orders not yet known (applied when they appear).
    early_fills: HashMap<OrderId, i64>,
    positions: HashMap<String, Position>,
    balances: HashMap<String, Balance>,
    retention: Retention,
    /// Newest exchange time seen in order updates / fills, ms: the clocks of age pruning
    /// (separate, so one source's timestamps never age out the other's records).
    newest_order_ms: u64,
    newest_fill_ms: u64,
    /// Latest `last_updated_at` of a pruned order; `None` before any pruning.
    orders_pruned_through: Option<u64>,
    /// Latest `created_at` of a pruned fill.
    fills_pruned_through: Option<u64>,
    /// Pruning runs when the order / fill lists reach these lengths (amortised O(1)).
    next_order_prune: usize,
    next_fill_prune: usize,
}

impl OrderBook {
    /// An empty book with the default [`Retention`].
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty book keeping `retention`.
    pub fn with_retention(retention: Retention) -> Self {
        Self {
            retention,
            ..Self::default()
        }
    }

    /// The retention in force.
    pub fn retention(&self) -> Retention {
        self.retention
    }

    /// Records an order about to be sent (status `Submitted`).
    ///
    /// # Errors
    /// [`StateError::DuplicateClientId`] if the client id was ever used: reusing one would
    /// make a retried create ambiguous.
    pub fn submit(
        &mut self,
        client_id: &str,
        market: &str,
        side: OrderSide,
        order_type: &str,
        size_e8: i64,
        price_e8: i64,
    ) -> StateResult<()> {
        if self.by_client.contains_key(client_id) {
            return Err(StateError::DuplicateClientId(client_id.to_owned()));
        }
        self.by_client
            .insert(client_id.to_owned(), self.orders.len());
        self.orders.push(LocalOrder {
            client_id: Some(client_id.to_owned()),
            id: None,
            market: market.to_owned(),
            side,
            order_type: order_type.to_owned(),
            size_e8,
            price_e8,
            filled_e8: 0,
            avg_fill_price_e8: None,
            status: OrderStatus::Submitted,
            cancel_reason: None,
            seq_no: None,
            last_updated_at: 0,
        });
        Ok(())
    }

    /// Marks a submitted order as refused by the exchange before it got an id. Orders the
    /// exchange already acknowledged are left alone (their fate comes from the exchange).
    ///
    /// # Errors
    /// [`StateError::UnknownClientId`].
    pub fn reject(&mut self, client_id: &str, reason: &str) -> StateResult<()> {
        let &i = self
            .by_client
            .get(client_id)
            .ok_or_else(|| StateError::UnknownClientId(client_id.to_owned()))?;
        let order = &mut self.orders[i];
        if order.status == OrderStatus::Submitted {
            order.status = OrderStatus::Rejected;
            order.cancel_reason = Some(reason.to_owned());
        }
        Ok(())
    }

    /// Applies one exchange view of an order, in whatever order views arrive.
    pub fn apply_order(&mut self, u: &OrderUpdate) -> ApplyOutcome {
        let outcome = self.apply_order_inner(u);
        self.maybe_prune();
        outcome
    }

    fn apply_order_inner(&mut self, u: &OrderUpdate) -> ApplyOutcome {
        self.newest_order_ms = self.newest_order_ms.max(u.last_updated_at);
        let Some(i) = self.locate(u) else {
            if self.was_pruned(u) {
                return ApplyOutcome::Stale;
            }
            self.insert_from(u);
            return ApplyOutcome::Created;
        };
        let order = &mut self.orders[i];
        match order.seq_no {
            Some(seq) if u.seq_no == seq => return ApplyOutcome::Duplicate,
            Some(seq) if u.seq_no < seq => return ApplyOutcome::Stale,
            _ => {}
        }
        // A locally rejected create that the exchange did accept after all (e.g. a timeout
        // reported as an error): the exchange is right.
        let from = if order.status == OrderStatus::Rejected && order.id.is_none() {
            OrderStatus::Submitted
        } else {
            order.status
        };
        if !from.can_become(u.status) {
            return ApplyOutcome::IllegalTransition {
                from: order.status,
                to: u.status,
            };
        }
        order.take(u);
        self.index_ids(i, u);
        ApplyOutcome::Applied
    }

    /// Applies one fill; returns `false` for a duplicate.
    pub fn apply_fill(&mut self, f: &Fill) -> bool {
        if self.fill_was_pruned(f) || !self.fill_ids.insert(f.id) {
            return false;
        }
        self.newest_fill_ms = self.newest_fill_ms.max(f.created_at);
        match self.by_id.get(&f.order_id) {
            Some(&i) => {
                let order = &mut self.orders[i];
                order.filled_e8 = order.filled_e8.max(order.size_e8 - f.remaining_e8);
            }
            None => {
                let lowest = self.early_fills.entry(f.order_id).or_insert(f.remaining_e8);
                *lowest = (*lowest).min(f.remaining_e8);
            }
        }
        self.fills.push(f.clone());
        self.maybe_prune();
        true
    }

    /// Applies a position if it is newer (`seq_no`) than the one held; returns whether it was.
    pub fn apply_position(&mut self, p: &Position) -> bool {
        match self.positions.get_mut(&p.market) {
            Some(held) if held.seq_no >= p.seq_no => false,
            Some(held) => {
                held.clone_from(p);
                true
            }
            None => {
                self.positions.insert(p.market.clone(), p.clone());
                true
            }
        }
    }

    /// Applies a balance if it is not older than the one held; returns whether it was.
    pub fn apply_balance(&mut self, b: &Balance) -> bool {
        match self.balances.get_mut(&b.token) {
            Some(held) if held.last_updated_at > b.last_updated_at => false,
            Some(held) => {
                held.clone_from(b);
                true
            }
            None => {
                self.balances.insert(b.token.clone(), b.clone());
                true
            }
        }
    }

    /// The order with this client id.
    #[inline]
    pub fn by_client_id(&self, client_id: &str) -> Option<&LocalOrder> {
        self.by_client.get(client_id).map(|&i| &self.orders[i])
    }

    /// The order with this exchange id.
    #[inline]
    pub fn by_id(&self, id: OrderId) -> Option<&LocalOrder> {
        self.by_id.get(&id).map(|&i| &self.orders[i])
    }

    /// Every order tracked and not pruned, oldest first.
    pub fn orders(&self) -> &[LocalOrder] {
        &self.orders
    }

    /// Orders that can still change.
    pub fn live_orders(&self) -> impl Iterator<Item = &LocalOrder> {
        self.orders.iter().filter(|o| !o.status.is_terminal())
    }

    /// Whether a fill id was applied.
    pub fn has_fill(&self, id: u128) -> bool {
        self.fill_ids.contains(&id)
    }

    /// Fills in arrival order (those not pruned).
    pub fn fills(&self) -> &[Fill] {
        &self.fills
    }

    /// Position of a market, if any was seen.
    pub fn position(&self, market: &str) -> Option<&Position> {
        self.positions.get(market)
    }

    /// All positions seen.
    pub fn positions(&self) -> impl Iterator<Item = &Position> {
        self.positions.values()
    }

    /// Balance of a token, if any was seen.
    pub fn balance(&self, token: &str) -> Option<&Balance> {
        self.balances.get(token)
    }

    /// Takes the exchange's view of an order regardless of the transition rules (the
    /// reconciler's authority): only a strictly older `seq_no` is refused.
    pub(crate) fn adopt(&mut self, u: &OrderUpdate) {
        self.newest_order_ms = self.newest_order_ms.max(u.last_updated_at);
        match self.locate(u) {
            None if self.was_pruned(u) => {}
            None => self.insert_from(u),
            Some(i) => {
                if self.orders[i].seq_no.is_some_and(|s| s > u.seq_no) {
                    return;
                }
                self.orders[i].take(u);
                self.index_ids(i, u);
            }
        }
    }

    /// Closes a live order the exchange does not know (or no longer lists).
    pub(crate) fn close_missing(&mut self, index: usize, reason: &str) {
        let order = &mut self.orders[index];
        order.status = if order.id.is_some() {
            OrderStatus::Closed
        } else {
            OrderStatus::Rejected
        };
        order.cancel_reason = Some(reason.to_owned());
    }

    /// Sets a position to the exchange's (even with a lower `seq_no`: the reconciler's authority).
    pub(crate) fn force_position(&mut self, p: &Position) {
        self.positions.insert(p.market.clone(), p.clone());
    }

    /// Sets a balance to the exchange's.
    pub(crate) fn force_balance(&mut self, b: &Balance) {
        self.balances.insert(b.token.clone(), b.clone());
    }

    /// Whether `u` is about an order pruned from the book (closed, and no newer than what was
    /// pruned): it must not come back.
    pub fn was_pruned(&self, u: &OrderUpdate) -> bool {
        u.status.is_terminal()
            && self
                .orders_pruned_through
                .is_some_and(|through| u.last_updated_at <= through)
            && self.locate(u).is_none()
    }

    /// Whether `f` is a fill pruned from the book (not applied again).
    pub fn fill_was_pruned(&self, f: &Fill) -> bool {
        self.fills_pruned_through
            .is_some_and(|through| f.created_at <= through)
            && !self.fill_ids.contains(&f.id)
    }

    /// Drops terminal orders and fills beyond the retention now (it also runs by itself as the
    /// book grows).
    pub fn prune(&mut self) {
        self.prune_orders();
        self.prune_fills();
    }

    fn maybe_prune(&mut self) {
        if self.orders.len() >= self.next_order_prune {
            self.prune_orders();
        }
        if self.fills.len() >= self.next_fill_prune {
            self.prune_fills();
        }
    }

    fn horizon(&self, newest_ms: u64) -> Option<u64> {
        self.retention
            .max_age_ms
            .map(|age| newest_ms.saturating_sub(age))
    }

    fn prune_orders(&mut self) {
        let horizon = self.horizon(self.newest_order_ms);
        let mut terminal: Vec<(u64, usize)> = self
            .orders
            .iter()
            .enumerate()
            .filter(|(_, o)| o.status.is_terminal())
            .map(|(i, o)| (o.last_updated_at, i))
            .collect();
        terminal.sort_unstable();
        let excess = terminal
            .len()
            .saturating_sub(self.retention.max_closed_orders);
        // Orders the exchange never dated (refused or lost before it saw them) have no age:
        // only the count bound removes them.
        let dated = |i: usize| self.orders[i].seq_no.is_some();
        let doomed: HashSet<usize> = terminal
            .iter()
            .enumerate()
            .filter(|&(rank, &(at, i))| {
                rank < excess || (dated(i) && horizon.is_some_and(|h| at < h))
            })
            .map(|(_, &(_, i))| i)
            .collect();
        if !doomed.is_empty() {
            let through = terminal
                .iter()
                .filter(|(_, i)| doomed.contains(i))
                .map(|&(at, _)| at)
                .max();
            self.orders_pruned_through = self.orders_pruned_through.max(through);
            let kept: Vec<LocalOrder> = std::mem::take(&mut self.orders)
                .into_iter()
                .enumerate()
                .filter(|(i, _)| !doomed.contains(i))
                .map(|(_, o)| o)
                .collect();
            self.orders = kept;
            self.reindex();
        }
        let slack = (self.retention.max_closed_orders / 4).max(64);
        self.next_order_prune = self.orders.len() + slack;
    }

    fn prune_fills(&mut self) {
        let horizon = self.horizon(self.newest_fill_ms);
        let excess = self.fills.len().saturating_sub(self.retention.max_fills);
        // Oldest by exchange time; arrival order breaks ties.
        let mut by_age: Vec<(u64, usize)> = self
            .fills
            .iter()
            .enumerate()
            .map(|(i, f)| (f.created_at, i))
            .collect();
        by_age.sort_unstable();
        let doomed: HashSet<usize> = by_age
            .iter()
            .enumerate()
            .filter(|&(rank, &(at, _))| rank < excess || horizon.is_some_and(|h| at < h))
            .map(|(_, &(_, i))| i)
            .collect();
        if !doomed.is_empty() {
            let mut kept = Vec::with_capacity(self.fills.len() - doomed.len());
            for (i, f) in std::mem::take(&mut self.fills).into_iter().enumerate() {
                if doomed.contains(&i) {
                    self.fills_pruned_through = self.fills_pruned_through.max(Some(f.created_at));
                    self.fill_ids.remove(&f.id);
                } else {
                    kept.push(f);
                }
            }
            self.fills = kept;
        }
        let slack = (self.retention.max_fills / 4).max(64);
        self.next_fill_prune = self.fills.len() + slack;
    }

    /// Rebuilds the id indexes after orders were removed.
    fn reindex(&mut self) {
        self.by_id.clear();
        self.by_client.clear();
        for (i, o) in self.orders.iter().enumerate() {
            if let Some(id) = o.id {
                self.by_id.insert(id, i);
            }
            if let Some(c) = &o.client_id {
                self.by_client.entry(c.clone()).or_insert(i);
            }
        }
    }

    fn locate(&self, u: &OrderUpdate) -> Option<usize> {
        self.by_id
            .get(&u.id)
            .or_else(|| u.client_id.as_deref().and_then(|c| self.by_client.get(c)))
            .copied()
    }

    fn insert_from(&mut self, u: &OrderUpdate) {
        let i = self.orders.len();
        self.orders.push(LocalOrder::from_update(u));
        self.index_ids(i, u);
    }

    fn index_ids(&mut self, i: usize, u: &OrderUpdate) {
        self.by_id.insert(u.id, i);
        if let Some(c) = &u.client_id {
            self.by_client.entry(c.clone()).or_insert(i);
        }
        if let Some(remaining) = self.early_fills.remove(&u.id) {
            let order = &mut self.orders[i];
            order.filled_e8 = order.filled_e8.max(order.size_e8 - remaining);
        }
    }
}

#[cfg(test)]
#[path = "book_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "retention_tests.rs"]
mod retention_tests;
