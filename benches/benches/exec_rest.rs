//! REST read throughput against `paradex-mock` on loopback over keep-alive connections:
//! `GET /v1/orders` (private, JWT, decoded into state types) from 64 concurrent tasks sharing one
//! pooled client. Criterion reports elements (requests) per second.

use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use paradex_exec::rest::{ClientConfig, Credentials, RestClient};
use paradex_mock::config::MockConfig;
use paradex_mock::server::MockServer;

const KEY: &str = "0x1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcde";
const ACCOUNT: &str = "0x3a5e6ca3f7d55722bfb79595c96bd41dba9980fe2abf5c0577591a135ec6dc4";
const L1: &str = "0xFCAd0B19bB29D4674531d6f115237E16AfCE377c";
const TASKS: usize = 64;
const PER_TASK: usize = 32;

fn bench_rest(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (mock, client) = runtime.block_on(async {
        let mock = MockServer::start(MockConfig {
            md_rate: 0.0,
            ..MockConfig::default()
        })
        .await
        .expect("mock");
        let creds = Credentials::new(KEY, "PRIVATE_SN_POTC_SEPOLIA", ACCOUNT).expect("credentials");
        let client = RestClient::new(ClientConfig::new(&mock.http_url()), creds).expect("client");
        client.onboard(L1).await.expect("onboard");
        client.authenticate().await.expect("auth");
        (mock, client)
    });
    let mut g = c.benchmark_group("exec_rest");
    g.throughput(Throughput::Elements((TASKS * PER_TASK) as u64));
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("get_open_orders_64_concurrent", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let tasks: Vec<_> = (0..TASKS)
                        .map(|_| {
                            let client = client.clone();
                            tokio::spawn(async move {
                                for _ in 0..PER_TASK {
                                    client.open_orders(None).await.expect("read");
                                }
                            })
                        })
                        .collect();
                    for t in tasks {
                        t.await.expect("task");
                    }
                }
                start.elapsed()
            })
        })
    });
    g.finish();
    drop(client);
    runtime.block_on(mock.shutdown());
}

criterion_group!(benches, bench_rest);
criterion_main!(benches);
