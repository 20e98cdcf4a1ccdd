//! Order signing cost: the fast path (templates + fixed-base tables) against plain
//! `starknet-crypto` (reference hash + `sign`), and the parts of each.

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use paradex_benches::latency::LatencyRecorder;
use paradex_benches::results::{BenchResult, Row, write_if_collecting};
use paradex_exec::sign::{PrivateKey, Signer};
use paradex_proto::typed_data::{AccountContext, Felt, OrderMessage, OrderSide};

const KEY: &str = "0x1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcde";
const ACCOUNT: &str = "0x3a5e6ca3f7d55722bfb79595c96bd41dba9980fe2abf5c0577591a135ec6dc4";

/// Per-order times of `op` over 3000 orders, printed as min/p10/p50/p95 and returned as a
/// result row. On a loaded machine the low percentiles show the cost of the work itself, the
/// mean also shows preemption.
fn percentiles(name: &str, target: Option<&str>, mut op: impl FnMut(u64)) -> Row {
    let mut recorder = LatencyRecorder::new();
    for i in 0..3000u64 {
        let start = Instant::now();
        op(i);
        recorder.record(start.elapsed().as_nanos() as i64);
    }
    let us = |q: f64| recorder.quantile(q) as f64 / 1e3;
    eprintln!(
        "{name}: min {:.1} µs, p10 {:.1}, p50 {:.1}, p95 {:.1}",
        us(0.0),
        us(0.1),
        us(0.5),
        us(0.95)
    );
    Row::latency(name, &recorder.summary(), target)
        .with("p95", recorder.quantile(0.95).into())
        .with("min", recorder.quantile(0.0).into())
}

fn bench_sign(c: &mut Criterion) {
    let ctx = AccountContext::new("PRIVATE_SN_POTC_SEPOLIA", ACCOUNT).expect("context");
    let signer = Signer::new(PrivateKey::from_str_secret(KEY).expect("key"), ctx.clone());
    let template = signer
        .order_template("ETH-USD-PERP", OrderSide::Buy, "LIMIT")
        .expect("template");
    let order = OrderMessage::new(
        1_700_000_000_000,
        "ETH-USD-PERP",
        OrderSide::Buy,
        "LIMIT",
        10_000_000,
        150_000_000_000,
    )
    .expect("order");
    let d = Felt::from_hex(KEY).expect("key felt");
    let seed = Felt::from(32u8);

    let fast = "sign one order, fast path (per-market template), per order";
    let fast_row = percentiles(fast, Some("≤ 100 µs"), |i| {
        black_box(
            signer
                .sign_order_with(
                    &template,
                    1_700_000_000_000 + i,
                    10_000_000,
                    150_000_000_000,
                )
                .expect("sign"),
        );
    });
    let reference_row = percentiles(
        "sign one order, plain starknet-crypto (hash + RFC 6979 + sign), per order",
        None,
        |i| {
            let o = OrderMessage::new(
                1_700_000_000_000 + i,
                "ETH-USD-PERP",
                OrderSide::Buy,
                "LIMIT",
                10_000_000,
                150_000_000_000,
            )
            .expect("order");
            let h = ctx.order_hash(&o);
            let k = starknet_crypto::rfc6979_generate_k(&h, &d, Some(&seed));
            black_box(starknet_crypto::sign(&d, &h, &k).expect("sign"));
        },
    );
    let mut result = BenchResult::new("exec_sign", "order signing, per-order percentiles");
    result.push(fast_row);
    result.push(reference_row.baseline_of(fast));
    result.note(
        "3000 orders signed back to back, each timed with Instant (ns). The criterion medians of \
         the same operations are listed separately.",
    );
    write_if_collecting(&result);

    let mut g = c.benchmark_group("exec_sign");
    let mut ts = 1_700_000_000_000u64;
    g.bench_function("order_fast_template", |b| {
        b.iter(|| {
            ts += 1; // a new timestamp per order, as in real use
            black_box(
                signer
                    .sign_order_with(&template, ts, 10_000_000, 150_000_000_000)
                    .expect("sign"),
            )
        })
    });
    g.bench_function("order_fast_one_shot", |b| {
        b.iter(|| black_box(signer.sign_order(black_box(&order)).expect("sign")))
    });
    let hash = ctx.order_hash(&order);
    g.bench_function("ecdsa_fast_with_rfc6979", |b| {
        b.iter(|| black_box(signer.sign_hash(black_box(hash)).expect("sign")))
    });
    g.bench_function("order_hash_reference", |b| {
        b.iter(|| black_box(ctx.order_hash(black_box(&order))))
    });
    g.bench_function("order_reference_starknet_crypto", |b| {
        b.iter(|| {
            let h = ctx.order_hash(black_box(&order));
            let k = starknet_crypto::rfc6979_generate_k(&h, &d, Some(&seed));
            black_box(starknet_crypto::sign(&d, &h, &k).expect("sign"))
        })
    });
    g.bench_function("rfc6979_generate_k", |b| {
        b.iter(|| {
            black_box(starknet_crypto::rfc6979_generate_k(
                black_box(&hash),
                &d,
                Some(&seed),
            ))
        })
    });
    g.bench_function("pedersen_reference", |b| {
        b.iter(|| {
            black_box(starknet_crypto::pedersen_hash(
                black_box(&hash),
                black_box(&d),
            ))
        })
    });
    g.finish();
}

criterion_group!(benches, bench_sign);
criterion_main!(benches);
