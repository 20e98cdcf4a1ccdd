//! Property tests: arbitrary hot-path events survive encode → decode at every version, and
//! arbitrary bytes never make the decoder panic.

use paradex_proto::sbe::{
    self, BboEvent, BookEvent, FillType, Level, Levels, Message, PkgType, Side, TradeEvent,
};
use proptest::prelude::*;

fn opt_price() -> impl Strategy<Value = Option<i64>> {
    // i64::MIN is the null value, so it can never be a present price.
    prop::option::of((i64::MIN + 1)..=i64::MAX)
}

fn market() -> impl Strategy<Value = String> {
    prop::string::string_regex("[A-Z0-9-]{0,40}|\\PC{0,60}")
        .unwrap()
        .prop_filter("varString8 holds 255 bytes", |s| s.len() <= 255)
}

fn levels() -> impl Strategy<Value = Vec<Level>> {
    prop::collection::vec(
        (any::<i64>(), any::<i64>()).prop_map(|(price, size)| Level { price, size }),
        0..40,
    )
}

proptest! {
    #[test]
    fn bbo_round_trips(
        ts_us in any::<i64>(), seq in any::<i64>(),
        bid_price in opt_price(), bid_size in opt_price(),
        ask_price in opt_price(), ask_size in opt_price(),
        market in market(), version in 0u16..=2,
    ) {
        let event = BboEvent { ts_us, seq, bid_price, bid_size, ask_price, ask_size, market: &market };
        let mut out = Vec::new();
        event.encode(version, &mut out).unwrap();
        prop_assert_eq!(sbe::decode(&out), Ok(Message::Bbo(event)));
    }

    #[test]
    fn trade_round_trips(
        ts_us in any::<i64>(), seq in any::<i64>(), trade_id in any::<i64>(),
        side in any::<u8>(), price in any::<i64>(), size in any::<i64>(),
        created_at_us in any::<i64>(), trade_type in any::<u8>(),
        market in market(), trade_id_str in prop::option::of("[0-9]{1,28}"),
        version in 0u16..=2,
    ) {
        let event = TradeEvent {
            ts_us, seq, trade_id, side: Side::from_u8(side), price, size, created_at_us,
            trade_type: FillType::from_u8(trade_type), market: &market,
            trade_id_str: trade_id_str.as_deref(),
        };
        let mut out = Vec::new();
        event.encode(version, &mut out).unwrap();
        let expected = if version < 2 { TradeEvent { trade_id_str: None, ..event } } else { event };
        prop_assert_eq!(sbe::decode(&out), Ok(Message::Trade(expected)));
    }

    #[test]
    fn book_round_trips(
        ts_us in any::<i64>(), seq in any::<i64>(), delta in any::<bool>(),
        best in prop::array::uniform9(opt_price()),
        bids in levels(), asks in levels(), market in market(), version in 0u16..=2,
    ) {
        let event = BookEvent {
            ts_us, seq,
            pkg_type: if delta { PkgType::Delta } else { PkgType::Snapshot },
            best_bid_price: best[0], best_bid_size: best[1],
            best_ask_price: best[2], best_ask_size: best[3], relative_spread: best[4],
            best_bid_api_price: best[5], best_bid_api_size: best[6],
            best_ask_api_price: best[7], best_ask_api_size: best[8],
            bids: Levels::from_slice(&bids), asks: Levels::from_slice(&asks), market: &market,
        };
        let mut out = Vec::new();
        event.encode(version, &mut out).unwrap();
        prop_assert_eq!(out.len(), 8 + 89 + 8 + 16 * (bids.len() + asks.len()) + 1 + market.len());
        prop_assert_eq!(sbe::decode(&out), Ok(Message::Book(event)));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let _ = sbe::decode(&bytes);
    }

    #[test]
    fn arbitrary_bodies_after_valid_headers_never_panic(
        template in prop::sample::select(vec![1u16, 2, 3, 4, 5, 6, 20, 21, 22, 23, 40, 41]),
        block in 0u16..300, version in 0u16..=2,
        body in prop::collection::vec(any::<u8>(), 0..400),
    ) {
        let mut frame = Vec::new();
        for word in [block, template, 1, version] {
            frame.extend_from_slice(&word.to_le_bytes());
        }
        frame.extend_from_slice(&body);
        let _ = sbe::decode(&frame);
    }
}
