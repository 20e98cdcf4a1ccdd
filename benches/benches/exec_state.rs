//! Order-state access: lookups by client id and exchange id, and applying an update, on a book
//! of 10 000 orders. Criterion gives the mean; a timed sample prints p50/p95/p99 per operation
//! (each sample includes ~20 ns of `Instant` overhead).

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use paradex_benches::latency::LatencyRecorder;
use paradex_benches::results::{BenchResult, Row, write_if_collecting};
use paradex_exec::state::{OrderBook, OrderStatus, OrderUpdate};
use paradex_proto::typed_data::OrderSide;

const ORDERS: u128 = 10_000;
const BASE_ID: u128 = 1_718_154_353_750_201_703_989_430_001;

fn update(n: u128, seq_no: u64, remaining_e8: i64) -> OrderUpdate {
    OrderUpdate {
        id: BASE_ID + n,
        client_id: Some(format!("client-{n:08}")),
        market: "BTC-USD-PERP".into(),
        side: OrderSide::Buy,
        order_type: "LIMIT".into(),
        size_e8: 1_000_000,
        remaining_e8,
        price_e8: 9_876_540_000_000,
        avg_fill_price_e8: None,
        status: OrderStatus::Open,
        cancel_reason: None,
        seq_no,
        last_updated_at: seq_no,
    }
}

fn filled_book() -> OrderBook {
    let mut book = OrderBook::new();
    for n in 0..ORDERS {
        book.apply_order(&update(n, 1_681_471_234_972_000_000 + n as u64, 1_000_000));
    }
    book
}

fn percentiles(name: &str, mut op: impl FnMut(u128)) -> Row {
    let mut recorder = LatencyRecorder::new();
    for i in 0..200_000u128 {
        let start = Instant::now();
        op(i.wrapping_mul(7919) % ORDERS);
        recorder.record(start.elapsed().as_nanos() as i64);
    }
    let p95 = recorder.quantile(0.95);
    eprintln!(
        "{name}: p50 {} ns, p95 {p95} ns, p99 {} ns",
        recorder.quantile(0.5),
        recorder.quantile(0.99)
    );
    Row::latency(name, &recorder.summary(), Some("p95 ≤ 1 µs")).with("p95", p95.into())
}

fn bench_state(c: &mut Criterion) {
    let mut book = filled_book();
    let keys: Vec<String> = (0..ORDERS).map(|n| format!("client-{n:08}")).collect();
    let mut result = BenchResult::new("exec_state", "order-state access, sampled percentiles");
    result.push(percentiles(
        "order state: lookup by client id (10k orders)",
        |n| {
            black_box(book.by_client_id(&keys[n as usize]));
        },
    ));
    result.push(percentiles(
        "order state: lookup by exchange id (10k orders)",
        |n| {
            black_box(book.by_id(BASE_ID + n));
        },
    ));
    let updates: Vec<OrderUpdate> = (0..ORDERS)
        .map(|n| update(n, 1_700_000_000_000_000_000 + n as u64, 999_000))
        .collect();
    let mut fresh = filled_book();
    result.push(percentiles(
        "order state: apply an order update (new seq, then duplicates)",
        |n| {
            black_box(fresh.apply_order(&updates[n as usize]));
        },
    ));
    result.note(
        "200,000 operations, each timed with Instant (so each sample includes ~20 ns of clock \
         overhead); keys visited in a scattered order.",
    );
    write_if_collecting(&result);

    let mut g = c.benchmark_group("exec_state");
    let mut i = 0usize;
    g.bench_function("by_client_id", |b| {
        b.iter(|| {
            i = (i + 7919) % keys.len();
            black_box(book.by_client_id(&keys[i]))
        })
    });
    g.bench_function("by_id", |b| {
        b.iter(|| {
            i = (i + 7919) % keys.len();
            black_box(book.by_id(BASE_ID + i as u128))
        })
    });
    let mut seq = 1_800_000_000_000_000_000u64;
    let mut u = update(42, seq, 500_000);
    g.bench_function("apply_order", |b| {
        b.iter(|| {
            seq += 1;
            u.seq_no = seq;
            black_box(book.apply_order(&u))
        })
    });
    g.finish();
}

criterion_group!(benches, bench_state);
criterion_main!(benches);
