//! Property tests of the order state and the reconciler over random interleavings: late,
//! duplicated, reordered and lost events always converge to the exchange's state.

use std::collections::HashMap;

use paradex_exec::reconcile::{ExchangeSnapshot, apply, reconcile};
use paradex_exec::state::{Fill, OrderBook, OrderStatus, OrderUpdate, Position};
use paradex_proto::typed_data::OrderSide;
use proptest::prelude::*;

/// A deterministic generator seeded by proptest.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[derive(Debug, Clone)]
enum Event {
    Order(OrderUpdate),
    Fill(Fill),
    Position(Position),
}

/// What the exchange did: every event in true order, and the final state.
struct History {
    events: Vec<Event>,
    snapshot: ExchangeSnapshot,
    client_ids: Vec<String>,
}

const MARKETS: [&str; 2] = ["BTC-USD-PERP", "ETH-USD-PERP"];

fn simulate(rng: &mut Rng, orders: usize) -> History {
    let mut seq = 1_681_471_234_972_000_000u64; // above 2^53, as on the real exchange
    let mut events = Vec::new();
    let mut final_orders = Vec::new();
    let mut fills = Vec::new();
    let mut positions: HashMap<&str, Position> = HashMap::new();
    let mut client_ids = Vec::new();
    let mut fill_id = 10u128.pow(27);
    for n in 0..orders {
        let id = 1_718_154_353_750_201_703_989_430_001u128 + n as u128 * 7919;
        let market = MARKETS[rng.below(2) as usize];
        let side = if rng.below(2) == 0 {
            OrderSide::Buy
        } else {
            OrderSide::Sell
        };
        let size = 100 * (1 + rng.below(10) as i64);
        let client_id = format!("cid-{n}");
        client_ids.push(client_id.clone());
        let mut remaining = size;
        let mut status_path = vec![OrderStatus::New];
        if rng.below(4) == 0 {
            status_path.extend([OrderStatus::Untriggered, OrderStatus::New]);
        }
        let steps = 1 + rng.below(4);
        for _ in 0..steps {
            status_path.push(OrderStatus::Open);
        }
        if rng.below(3) != 0 {
            status_path.push(OrderStatus::Closed);
        }
        let mut last = None;
        for status in status_path {
            seq += 1 + rng.below(1000);
            if status == OrderStatus::Open && rng.below(2) == 0 && remaining > 0 {
                let qty = 1 + rng.below(remaining as u64) as i64;
                remaining -= qty;
                fill_id += 1 + u128::from(rng.below(50));
                let fill = Fill {
                    id: fill_id,
                    order_id: id,
                    client_id: Some(client_id.clone()),
                    market: market.into(),
                    side,
                    price_e8: 5_000_000,
                    size_e8: qty,
                    remaining_e8: remaining,
                    fee_e8: 1,
                    is_maker: true,
                    created_at: seq,
                };
                events.push(Event::Fill(fill.clone()));
                fills.push(fill);
                let pos = positions.entry(market).or_insert(Position {
                    market: market.into(),
                    size_e8: 0,
                    avg_entry_price_e8: 5_000_000,
                    seq_no: 0,
                    last_updated_at: 0,
                });
                pos.size_e8 += if side == OrderSide::Buy { qty } else { -qty };
                pos.seq_no = seq;
                events.push(Event::Position(pos.clone()));
                seq += 1;
            }
            let update = OrderUpdate {
                id,
                client_id: Some(client_id.clone()),
                market: market.into(),
                side,
                order_type: "LIMIT".into(),
                size_e8: size,
                remaining_e8: remaining,
                price_e8: 5_000_000,
                avg_fill_price_e8: (remaining < size).then_some(5_000_000),
                status,
                cancel_reason: (status == OrderStatus::Closed).then(|| "USER_CANCELED".to_owned()),
                seq_no: seq,
                last_updated_at: seq / 1_000_000,
            };
            events.push(Event::Order(update.clone()));
            last = Some(update);
        }
        final_orders.push(last.expect("every order has a status"));
    }
    let open_orders = final_orders
        .iter()
        .filter(|o| o.status != OrderStatus::Closed)
        .cloned()
        .collect();
    let snapshot = ExchangeSnapshot {
        open_orders,
        history: final_orders,
        fills,
        positions: positions.into_values().collect(),
        balances: Vec::new(),
    };
    History {
        events,
        snapshot,
        client_ids,
    }
}

/// Delivers a subset of `events` (each kept with probability `keep`%), shuffled, with
/// duplicates (probability `dup`%).
fn deliver(rng: &mut Rng, events: &[Event], keep: u64, dup: u64) -> Vec<Event> {
    let mut out = Vec::new();
    for e in events {
        if rng.below(100) < keep {
            out.push(e.clone());
            if rng.below(100) < dup {
                out.push(e.clone());
            }
        }
    }
    for i in (1..out.len()).rev() {
        out.swap(i, rng.below(i as u64 + 1) as usize);
    }
    out
}

fn feed(book: &mut OrderBook, events: &[Event]) {
    for e in events {
        match e {
            Event::Order(u) => {
                book.apply_order(u);
            }
            Event::Fill(f) => {
                book.apply_fill(f);
            }
            Event::Position(p) => {
                book.apply_position(p);
            }
        }
    }
}

/// The book equals the exchange's final state.
fn assert_converged(book: &OrderBook, snap: &ExchangeSnapshot) {
    for o in &snap.history {
        let local = book
            .by_id(o.id)
            .unwrap_or_else(|| panic!("order {} missing", o.id));
        assert_eq!(local.status, o.status, "status of {}", o.id);
        assert_eq!(local.filled_e8, o.filled_e8(), "filled of {}", o.id);
        assert_eq!(local.seq_no, Some(o.seq_no), "seq_no of {}", o.id);
        assert_eq!(local.client_id, o.client_id);
    }
    for f in &snap.fills {
        assert!(book.has_fill(f.id), "fill {} missing", f.id);
    }
    assert_eq!(book.fills().len(), snap.fills.len(), "no duplicate fills");
    for p in &snap.positions {
        assert_eq!(
            book.position(&p.market).map(|l| l.size_e8),
            Some(p.size_e8),
            "position {}",
            p.market
        );
    }
    let exchange_ids: Vec<_> = snap.history.iter().map(|o| o.id).collect();
    for o in book.live_orders() {
        assert!(
            o.id.is_some_and(|id| exchange_ids.contains(&id)),
            "live order unknown to the exchange: {o:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every event delivered (shuffled, duplicated) → the book equals the exchange without help.
    #[test]
    fn all_events_in_any_order_converge(seed in any::<u64>(), orders in 1usize..8, dup in 0u64..60) {
        let mut rng = Rng(seed);
        let h = simulate(&mut rng, orders);
        let mut book = OrderBook::new();
        feed(&mut book, &deliver(&mut rng, &h.events, 100, dup));
        assert_converged(&book, &h.snapshot);
        prop_assert!(reconcile(&book, &h.snapshot).is_clean());
    }

    /// Lost events, local submissions, ghost orders and a mid-stream restart → one
    /// reconciliation makes the book equal the exchange, and a second finds nothing to do.
    #[test]
    fn reconciliation_repairs_any_loss(seed in any::<u64>(), orders in 1usize..8, keep in 0u64..100, dup in 0u64..40, ghosts in 0usize..3) {
        let mut rng = Rng(seed);
        let h = simulate(&mut rng, orders);
        let mut book = OrderBook::new();
        for (i, cid) in h.client_ids.iter().enumerate() {
            if rng.below(2) == 0 {
                book.submit(cid, MARKETS[i % 2], OrderSide::Buy, "LIMIT", 100, 5_000_000).expect("fresh client id");
            }
        }
        for g in 0..ghosts {
            // Never reached the exchange (a create lost in flight) or known only locally.
            book.submit(&format!("ghost-{g}"), MARKETS[0], OrderSide::Sell, "LIMIT", 100, 1).expect("fresh client id");
        }
        // A stale local position the exchange no longer has.
        book.apply_position(&Position { market: "SOL-USD-PERP".into(), size_e8: 5, avg_entry_price_e8: 1, seq_no: 1, last_updated_at: 0 });
        feed(&mut book, &deliver(&mut rng, &h.events, keep, dup));
        let report = reconcile(&book, &h.snapshot);
        apply(&mut book, &report);
        assert_converged(&book, &h.snapshot);
        prop_assert_eq!(book.position("SOL-USD-PERP").map(|p| p.size_e8), Some(0));
        for g in 0..ghosts {
            let ghost = book.by_client_id(&format!("ghost-{g}")).expect("ghost tracked");
            prop_assert!(ghost.status.is_terminal());
        }
        prop_assert!(reconcile(&book, &h.snapshot).is_clean(), "second pass not clean");
        // Late events after reconciliation change nothing.
        feed(&mut book, &deliver(&mut rng, &h.events, 50, 0));
        assert_converged(&book, &h.snapshot);
    }
}
