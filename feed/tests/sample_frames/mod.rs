//! The sample feed messages of the allocation test (`feed_no_alloc.rs`) and the
//! `feed_decode` bench (which includes this file by path), so both run the same messages:
//! a BBO, a trade and a 15×2-level book snapshot, as SBE frames and as JSON text.
#![allow(dead_code)]

use paradex_proto::sbe::{BboEvent, BookEvent, FillType, Level, Levels, PkgType, Side, TradeEvent};

/// The market every sample is for.
pub const MARKET: &str = "BTC-USD-PERP";

const TS_US: i64 = 1_700_000_000_000_000;

/// `depth` levels from `best`, `step` apart (negative for bids).
fn levels(best: i64, step: i64, depth: i64) -> Vec<Level> {
    (0..depth)
        .map(|i| Level {
            price: best + i * step,
            size: 100_000 + i,
        })
        .collect()
}

/// SBE frames (schema version 2) `[bbo, trade, book]`; `seq` varies the sequence numbers,
/// timestamps and the bid price.
pub fn sbe_frames(seq: i64) -> [Vec<u8>; 3] {
    let (mut bbo, mut trade, mut book) = (Vec::new(), Vec::new(), Vec::new());
    BboEvent {
        ts_us: TS_US + seq,
        seq,
        bid_price: Some(4_200_000_000_000 + seq),
        bid_size: Some(150_000_000),
        ask_price: Some(4_200_050_000_000),
        ask_size: Some(90_000_000),
        market: MARKET,
    }
    .encode(2, &mut bbo)
    .unwrap();
    TradeEvent {
        ts_us: TS_US + seq,
        seq,
        trade_id: 3,
        side: Side::Buy,
        price: 4_200_050_000_000,
        size: 100_000,
        created_at_us: TS_US,
        trade_type: FillType::Fill,
        market: MARKET,
        trade_id_str: Some("1718154353750201703989430001"),
    }
    .encode(2, &mut trade)
    .unwrap();
    let bids = levels(4_200_000_000_000, -50_000_000, 15);
    let asks = levels(4_200_050_000_000, 50_000_000, 15);
    BookEvent {
        ts_us: TS_US + seq,
        seq,
        pkg_type: PkgType::Snapshot,
        bids: Levels::from_slice(&bids),
        asks: Levels::from_slice(&asks),
        market: MARKET,
        ..BookEvent::default()
    }
    .encode(2, &mut book)
    .unwrap();
    [bbo, trade, book]
}

/// JSON-RPC subscription messages `[bbo, trade, book]` as Paradex sends them; `seq` varies
/// the sequence numbers, the bid price and the trade id.
pub fn json_frames(seq: i64) -> [String; 3] {
    let side = |side: &str, best: f64, step: f64| {
        (0..15)
            .map(|i| {
                format!(
                    r#"{{"side":"{side}","price":"{:.1}","size":"0.{:03}"}}"#,
                    best + step * f64::from(i),
                    i + 1
                )
            })
            .collect::<Vec<_>>()
            .join(",")
    };
    let (bids, asks) = (side("BUY", 67629.7, -0.5), side("SELL", 67630.2, 0.5));
    [
        format!(
            r#"{{"jsonrpc":"2.0","method":"subscription","params":{{"channel":"bbo.{MARKET}","data":{{"market":"{MARKET}","bid":"30112.{seq}","bid_size":"0.04","ask":"30130.15","ask_size":"0.05","last_updated_at":1681493939981,"seq_no":{seq}}}}}}}"#
        ),
        format!(
            r#"{{"jsonrpc":"2.0","method":"subscription","params":{{"channel":"trades.{MARKET}","data":{{"id":"17181792732302017092332{seq}","market":"{MARKET}","side":"BUY","size":"0.034","price":"30112.5","created_at":1718179273230,"trade_type":"FILL"}}}}}}"#
        ),
        format!(
            r#"{{"jsonrpc":"2.0","method":"subscription","params":{{"channel":"order_book.{MARKET}.snapshot@15@50ms","data":{{"seq_no":{seq},"market":"{MARKET}","last_updated_at":1718267837265,"update_type":"s","inserts":[{bids},{asks}],"updates":[],"deletes":[]}}}}}}"#
        ),
    ]
}
