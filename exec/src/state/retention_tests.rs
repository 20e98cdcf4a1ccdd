use proptest::prelude::*;

use super::*;
use crate::reconcile::{Correction, ExchangeSnapshot, apply, reconcile};

fn order(id: OrderId, status: OrderStatus, at_ms: u64) -> OrderUpdate {
    OrderUpdate {
        id,
        client_id: Some(format!("c{id}")),
        market: "ETH-USD-PERP".into(),
        side: OrderSide::Sell,
        order_type: "LIMIT".into(),
        size_e8: 100,
        remaining_e8: if status == OrderStatus::Closed {
            0
        } else {
            100
        },
        price_e8: 7,
        avg_fill_price_e8: None,
        status,
        cancel_reason: None,
        seq_no: at_ms,
        last_updated_at: at_ms,
    }
}

fn fill(id: u128, order_id: OrderId, at_ms: u64) -> Fill {
    Fill {
        id,
        order_id,
        client_id: None,
        market: "ETH-USD-PERP".into(),
        side: OrderSide::Sell,
        price_e8: 7,
        size_e8: 100,
        remaining_e8: 0,
        fee_e8: 0,
        is_maker: true,
        created_at: at_ms,
    }
}

fn history(updates: Vec<OrderUpdate>, fills: Vec<Fill>) -> ExchangeSnapshot {
    ExchangeSnapshot {
        open_orders: updates
            .iter()
            .filter(|u| !u.status.is_terminal())
            .cloned()
            .collect(),
        history: updates,
        fills,
        positions: Vec::new(),
        balances: Vec::new(),
    }
}

#[test]
fn closed_orders_are_bounded_by_count_and_live_ones_kept() {
    let retention = Retention {
        max_closed_orders: 10,
        max_fills: 10,
        max_age_ms: None,
    };
    let mut book = OrderBook::with_retention(retention);
    book.apply_order(&order(1, OrderStatus::Open, 1));
    for id in 2..2000 {
        book.apply_order(&order(id, OrderStatus::Closed, id as u64));
        book.apply_fill(&fill(u128::from(id as u64), id, id as u64));
    }
    // Pruning is amortised: never more than the bound plus its slack.
    assert!(
        book.orders().len() <= 1 + 10 + 64,
        "{}",
        book.orders().len()
    );
    assert!(book.fills().len() <= 10 + 64, "{}", book.fills().len());
    book.prune();
    assert_eq!(book.orders().len(), 11);
    assert_eq!(book.fills().len(), 10);
    // The live order survives whatever its age; the newest closed ones are the ones kept.
    assert_eq!(book.by_id(1).map(|o| o.status), Some(OrderStatus::Open));
    assert!(book.by_id(1999).is_some() && book.by_id(1989).is_none());
    assert_eq!(book.by_client_id("c1995").map(|o| o.id), Some(Some(1995)));
}

#[test]
fn closed_orders_and_fills_expire_by_age() {
    let mut book = OrderBook::with_retention(Retention {
        max_closed_orders: 1000,
        max_fills: 1000,
        max_age_ms: Some(1_000),
    });
    for id in 1..=50u64 {
        book.apply_order(&order(id.into(), OrderStatus::Closed, id * 100));
        book.apply_fill(&fill(id.into(), id.into(), id * 100));
    }
    book.prune();
    // Newest update at 5000 ms: everything before 4000 ms is gone.
    assert!(book.orders().iter().all(|o| o.last_updated_at >= 4_000));
    assert_eq!(book.orders().len(), 11);
    assert!(book.fills().iter().all(|f| f.created_at >= 4_000));
}

#[test]
fn pruned_orders_and_fills_never_come_back() {
    let mut book = OrderBook::with_retention(Retention {
        max_closed_orders: 2,
        max_fills: 2,
        max_age_ms: None,
    });
    let closed: Vec<OrderUpdate> = (1..=6u64)
        .map(|id| order(id.into(), OrderStatus::Closed, id * 10))
        .collect();
    let fills: Vec<Fill> = (1..=6u64)
        .map(|id| fill(id.into(), id.into(), id * 10))
        .collect();
    for (u, f) in closed.iter().zip(&fills) {
        book.apply_order(u);
        book.apply_fill(f);
    }
    book.prune();
    assert_eq!(book.orders().len(), 2);
    // The stream repeats an old closed order and an old fill: recognised as pruned.
    assert_eq!(book.apply_order(&closed[0]), ApplyOutcome::Stale);
    assert!(!book.apply_fill(&fills[0]));
    // The reconciler sees the whole history: no correction brings them back.
    let snapshot = history(closed.clone(), fills.clone());
    let report = reconcile(&book, &snapshot);
    assert!(report.is_clean(), "{:?}", report.corrections);
    apply(&mut book, &report);
    assert_eq!(book.orders().len(), 2);
    // A live order, however old, and a newer closed one are still taken in.
    let live = order(100, OrderStatus::Open, 5);
    let newer = order(101, OrderStatus::Closed, 1_000);
    let report = reconcile(&book, &history(vec![live.clone(), newer], Vec::new()));
    assert_eq!(report.corrections.len(), 2);
    assert!(
        report
            .corrections
            .iter()
            .all(|c| matches!(c, Correction::Order(_)))
    );
    apply(&mut book, &report);
    assert!(book.by_id(100).is_some() && book.by_id(101).is_some());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Random closes and repeats (stream and reconciler): the book stays within its bound,
    /// every order it holds is live or among the newest closed, and a pruned order is never
    /// resurrected.
    #[test]
    fn prop_bounded_and_no_resurrection(
        steps in prop::collection::vec((0u64..200, any::<bool>(), any::<bool>()), 1..400),
        keep in 1usize..20,
    ) {
        let mut book = OrderBook::with_retention(Retention {
            max_closed_orders: keep,
            max_fills: keep,
            max_age_ms: None,
        });
        let mut exchange: std::collections::BTreeMap<u64, OrderUpdate> = Default::default();
        for (clock, (id, close, via_reconcile)) in steps.into_iter().enumerate() {
            let at = clock as u64 + 1;
            let status = if close || exchange.get(&id).is_some_and(|u| u.status.is_terminal()) {
                OrderStatus::Closed
            } else {
                OrderStatus::Open
            };
            let update = exchange
                .get(&id)
                .filter(|u| u.status.is_terminal())
                .cloned()
                .unwrap_or_else(|| order(id.into(), status, at));
            exchange.insert(id, update.clone());
            if via_reconcile {
                let snapshot = history(exchange.values().cloned().collect(), Vec::new());
                let report = reconcile(&book, &snapshot);
                apply(&mut book, &report);
            } else {
                book.apply_order(&update);
            }
            let pruned_through = book.orders_pruned_through;
            for o in book.orders() {
                if o.status.is_terminal() {
                    // Whatever is held closed is newer than anything pruned.
                    prop_assert!(pruned_through.is_none_or(|t| o.last_updated_at >= t)
                        || o.last_updated_at == 0);
                }
            }
            let closed = book.orders().iter().filter(|o| o.status.is_terminal()).count();
            prop_assert!(closed <= keep + (keep / 4).max(64));
        }
        book.prune();
        let closed = book.orders().iter().filter(|o| o.status.is_terminal()).count();
        prop_assert!(closed <= keep);
        // Every live order on the exchange is known to the book.
        for u in exchange.values().filter(|u| !u.status.is_terminal()) {
            prop_assert!(book.by_id(u.id).is_some());
        }
    }
}
