//! Cost of the writer's hot path and of a reader's copy, single thread, warm caches.
//!
//! Run with: `cargo bench -p paradex-benches --bench ring_publish`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use paradex_benches::shm::TempShm;
use paradex_ring::{Bbo, Read, Reader, ReaderOptions, RingConfig, StartAt, Writer};

fn config(shm: &TempShm, capacity: u64) -> RingConfig {
    RingConfig::new(shm.name(), capacity).in_dir(shm.dir())
}

fn sample(i: i64) -> Bbo {
    Bbo {
        ts_exchange: i,
        ts_recv: i,
        market_id: 1,
        flags: 0,
        bid_px: i,
        bid_sz: 2,
        ask_px: i + 1,
        ask_sz: 3,
    }
}

fn bench_publish(c: &mut Criterion) {
    let mut group = c.benchmark_group("ring");
    let mut i = 0i64;
    // A 64-slot ring stays in L1: the cost of the code alone. The 65,536-slot ring (4 MiB) cycles
    // through memory, so each publish also pays for bringing a cold line in, as in production.
    let hot = TempShm::new("paradex-bench-publish-hot");
    let mut hot_writer = Writer::<Bbo>::create(&config(&hot, 64)).expect("create ring");
    group.bench_function("publish_bbo_hot_ring", |b| {
        b.iter(|| {
            i += 1;
            black_box(hot_writer.publish(black_box(&sample(i))))
        });
    });
    let shm = TempShm::new("paradex-bench-publish");
    let mut writer = Writer::<Bbo>::create(&config(&shm, 1 << 16)).expect("create ring");
    group.bench_function("publish_bbo_4mib_ring", |b| {
        b.iter(|| {
            i += 1;
            black_box(writer.publish(black_box(&sample(i))))
        });
    });
    group.bench_function("claim_commit_bbo", |b| {
        b.iter(|| {
            i += 1;
            let mut claim = writer.claim();
            claim.bid_px = black_box(i);
            claim.ask_px = black_box(i + 1);
            black_box(claim.commit())
        });
    });
    group.bench_function("heartbeat_at", |b| {
        b.iter(|| writer.heartbeat_at(black_box(i)))
    });

    let options = ReaderOptions {
        start: StartAt::Next,
        register: true,
    };
    let mut reader = Reader::<Bbo>::open_with(shm.path(), options).expect("open reader");
    group.bench_function("publish_then_read_bbo", |b| {
        b.iter(|| {
            i += 1;
            writer.publish(&sample(i));
            match reader.try_read() {
                Read::Record(r) => black_box(r.bid_px),
                other => panic!("expected a record, got {other:?}"),
            }
        });
    });
    group.bench_function("read_empty", |b| b.iter(|| black_box(reader.try_read())));
    group.finish();
}

criterion_group!(benches, bench_publish);
criterion_main!(benches);
