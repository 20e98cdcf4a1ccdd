//! Order signing cost: the fast path (templates + fixed-base tables) against plain
//! `starknet-crypto` (reference hash + `sign`), and the parts of each.

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use paradex_exec::sign::{PrivateKey, Signer};
use paradex_proto::typed_data::{AccountContext, Felt, OrderMessage, OrderSide};

const KEY: &str = "0x1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcde";
const ACCOUNT: &str = "0x3a5e6ca3f7d55722bfb79595c96bd41dba9980fe2abf5c0577591a135ec6dc4";

/// Per-order times of `op` over 3000 orders: min, p10, p50, p95 (µs). On a loaded machine the
/// low percentiles show the cost of the work itself, the mean also shows preemption.
fn percentiles(name: &str, mut op: impl FnMut(u64)) {
    let mut samples: Vec<f64> = (0..3000u64)
        .map(|i| {
            let start = Instant::now();
            op(i);
            start.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    eprintln!(
        "{name}: min {:.1} µs, p10 {:.1}, p50 {:.1}, p95 {:.1}",
        at(0.0),
        at(0.1),
        at(0.5),
        at(0.95)
    );
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

    percentiles("sign order (fast, template)", |i| {
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
    percentiles("sign order (starknet-crypto reference)", |i| {
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
    });

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
