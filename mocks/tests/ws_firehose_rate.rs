//! Firehose throughput and end-to-end latency, measured with a minimal raw-socket WebSocket
//! client (so the client costs little): contiguous `seq_no` is checked on every frame; the
//! figures are printed, never asserted.
//!
//! Run with: cargo test --release -p paradex-mock --test ws_firehose_rate -- --nocapture
//! (`FIREHOSE_COUNT=5000000` for a longer run; the default keeps debug runs short).

use std::time::{Duration, Instant};

use paradex_mock::config::MockConfig;
use paradex_mock::server::MockServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn count() -> u64 {
    std::env::var("FIREHOSE_COUNT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000)
}

/// Upgrades, subscribes to the BTC deltas, and returns the socket with any bytes already read.
async fn raw_subscribe(addr: std::net::SocketAddr) -> (TcpStream, Vec<u8>) {
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    tcp.set_nodelay(true).unwrap();
    let request = format!(
        "GET /v1?sbeSchemaId=1&sbeSchemaVersion=2 HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    tcp.write_all(request.as_bytes()).await.unwrap();
    let mut buf = vec![0_u8; 1 << 20];
    let mut have = 0;
    let head_end = loop {
        have += tcp.read(&mut buf[have..]).await.unwrap();
        if let Some(at) = buf[..have].windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    assert!(buf.starts_with(b"HTTP/1.1 101"), "upgrade refused");
    let body = br#"{"jsonrpc":"2.0","id":1,"method":"subscribe","params":{"channel":"order_book.BTC-USD-PERP.deltas"}}"#;
    // A masked client text frame (mask key 0 keeps the payload as is).
    let mut frame = vec![0x81, 0x80 | body.len() as u8, 0, 0, 0, 0];
    frame.extend_from_slice(body);
    tcp.write_all(&frame).await.unwrap();
    (tcp, buf[head_end..have].to_vec())
}

/// Reads frames, checks contiguous BookEvent seq, and returns (frames, elapsed, latencies µs).
async fn drain(mut tcp: TcpStream, mut pending: Vec<u8>, total: u64) -> (u64, Duration, Vec<u64>) {
    let mut buf = vec![0_u8; 1 << 20];
    let mut last_seq: Option<i64> = None;
    let mut frames = 0_u64;
    let mut latencies = Vec::new();
    let mut started = None;
    while frames < total {
        let mut at = 0;
        loop {
            let rest = &pending[at..];
            if rest.len() < 2 {
                break;
            }
            let (len, header) = match rest[1] & 0x7f {
                126 if rest.len() >= 4 => (u16::from_be_bytes([rest[2], rest[3]]) as usize, 4),
                127 if rest.len() >= 10 => (
                    u64::from_be_bytes(rest[2..10].try_into().unwrap()) as usize,
                    10,
                ),
                126 | 127 => break,
                n => (n as usize, 2),
            };
            if rest.len() < header + len {
                break;
            }
            let payload = &rest[header..header + len];
            if rest[0] & 0x0f == 2 && payload.len() >= 24 {
                let template = u16::from_le_bytes([payload[2], payload[3]]);
                let seq = i64::from_le_bytes(payload[16..24].try_into().unwrap());
                if template == 3 {
                    if let Some(last) = last_seq {
                        assert_eq!(seq, last + 1, "contiguous seq");
                        frames += 1;
                        started.get_or_insert_with(Instant::now);
                        if frames.is_multiple_of(64) {
                            let ts = i64::from_le_bytes(payload[8..16].try_into().unwrap()) as u64;
                            latencies.push(paradex_mock::ws::now_us().saturating_sub(ts));
                        }
                    }
                    last_seq = Some(seq);
                }
            }
            at += header + len;
        }
        pending.drain(..at);
        if frames >= total {
            break;
        }
        let n = tcp.read(&mut buf).await.unwrap();
        assert!(n > 0, "server closed early");
        pending.extend_from_slice(&buf[..n]);
    }
    (
        frames,
        started.map_or(Duration::ZERO, |s| s.elapsed()),
        latencies,
    )
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    sorted[((sorted.len() - 1) as f64 * p) as usize]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn firehose_throughput_and_latency() {
    let total = count();
    for rate in [0_u64, 100_000] {
        let server = MockServer::start(MockConfig {
            firehose: true,
            firehose_rate: rate,
            firehose_count: total + 1,
            md_rate: 0.0,
            ..MockConfig::default()
        })
        .await
        .unwrap();
        let (tcp, pending) = raw_subscribe(server.addr()).await;
        let measured = if rate == 0 {
            total
        } else {
            total.min(rate * 2)
        };
        let (frames, elapsed, mut latencies) = drain(tcp, pending, measured).await;
        latencies.sort_unstable();
        eprintln!(
            "firehose rate={} : {frames} deltas in {elapsed:?} = {:.0} msg/s; ts→receive latency µs p50={} p99={} max={}",
            if rate == 0 {
                "max".to_owned()
            } else {
                rate.to_string()
            },
            frames as f64 / elapsed.as_secs_f64(),
            percentile(&latencies, 0.5),
            percentile(&latencies, 0.99),
            latencies.last().copied().unwrap_or(0),
        );
        server.shutdown().await;
    }
}
