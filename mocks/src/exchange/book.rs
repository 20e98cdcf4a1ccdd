//! One market's order book: price levels of FIFO queues (price-time priority), with the level
//! changes of each engine step recorded for the delta stream.

use std::collections::{BTreeMap, HashMap, VecDeque};

use super::events::{Level, LevelChange, LevelChangeKind};
use super::types::Side;

/// Orders are referred to by an internal key; the engine owns the order records.
pub(crate) type OrderKey = u64;

#[derive(Debug, Default)]
struct PriceLevel {
    total: i64,
    queue: VecDeque<OrderKey>,
}

/// Both sides of one book.
#[derive(Debug, Default)]
pub(crate) struct Book {
    bids: BTreeMap<i64, PriceLevel>,
    asks: BTreeMap<i64, PriceLevel>,
    /// Level size before the current step, for every level touched in it (0 = absent).
    touched: HashMap<(Side, i64), i64>,
}

impl Book {
    fn side_mut(&mut self, side: Side) -> &mut BTreeMap<i64, PriceLevel> {
        match side {
            Side::Buy => &mut self.bids,
            Side::Sell => &mut self.asks,
        }
    }

    fn level_size(&self, side: Side, price: i64) -> i64 {
        let levels = match side {
            Side::Buy => &self.bids,
            Side::Sell => &self.asks,
        };
        levels.get(&price).map_or(0, |l| l.total)
    }

    fn touch(&mut self, side: Side, price: i64) {
        if !self.touched.contains_key(&(side, price)) {
            let before = self.level_size(side, price);
            self.touched.insert((side, price), before);
        }
    }

    /// Appends an order at the back of its level's queue.
    pub(crate) fn insert(&mut self, side: Side, price: i64, key: OrderKey, size: i64) {
        self.touch(side, price);
        let level = self.side_mut(side).entry(price).or_default();
        level.total += size;
        level.queue.push_back(key);
    }

    /// Removes an order with `remaining` size left from its level.
    pub(crate) fn remove(&mut self, side: Side, price: i64, key: OrderKey, remaining: i64) {
        self.touch(side, price);
        let levels = self.side_mut(side);
        if let Some(level) = levels.get_mut(&price) {
            if let Some(pos) = level.queue.iter().position(|k| *k == key) {
                level.queue.remove(pos);
                level.total -= remaining;
            }
            if level.queue.is_empty() {
                levels.remove(&price);
            }
        }
    }

    /// Reduces a level's total after a partial fill of an order that stays queued.
    pub(crate) fn reduce(&mut self, side: Side, price: i64, size: i64) {
        self.touch(side, price);
        if let Some(level) = self.side_mut(side).get_mut(&price) {
            level.total -= size;
        }
    }

    /// The best level of a side.
    pub(crate) fn best(&self, side: Side) -> Option<Level> {
        let entry = match side {
            Side::Buy => self.bids.iter().next_back(),
            Side::Sell => self.asks.iter().next(),
        };
        entry.map(|(price, level)| Level {
            price: *price,
            size: level.total,
        })
    }

    /// The first order in the queue at the best level of `side`, with its price.
    pub(crate) fn best_order(&self, side: Side) -> Option<(i64, OrderKey)> {
        let entry = match side {
            Side::Buy => self.bids.iter().next_back(),
            Side::Sell => self.asks.iter().next(),
        };
        entry.and_then(|(price, level)| level.queue.front().map(|k| (*price, *k)))
    }

    /// Up to `depth` levels of a side, best first.
    pub(crate) fn levels(&self, side: Side, depth: usize) -> Vec<Level> {
        let map = |(price, level): (&i64, &PriceLevel)| Level {
            price: *price,
            size: level.total,
        };
        match side {
            Side::Buy => self.bids.iter().rev().take(depth).map(map).collect(),
            Side::Sell => self.asks.iter().take(depth).map(map).collect(),
        }
    }

    /// The net level changes since the last call, in a stable order (bids then asks, by price).
    pub(crate) fn take_changes(&mut self) -> Vec<LevelChange> {
        let mut touched: Vec<((Side, i64), i64)> = self.touched.drain().collect();
        touched.sort_by_key(|((side, price), _)| (matches!(side, Side::Sell), *price));
        touched
            .into_iter()
            .filter_map(|((side, price), before)| {
                let after = self.level_size(side, price);
                let kind = match (before, after) {
                    (b, a) if b == a => return None,
                    (0, _) => LevelChangeKind::Insert,
                    (_, 0) => LevelChangeKind::Delete,
                    _ => LevelChangeKind::Update,
                };
                Some(LevelChange {
                    side,
                    price,
                    size: after,
                    kind,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_fifo_per_level_and_reports_net_changes() {
        let mut book = Book::default();
        book.insert(Side::Buy, 100, 1, 5);
        book.insert(Side::Buy, 100, 2, 7);
        book.insert(Side::Sell, 101, 3, 4);
        assert_eq!(book.best_order(Side::Buy), Some((100, 1)));
        assert_eq!(
            book.best(Side::Buy),
            Some(Level {
                price: 100,
                size: 12
            })
        );
        let changes = book.take_changes();
        assert_eq!(changes.len(), 2);
        assert!(changes.iter().all(|c| c.kind == LevelChangeKind::Insert));

        book.reduce(Side::Buy, 100, 2);
        book.remove(Side::Buy, 100, 1, 3);
        book.remove(Side::Sell, 101, 3, 4);
        assert_eq!(book.best_order(Side::Buy), Some((100, 2)));
        let changes = book.take_changes();
        assert_eq!(
            changes,
            vec![
                LevelChange {
                    side: Side::Buy,
                    price: 100,
                    size: 7,
                    kind: LevelChangeKind::Update
                },
                LevelChange {
                    side: Side::Sell,
                    price: 101,
                    size: 0,
                    kind: LevelChangeKind::Delete
                },
            ]
        );
        book.insert(Side::Sell, 102, 4, 1);
        book.remove(Side::Sell, 102, 4, 1);
        assert!(
            book.take_changes().is_empty(),
            "a level added and removed in one step is no change"
        );
    }
}
