//! SBE codec tests: hand-computed layouts, round trips of every template at every version,
//! forward compatibility, and malformed frames.

use paradex_proto::sbe::{
    self, AccountEvent, AccountStatus, AssetKind, BboEvent, BookEvent, DecodeError, EncodeError,
    FillEvent, FillFlags, FillType, Frame, FundingDataEvent, FundingRateComparisonEvent,
    FundingRateSource, HeartbeatEvent, Level, Levels, LiquiditySide, MarketSummaryEvent, Message,
    OrderEvent, OrderFlags, OrderStatus, OrderType, PkgType, PositionEvent, PositionStatus,
    RequestStatus, RequestType, Side, StpMode, SubscribedEvent, TimeInForce, TradeEvent,
};

const NULL: [u8; 8] = [0, 0, 0, 0, 0, 0, 0, 0x80];

fn encode(message: &Message<'_>, version: u16) -> Vec<u8> {
    let mut out = Vec::new();
    message.encode(version, &mut out).expect("encodes");
    out
}

#[test]
fn bbo_layout_by_hand() {
    let bbo = BboEvent {
        ts_us: 1,
        seq: 2,
        bid_price: Some(3),
        bid_size: None,
        ask_price: Some(-1),
        ask_size: Some(256),
        market: "AB",
    };
    #[rustfmt::skip]
    let expected: Vec<u8> = [
        &[0x30, 0, 0x02, 0, 0x01, 0, 0x02, 0][..], // header: block 48, template 2, schema 1, v2
        &[1, 0, 0, 0, 0, 0, 0, 0],                  // ts
        &[2, 0, 0, 0, 0, 0, 0, 0],                  // seq
        &[3, 0, 0, 0, 0, 0, 0, 0],                  // bidPrice
        &NULL,                                      // bidSize (null)
        &[0xff; 8],                                 // askPrice -1
        &[0, 1, 0, 0, 0, 0, 0, 0],                  // askSize 256
        &[2, b'A', b'B'],                           // market
    ]
    .concat();
    assert_eq!(encode(&Message::Bbo(bbo), 2), expected);
    assert_eq!(sbe::decode(&expected), Ok(Message::Bbo(bbo)));
}

#[test]
fn trade_layout_by_hand() {
    let trade = TradeEvent {
        ts_us: 1,
        seq: 2,
        trade_id: 3,
        side: Side::Sell,
        price: 258,
        size: 5,
        created_at_us: 6,
        trade_type: FillType::Liquidation,
        market: "X",
        trade_id_str: Some("9"),
    };
    #[rustfmt::skip]
    let v1: Vec<u8> = [
        &[50, 0, 1, 0, 1, 0, 1, 0][..],  // header: block 50, template 1, schema 1, v1
        &[1, 0, 0, 0, 0, 0, 0, 0],       // ts @0
        &[2, 0, 0, 0, 0, 0, 0, 0],       // seq @8
        &[3, 0, 0, 0, 0, 0, 0, 0],       // tradeId @16
        &[2],                            // side SELL @24
        &[2, 1, 0, 0, 0, 0, 0, 0],       // price 258 @25
        &[5, 0, 0, 0, 0, 0, 0, 0],       // size @33
        &[6, 0, 0, 0, 0, 0, 0, 0],       // createdAt @41
        &[2],                            // tradeType LIQUIDATION @49
        &[1, b'X'],                      // market
    ]
    .concat();
    assert_eq!(encode(&Message::Trade(trade), 1), v1);
    let decoded = sbe::decode(&v1).unwrap();
    assert_eq!(
        decoded,
        Message::Trade(TradeEvent {
            trade_id_str: None,
            ..trade
        })
    );

    // Version 2 appends tradeIdStr after market.
    let mut v2 = v1.clone();
    v2[6] = 2;
    v2.extend_from_slice(&[1, b'9']);
    assert_eq!(encode(&Message::Trade(trade), 2), v2);
    assert_eq!(sbe::decode(&v2), Ok(Message::Trade(trade)));
}

#[test]
fn book_layout_by_hand() {
    let bids = [Level {
        price: 10,
        size: 20,
    }];
    let book = BookEvent {
        ts_us: 1,
        seq: 7,
        pkg_type: PkgType::Delta,
        bids: Levels::from_slice(&bids),
        asks: Levels::default(),
        market: "M",
        ..BookEvent::default()
    };
    let mut expected: Vec<u8> = vec![89, 0, 3, 0, 1, 0, 0, 0]; // block 89, template 3, v0
    expected.extend_from_slice(&[1, 0, 0, 0, 0, 0, 0, 0]); // ts @0
    expected.extend_from_slice(&[7, 0, 0, 0, 0, 0, 0, 0]); // seq @8
    expected.push(1); // pkgType DELTA @16
    for _ in 0..9 {
        expected.extend_from_slice(&NULL); // nine nullable best fields @17..89
    }
    expected.extend_from_slice(&[16, 0, 1, 0]); // bids: entry 16 bytes, 1 entry
    expected.extend_from_slice(&[10, 0, 0, 0, 0, 0, 0, 0, 20, 0, 0, 0, 0, 0, 0, 0]);
    expected.extend_from_slice(&[16, 0, 0, 0]); // asks: none
    expected.extend_from_slice(&[1, b'M']);
    assert_eq!(expected.len(), 8 + 89 + 4 + 16 + 4 + 2);
    assert_eq!(encode(&Message::Book(book), 0), expected);
    let Ok(Message::Book(decoded)) = sbe::decode(&expected) else {
        panic!("book decodes");
    };
    assert_eq!(decoded, book);
    assert_eq!(decoded.bids.iter().collect::<Vec<_>>(), bids);
    assert!(decoded.asks.is_empty());
}

const ACCOUNT: [u8; 32] = {
    let mut a = [0u8; 32];
    a[0] = 0x04;
    a[31] = 0xc7;
    a
};
const BIDS: [Level; 3] = [
    Level {
        price: 4_200_000_000_000,
        size: 100_000,
    },
    Level {
        price: 4_199_950_000_000,
        size: 0,
    },
    Level {
        price: 4_199_900_000_000,
        size: 250_000_000,
    },
];
const ASKS: [Level; 2] = [
    Level {
        price: 4_200_050_000_000,
        size: 1,
    },
    Level {
        price: i64::MAX,
        size: i64::MIN + 1,
    },
];

/// One fully populated example of every template (values as version 2 carries them).
fn samples() -> Vec<Message<'static>> {
    vec![
        Message::Trade(TradeEvent {
            ts_us: 1_700_000_000_000_001,
            seq: 900,
            trade_id: -5,
            side: Side::Buy,
            price: 4_200_050_000_000,
            size: 100_000,
            created_at_us: 1_700_000_000_000_000,
            trade_type: FillType::Fill,
            market: "BTC-USD-PERP",
            trade_id_str: Some("1718154353750201703989430001"),
        }),
        Message::Bbo(BboEvent {
            ts_us: 1_700_000_000_000_002,
            seq: 901,
            bid_price: Some(4_200_000_000_000),
            bid_size: Some(150_000_000),
            ask_price: None,
            ask_size: None,
            market: "ETH-USD-PERP",
        }),
        Message::Book(BookEvent {
            ts_us: 3,
            seq: 902,
            pkg_type: PkgType::Snapshot,
            best_bid_price: Some(1),
            best_bid_size: Some(2),
            best_ask_price: Some(3),
            best_ask_size: Some(4),
            relative_spread: Some(5),
            best_bid_api_price: None,
            best_bid_api_size: Some(7),
            best_ask_api_price: Some(8),
            best_ask_api_size: None,
            bids: Levels::from_slice(&BIDS),
            asks: Levels::from_slice(&ASKS),
            market: "BTC-USD-PERP",
        }),
        Message::MarketSummary(MarketSummaryEvent {
            ts_us: 4,
            seq: 5,
            mark_price: 6,
            index_price: 7,
            last_price: 8,
            volume_usd_24h: 9,
            open_interest: 10,
            funding_rate: 11,
            bid: Some(12),
            ask: None,
            total_volume: i64::MAX,
            price_change_rate_24h: -14,
            mark_iv: Some(15),
            bid_iv: None,
            ask_iv: Some(17),
            last_iv: None,
            delta: Some(-19),
            gamma: Some(20),
            vega: None,
            theta: Some(22),
            rho: Some(23),
            volga: None,
            vanna: Some(25),
            future_funding_rate: None,
            external_fair_price: Some(27),
            bid_size: Some(28),
            ask_size: None,
            forward_rate: Some(30),
            risk_free_rate: None,
            funding_rate_precise: Some(100_000_012_980),
            market: "SOL-USD-PERP",
        }),
        Message::FundingData(FundingDataEvent {
            ts_us: 1,
            seq: 2,
            funding_rate: -3,
            funding_index: 4,
            created_at_us: 5,
            funding_premium: 6,
            funding_rate_8h: 7,
            funding_period_hours: 8,
            impact_premium_rate: Some(-9),
            market: "BTC-USD-PERP",
        }),
        Message::FundingRateComparison(FundingRateComparisonEvent {
            ts_us: 1,
            last_updated_at_us: 2,
            hourly_funding_rate: 1,
            asset_kind: AssetKind::PerpetualFuture,
            source: FundingRateSource::Unknown(99),
            market: "BTC-USD-PERP",
        }),
        Message::Order(OrderEvent {
            ts_us: 1,
            seq: 1_681_471_234_972_000_000,
            status: OrderStatus::Open,
            side: Side::Sell,
            order_type: OrderType::StopLimit,
            time_in_force: TimeInForce::PostOnly,
            price: Some(2),
            trigger_price: None,
            size: 3,
            size_open: 4,
            avg_fill_price: None,
            created_at_us: 5,
            updated_at_us: 6,
            account: ACCOUNT,
            received_at_us: 7,
            published_at_us: 8,
            stp: StpMode::ExpireBoth,
            flags: OrderFlags(OrderFlags::REDUCE_ONLY | OrderFlags::MMP),
            request_status: RequestStatus::Pending,
            request_type: RequestType::ModifyOrder,
            order_id: "1718154353750201703989430002",
            client_order_id: "my-order",
            market: "ETH-USD-PERP",
            cancel_reason: "",
            request_id: Some("req-1"),
            request_message: Some("too late"),
        }),
        Message::Fill(FillEvent {
            ts_us: 1,
            seq: None,
            fill_type: FillType::Rpi,
            side: Side::Buy,
            liquidity: LiquiditySide::Maker,
            price: 2,
            size: 3,
            fee: -4,
            realized_pnl: Some(5),
            created_at_us: 6,
            account: ACCOUNT,
            underlying_price: 7,
            realized_funding: 8,
            flags: FillFlags(FillFlags::RPI | FillFlags::UNKNOWN),
            orderbook_seq_no: Some(u64::MAX),
            fill_id: "f1",
            order_id: "o1",
            client_order_id: "",
            trade_id: "t1",
            market: "BTC-USD-PERP",
            fee_currency: Some("USDC"),
        }),
        Message::Position(PositionEvent {
            ts_us: 1,
            seq: 2,
            side: Side::Sell,
            size: 3,
            avg_entry_price: 4,
            unrealized_pnl: -5,
            realized_pnl: 6,
            mark_price: None,
            liquidation_price: Some(8),
            leverage: 9,
            updated_at_us: 10,
            account: ACCOUNT,
            avg_entry_price_usd: 11,
            cost: -12,
            cost_usd: -13,
            cached_funding_index: 14,
            unrealized_funding_pnl: 15,
            status: PositionStatus::Open,
            market: "BTC-USD-PERP",
            last_fill_id: "f1",
        }),
        Message::Account(AccountEvent {
            ts_us: 1,
            seq: 2,
            total_collateral: 3,
            free_collateral: 4,
            initial_margin_req: 5,
            maintenance_margin_req: 6,
            account_value: 7,
            unrealized_pnl: None,
            updated_at_us: 9,
            account: ACCOUNT,
            margin_cushion: 10,
            status: AccountStatus::Liquidation,
            last_seen_notification_us: Some(11),
            settlement_asset: "USDC",
        }),
        Message::Heartbeat(HeartbeatEvent { ts_us: 1, seq: 2 }),
        Message::Subscribed(SubscribedEvent {
            ts_us: 1,
            seq: 2,
            status: 1,
            channel: "bbo.BTC-USD-PERP",
        }),
    ]
}

/// What survives a trip through `version`: later fields read back as absent.
fn at_version(message: Message<'static>, version: u16) -> Message<'static> {
    match message {
        Message::Trade(e) if version < 2 => Message::Trade(TradeEvent {
            trade_id_str: None,
            ..e
        }),
        Message::MarketSummary(e) if version < 1 => Message::MarketSummary(MarketSummaryEvent {
            forward_rate: None,
            risk_free_rate: None,
            funding_rate_precise: None,
            ..e
        }),
        Message::FundingData(e) if version < 1 => Message::FundingData(FundingDataEvent {
            impact_premium_rate: None,
            ..e
        }),
        Message::Order(e) if version < 2 => Message::Order(OrderEvent {
            flags: OrderFlags(e.flags.0 & !OrderFlags::MMP),
            request_status: RequestStatus::Unspecified,
            request_type: RequestType::Unspecified,
            request_id: None,
            request_message: None,
            ..e
        }),
        Message::Fill(e) if version < 2 => Message::Fill(FillEvent {
            flags: FillFlags::default(),
            orderbook_seq_no: None,
            fee_currency: None,
            ..e
        }),
        Message::Account(e) if version < 2 => Message::Account(AccountEvent {
            last_seen_notification_us: None,
            ..e
        }),
        other => other,
    }
}

fn block_length(template_id: u16, version: u16) -> u16 {
    match (template_id, version) {
        (1, _) => 50,
        (2, _) => 48,
        (3, _) => 89,
        (4, 0) => 216,
        (4, _) => 240,
        (5, 0) => 58,
        (5, _) => 66,
        (6, _) => 26,
        (20, 0 | 1) => 126,
        (20, _) => 128,
        (21, 0 | 1) => 107,
        (21, _) => 116,
        (22, _) => 154,
        (23, 0 | 1) => 113,
        (23, _) => 121,
        (40, _) => 16,
        (41, _) => 17,
        _ => unreachable!(),
    }
}

#[test]
fn every_template_round_trips_at_every_version() {
    let mut tested = 0;
    for version in 0..=sbe::SCHEMA_VERSION {
        for message in samples() {
            let mut out = vec![0xAA]; // encoding appends after existing bytes
            let result = message.encode(version, &mut out);
            if message.template_id() == 6 && version == 0 {
                assert_eq!(
                    result,
                    Err(EncodeError::NotInVersion {
                        template_id: 6,
                        version: 0
                    })
                );
                assert_eq!(out, [0xAA]);
                continue;
            }
            result.unwrap();
            let frame = &out[1..];
            let header = Frame::parse(frame).unwrap().header();
            assert_eq!(header.template_id, message.template_id());
            assert_eq!(header.version, version);
            assert_eq!(header.schema_id, 1);
            assert_eq!(
                header.block_length,
                block_length(message.template_id(), version)
            );
            assert_eq!(
                sbe::decode(frame),
                Ok(at_version(message, version)),
                "template {} v{version}",
                message.template_id()
            );
            tested += 1;
        }
    }
    assert_eq!(tested, 12 * 3 - 1);
}

#[test]
fn longer_block_and_group_entries_are_skipped_over() {
    // A newer layout with 8 more bytes in the root block and 4 more per book level.
    let Message::Book(book) = samples()[2] else {
        unreachable!()
    };
    let mut wide = vec![];
    wide.extend_from_slice(&(89u16 + 8).to_le_bytes());
    wide.extend_from_slice(&[3, 0, 1, 0, 2, 0]);
    let mut normal = vec![];
    book.encode(2, &mut normal).unwrap();
    wide.extend_from_slice(&normal[8..8 + 89]);
    wide.extend_from_slice(&[0xEE; 8]);
    for levels in [BIDS.as_slice(), ASKS.as_slice()] {
        wide.extend_from_slice(&20u16.to_le_bytes());
        wide.extend_from_slice(&(levels.len() as u16).to_le_bytes());
        for level in levels {
            wide.extend_from_slice(&level.price.to_le_bytes());
            wide.extend_from_slice(&level.size.to_le_bytes());
            wide.extend_from_slice(&[0xEE; 4]);
        }
    }
    wide.push(12);
    wide.extend_from_slice(b"BTC-USD-PERP");
    wide.extend_from_slice(&[3, b'n', b'e', b'w']); // var-data from a newer version
    assert_eq!(sbe::decode(&wide), Ok(Message::Book(book)));
}

#[test]
fn in_place_v2_additions_may_be_missing() {
    // 1:2 frames produced before tradeIdStr / requestStatus existed: a v1 layout under a v2
    // header must decode with those fields absent, not as malformed.
    for (index, template_id) in [(0, 1u16), (6, 20), (9, 23)] {
        let message = samples()[index];
        assert_eq!(message.template_id(), template_id);
        let mut frame = encode(&message, 1);
        frame[6] = 2;
        let decoded = sbe::decode(&frame).unwrap();
        let mut expected = at_version(message, 1);
        if let Message::Order(e) = &mut expected {
            // The v1 encoder drops MMP; a v2 header keeps whatever bits arrive.
            e.flags = OrderFlags(e.flags.0 & !OrderFlags::MMP);
        }
        assert_eq!(decoded, expected, "template {template_id}");
    }
}

#[test]
fn unknown_templates_schemas_and_versions_are_skippable() {
    let frame = encode(&samples()[1], 2);
    let with = |at: usize, value: u16| {
        let mut f = frame.clone();
        f[at..at + 2].copy_from_slice(&value.to_le_bytes());
        f
    };
    let cases = [
        (
            with(2, 99),
            DecodeError::UnknownTemplate {
                template_id: 99,
                version: 2,
            },
        ),
        (
            with(4, 2),
            DecodeError::UnsupportedSchema {
                schema_id: 2,
                version: 2,
            },
        ),
        (
            with(6, 3),
            DecodeError::UnsupportedSchema {
                schema_id: 1,
                version: 3,
            },
        ),
    ];
    for (bytes, expected) in cases {
        let error = sbe::decode(&bytes).unwrap_err();
        assert_eq!(error, expected);
        assert!(error.is_unknown());
    }
    // Template 6 does not exist at version 0.
    let mut comparison = encode(&samples()[5], 1);
    comparison[6] = 0;
    assert!(sbe::decode(&comparison).unwrap_err().is_unknown());
}

#[test]
fn every_strict_prefix_is_rejected_without_panic() {
    for message in samples() {
        let frame = encode(&message, 1);
        for len in 0..frame.len() {
            let error = sbe::decode(&frame[..len]).unwrap_err();
            assert!(
                matches!(error, DecodeError::Truncated { .. }),
                "template {} prefix {len}: {error:?}",
                message.template_id()
            );
            assert!(!error.is_unknown());
        }
    }
}

#[test]
fn malformed_frames_give_clear_errors() {
    let bbo = encode(&samples()[1], 2);

    let mut short_block = bbo.clone();
    short_block[0] = 40;
    assert_eq!(
        sbe::decode(&short_block),
        Err(DecodeError::BlockTooShort {
            template_id: 2,
            block_length: 40,
            minimum: 48
        })
    );

    let mut bad_utf8 = bbo.clone();
    let last = bad_utf8.len() - 1;
    bad_utf8[last] = 0xFF;
    assert_eq!(sbe::decode(&bad_utf8), Err(DecodeError::InvalidUtf8));

    let mut long_string = bbo.clone();
    long_string[8 + 48] = 200;
    assert!(matches!(
        sbe::decode(&long_string),
        Err(DecodeError::Truncated { .. })
    ));

    let book = encode(&samples()[2], 2);
    let mut narrow_group = book.clone();
    narrow_group[8 + 89] = 8;
    assert_eq!(
        sbe::decode(&narrow_group),
        Err(DecodeError::GroupBlockTooShort {
            block_length: 8,
            minimum: 16
        })
    );
    let mut huge_count = book.clone();
    huge_count[8 + 89 + 2..8 + 89 + 4].copy_from_slice(&u16::MAX.to_le_bytes());
    assert!(matches!(
        sbe::decode(&huge_count),
        Err(DecodeError::Truncated { .. })
    ));

    // Deterministic byte corruption: must never panic, whatever it decodes to.
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    for message in samples() {
        let frame = encode(&message, 2);
        for _ in 0..500 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let mut corrupt = frame.clone();
            let at = (state as usize) % corrupt.len();
            corrupt[at] = (state >> 32) as u8;
            let _ = sbe::decode(&corrupt);
        }
    }
}

#[test]
fn encode_errors_leave_the_buffer_untouched() {
    let long = "x".repeat(256);
    let bbo = BboEvent {
        ts_us: 0,
        seq: 0,
        bid_price: None,
        bid_size: None,
        ask_price: None,
        ask_size: None,
        market: &long,
    };
    let mut out = vec![1, 2, 3];
    assert_eq!(
        bbo.encode(2, &mut out),
        Err(EncodeError::StringTooLong { len: 256 })
    );
    assert_eq!(out, [1, 2, 3]);
    assert_eq!(
        bbo.encode(3, &mut out),
        Err(EncodeError::UnsupportedVersion(3))
    );
    assert_eq!(out, [1, 2, 3]);

    let levels = vec![Level::default(); 65_536];
    let Message::Book(book) = samples()[2] else {
        unreachable!()
    };
    let too_deep = BookEvent {
        bids: Levels::from_slice(&levels),
        ..book
    };
    assert_eq!(
        too_deep.encode(2, &mut out),
        Err(EncodeError::TooManyEntries { count: 65_536 })
    );
    assert_eq!(out, [1, 2, 3]);
}

#[test]
fn enums_keep_unknown_values() {
    assert_eq!(Side::from_u8(1), Side::Buy);
    assert_eq!(Side::from_u8(254), Side::NonRepresentable);
    assert_eq!(Side::from_u8(7), Side::Unknown(7));
    assert_eq!(Side::Unknown(7).to_u8(), 7);
    assert_eq!(FundingRateSource::from_u8(12), FundingRateSource::Stork);
    assert_eq!(PkgType::from_u8(2), PkgType::Unknown(2));
}
