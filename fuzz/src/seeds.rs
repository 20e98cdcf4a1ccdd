//! Seed inputs per target: valid frames built with the real encoders, the Paradex samples
//! (when `../shared` sits beside the repository), and hand-written edge cases. The smoke runner
//! mutates these; `fuzz_smoke --write-seeds DIR` writes them as libFuzzer's starting corpus.

use std::path::PathBuf;

use paradex_proto::sbe::{
    self, BboEvent, BookEvent, HeartbeatEvent, Level, Levels, MarketSummaryEvent, PkgType,
};

/// The seeds of target `name` (see [`crate::TARGETS`]); empty for an unknown name.
#[must_use]
pub fn seeds(name: &str) -> Vec<Vec<u8>> {
    match name {
        "sbe_decode" => sbe_frames(),
        "feed_frames" => {
            let mut all = sbe_frames();
            all.extend(samples(
                "ws_",
                &[
                    "bbo",
                    "order_book",
                    "trades",
                    "markets_summary",
                    "funding_data",
                    "error",
                ],
            ));
            all.push(br#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"bbo.BTC-USD-PERP","data":{"market":"BTC-USD-PERP","bid":"65000.1","bid_size":"1.5","ask":"65000.2","ask_size":"2","last_updated_at":1700000000000,"seq_no":7}}}"#.to_vec());
            all.push(br#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"order_book.BTC-USD-PERP.deltas","data":{"seq_no":8,"market":"BTC-USD-PERP","last_updated_at":1700000000000,"update_type":"d","inserts":[{"side":"BUY","price":"64999","size":"1"}],"updates":[],"deletes":[]}}}"#.to_vec());
            all
        }
        "exec_stream" => {
            let mut all = samples(
                "ws_",
                &[
                    "orders",
                    "fills",
                    "positions",
                    "account",
                    "error",
                    "auth_response",
                ],
            );
            all.push(br#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"orders.ALL","data":{"id":"17","client_id":"c1","market":"ETH-USD-PERP","side":"BUY","type":"LIMIT","size":"0.1","remaining_size":"0.1","price":"2900","status":"OPEN","seq_no":1}}}"#.to_vec());
            // Several frames in one input: the target applies them in order.
            let joined = all.join(&b'\n');
            all.push(joined);
            all
        }
        "rest_models" => {
            let mut all = samples("rest_", &[""]);
            all.push(br#"{"results":[{"id":"1","market":"ETH-USD-PERP","side":"SELL","type":"MARKET","size":"1e3","status":"NEW"}]}"#.to_vec());
            all
        }
        "ring_open" => ring_files(),
        _ => Vec::new(),
    }
}

/// Frames of several templates at every schema version.
fn sbe_frames() -> Vec<Vec<u8>> {
    let levels = [
        Level {
            price: 6_500_000_000_000,
            size: 150_000_000,
        },
        Level {
            price: 6_499_900_000_000,
            size: 0,
        },
    ];
    let messages = [
        sbe::Message::Bbo(BboEvent {
            ts_us: 1_700_000_000_000_000,
            seq: 42,
            bid_price: Some(6_500_000_000_000),
            bid_size: Some(150_000_000),
            ask_price: Some(6_500_010_000_000),
            ask_size: None,
            market: "BTC-USD-PERP",
        }),
        sbe::Message::Book(BookEvent {
            ts_us: 1_700_000_000_000_000,
            seq: 43,
            pkg_type: PkgType::Delta,
            bids: Levels::from_slice(&levels),
            asks: Levels::from_slice(&levels[..1]),
            market: "BTC-USD-PERP",
            ..BookEvent::default()
        }),
        sbe::Message::Heartbeat(HeartbeatEvent { ts_us: 1, seq: 2 }),
        sbe::Message::MarketSummary(MarketSummaryEvent {
            market: "ETH-USD-PERP",
            ..MarketSummaryEvent::default()
        }),
    ];
    let mut frames = Vec::new();
    for version in 0..=sbe::SCHEMA_VERSION {
        for message in &messages {
            let mut frame = Vec::new();
            if message.encode(version, &mut frame).is_ok() {
                frames.push(frame);
            }
        }
    }
    frames
}

/// `../shared/paradex/samples/<prefix><stem>*.json`, compacted to one line each; none when
/// the directory is absent (the product never needs it).
fn samples(prefix: &str, stems: &[&str]) -> Vec<Vec<u8>> {
    let dir = std::env::var_os("PARADEX_SHARED").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
        PathBuf::from,
    );
    let Ok(entries) = std::fs::read_dir(dir.join("paradex/samples")) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            name.ends_with(".json")
                && stems
                    .iter()
                    .any(|stem| name.starts_with(&format!("{prefix}{stem}")))
        })
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| std::fs::read(p).ok())
        .filter_map(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .filter_map(|value| serde_json::to_vec(&value).ok())
        .collect()
}

/// Segment files: the valid template as patches (none, header bytes flipped, truncated) and as
/// raw bytes, plus the book-record view of the same file.
fn ring_files() -> Vec<Vec<u8>> {
    let mut raw = vec![0_u8];
    raw.extend_from_slice(crate::ring::template_bytes());
    vec![
        vec![1],
        vec![5],
        vec![1 | 8 | 16],
        vec![1 | 8, 8, 0, 0xff],
        vec![1 | 16, 16, 0, 0x01, 24, 0, 0x80],
        vec![3, 0, 1],
        raw,
        vec![0],
    ]
}
