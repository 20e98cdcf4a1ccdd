//! The exchange core without transports: price-time priority, partial fills, IOC, post-only,
//! self-trade prevention, cancel, modify, positions and PnL, margin, stops, funding, and the
//! event stream's book consistency.

use std::collections::BTreeMap;
use std::sync::Arc;

use paradex_mock::exchange::num::{ONE, parse};
use paradex_mock::exchange::{
    Exchange, ExchangeConfig, ExchangeError, ExchangeEvent, Instruction, Level, MarketSpec,
    ModifyOrder, NewOrder, OrderType, SeedAccount, Side, Stp,
};
use tokio::sync::broadcast::Receiver;

const MARKET: &str = "TEST-USD-PERP";
const ALICE: &str = "0xa11ce";
const BOB: &str = "0xb0b";
const CAROL: &str = "0xca201";

fn p(text: &str) -> i64 {
    parse(text).unwrap()
}

fn exchange() -> Exchange {
    let mut spec = MarketSpec::perp("TEST", 100 * ONE, ONE / 10, ONE / 1000);
    spec.maker_fee_rate = p("0.0002");
    spec.taker_fee_rate = p("0.0005");
    spec.max_open_orders = 3;
    let seed = |address: &str, usdc: &str| SeedAccount {
        address: address.into(),
        public_key: "0x1".into(),
        usdc_balance: p(usdc),
    };
    Exchange::new(ExchangeConfig {
        markets: vec![spec],
        accounts: vec![
            seed(ALICE, "100000"),
            seed(BOB, "100000"),
            seed(CAROL, "50"),
        ],
        ..ExchangeConfig::default()
    })
}

fn order(side: Side, price: &str, size: &str) -> NewOrder {
    NewOrder {
        market: MARKET.into(),
        side,
        order_type: OrderType::Limit,
        size: p(size),
        price: p(price),
        trigger_price: None,
        instruction: Instruction::Gtc,
        stp: Stp::ExpireTaker,
        flags: Vec::new(),
        client_id: String::new(),
        signature_timestamp: 1,
    }
}

fn with(mut o: NewOrder, f: impl FnOnce(&mut NewOrder)) -> NewOrder {
    f(&mut o);
    o
}

fn place(ex: &Exchange, account: &str, o: NewOrder) -> String {
    let accepted = ex.place_order(account, o).expect("order accepted");
    assert_eq!(accepted.status, "NEW");
    accepted.id
}

fn status(ex: &Exchange, account: &str, id: &str) -> (String, String, String) {
    let o = ex.order(account, id).unwrap();
    (o.status, o.remaining_size, o.cancel_reason)
}

fn levels(ex: &Exchange) -> (Vec<Level>, Vec<Level>) {
    let book = ex.book_snapshot(MARKET, 50).unwrap();
    (book.bids, book.asks)
}

fn lvl(price: &str, size: &str) -> Level {
    Level {
        price: p(price),
        size: p(size),
    }
}

#[test]
fn price_then_time_priority_and_partial_fills() {
    let ex = exchange();
    let first = place(&ex, ALICE, order(Side::Sell, "101", "1"));
    let second = place(&ex, ALICE, order(Side::Sell, "101", "2"));
    let better = place(&ex, ALICE, order(Side::Sell, "100.5", "0.5"));
    assert_eq!(levels(&ex).1, vec![lvl("100.5", "0.5"), lvl("101", "3")]);

    let taker = place(&ex, BOB, order(Side::Buy, "101", "2"));
    assert_eq!(
        status(&ex, BOB, &taker),
        ("CLOSED".into(), "0".into(), String::new())
    );
    assert_eq!(status(&ex, ALICE, &better).0, "CLOSED");
    assert_eq!(
        status(&ex, ALICE, &first),
        ("CLOSED".into(), "0".into(), String::new())
    );
    assert_eq!(
        status(&ex, ALICE, &second),
        ("OPEN".into(), "1.5".into(), String::new())
    );
    assert_eq!(levels(&ex).1, vec![lvl("101", "1.5")]);

    let fills = ex.fills(BOB, None).unwrap();
    let got: Vec<_> = fills
        .iter()
        .map(|f| (f.price.as_str(), f.size.as_str(), f.liquidity.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("100.5", "0.5", "TAKER"),
            ("101", "1", "TAKER"),
            ("101", "0.5", "TAKER")
        ]
    );
    assert_eq!(ex.order(BOB, &taker).unwrap().avg_fill_price, "100.875");
    let maker_fills = ex.fills(ALICE, None).unwrap();
    assert!(
        maker_fills
            .iter()
            .all(|f| f.liquidity == "MAKER" && f.side == "SELL")
    );
    let trades = ex.trades(MARKET).unwrap();
    assert_eq!(trades.len(), 3);
    assert!(
        trades
            .iter()
            .all(|t| t.side == Side::Buy && t.id.len() == 28)
    );
}

#[test]
fn ioc_and_market_remainders_are_cancelled() {
    let ex = exchange();
    place(&ex, ALICE, order(Side::Sell, "100", "1"));
    let ioc = place(
        &ex,
        BOB,
        with(order(Side::Buy, "100", "3"), |o| {
            o.instruction = Instruction::Ioc
        }),
    );
    assert_eq!(
        status(&ex, BOB, &ioc),
        ("CLOSED".into(), "2".into(), "IOC_CANCEL".into())
    );
    assert!(levels(&ex).0.is_empty(), "the IOC remainder never rests");

    let market = place(
        &ex,
        BOB,
        with(order(Side::Buy, "0", "1"), |o| {
            o.order_type = OrderType::Market
        }),
    );
    assert_eq!(
        status(&ex, BOB, &market),
        ("CLOSED".into(), "1".into(), "NO_LIQUIDITY".into())
    );
    assert_eq!(ex.order(BOB, &market).unwrap().price, "0");
}

#[test]
fn post_only_that_would_cross_is_cancelled_without_trading() {
    let ex = exchange();
    place(&ex, ALICE, order(Side::Sell, "100", "1"));
    let po = place(
        &ex,
        BOB,
        with(order(Side::Buy, "100", "1"), |o| {
            o.instruction = Instruction::PostOnly
        }),
    );
    assert_eq!(
        status(&ex, BOB, &po),
        ("CLOSED".into(), "1".into(), "POST_ONLY_WOULD_CROSS".into())
    );
    assert!(ex.trades(MARKET).unwrap().is_empty());
    let resting = place(
        &ex,
        BOB,
        with(order(Side::Buy, "99.9", "1"), |o| {
            o.instruction = Instruction::PostOnly
        }),
    );
    assert_eq!(status(&ex, BOB, &resting).0, "OPEN");
}

#[test]
fn self_trade_prevention_modes() {
    let ex = exchange();
    let maker = place(&ex, ALICE, order(Side::Sell, "100", "1"));
    let other = place(&ex, BOB, order(Side::Sell, "100.1", "1"));

    let taker = place(&ex, ALICE, order(Side::Buy, "100.1", "1"));
    assert_eq!(status(&ex, ALICE, &taker).2, "SELF_TRADE");
    assert_eq!(
        status(&ex, ALICE, &maker).0,
        "OPEN",
        "EXPIRE_TAKER keeps the maker"
    );

    let taker = place(
        &ex,
        ALICE,
        with(order(Side::Buy, "100.1", "1"), |o| o.stp = Stp::ExpireMaker),
    );
    assert_eq!(status(&ex, ALICE, &maker).2, "SELF_TRADE");
    assert_eq!(
        status(&ex, ALICE, &taker),
        ("CLOSED".into(), "0".into(), String::new()),
        "then trades with Bob"
    );
    assert_eq!(status(&ex, BOB, &other).0, "CLOSED");

    let maker = place(&ex, ALICE, order(Side::Sell, "100", "1"));
    let taker = place(
        &ex,
        ALICE,
        with(order(Side::Buy, "100", "1"), |o| o.stp = Stp::ExpireBoth),
    );
    assert_eq!(status(&ex, ALICE, &maker).2, "SELF_TRADE");
    assert_eq!(status(&ex, ALICE, &taker).2, "SELF_TRADE");
    assert_eq!(ex.trades(MARKET).unwrap().len(), 1);
}

#[test]
fn cancel_paths_and_client_ids() {
    let ex = exchange();
    let a = place(
        &ex,
        ALICE,
        with(order(Side::Buy, "99", "1"), |o| o.client_id = "c-1".into()),
    );
    let dup = ex.place_order(
        ALICE,
        with(order(Side::Buy, "98", "1"), |o| o.client_id = "c-1".into()),
    );
    assert!(matches!(dup, Err(ExchangeError::DuplicatedClientId(_))));
    assert_eq!(dup.unwrap_err().code(), "DUPLICATED_CLIENT_ID");
    assert_eq!(ex.order_by_client_id(ALICE, "c-1").unwrap().id, a);

    assert!(
        matches!(
            ex.cancel_order(BOB, &a),
            Err(ExchangeError::OrderNotFound(_))
        ),
        "not Bob's order"
    );
    ex.cancel_by_client_id(ALICE, "c-1", Some(MARKET)).unwrap();
    assert_eq!(
        status(&ex, ALICE, &a),
        ("CLOSED".into(), "1".into(), "USER_CANCELED".into())
    );
    assert_eq!(
        ex.cancel_order(ALICE, &a).unwrap_err().code(),
        "ORDER_IS_CLOSED"
    );
    assert!(levels(&ex).0.is_empty());
    let reused = place(
        &ex,
        ALICE,
        with(order(Side::Buy, "98", "1"), |o| o.client_id = "c-1".into()),
    );

    let b = place(&ex, ALICE, order(Side::Buy, "97", "1"));
    let rows = ex
        .cancel_batch(
            ALICE,
            &[b.clone(), a.clone(), "123".into()],
            &["nope".into()],
        )
        .unwrap();
    let statuses: Vec<_> = rows.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(
        statuses,
        [
            "QUEUED_FOR_CANCELLATION",
            "ALREADY_CLOSED",
            "NOT_FOUND",
            "NOT_FOUND"
        ]
    );
    assert_eq!(ex.open_orders(ALICE, None).unwrap().len(), 1);
    assert_eq!(ex.cancel_all(ALICE, Some(MARKET)).unwrap().len(), 1);
    assert_eq!(status(&ex, ALICE, &reused).2, "USER_CANCELED");
    assert!(ex.open_orders(ALICE, None).unwrap().is_empty());
}

#[test]
fn validation_uses_paradex_codes() {
    let ex = exchange();
    let code = |o: NewOrder| ex.place_order(ALICE, o).unwrap_err().code();
    assert_eq!(
        code(order(Side::Buy, "99.95", "1")),
        "INVALID_PRICE_PRECISION"
    );
    assert_eq!(code(order(Side::Buy, "99", "0.0005")), "INVALID_ORDER_SIZE");
    assert_eq!(
        code(order(Side::Buy, "99", "0.001")),
        "ORDER_SIZE_BELOW_MIN_NOTIONAL"
    );
    assert_eq!(code(order(Side::Buy, "90", "1")), "PRICE_NOT_WITHIN_BANDS");
    assert_eq!(
        code(with(order(Side::Buy, "99", "1"), |o| o.market = "NOPE".into())),
        "MARKET_NOT_FOUND"
    );
    assert_eq!(
        code(with(order(Side::Buy, "99", "1"), |o| o.order_type =
            OrderType::StopLimit)),
        "INVALID_REQUEST_PARAMETER"
    );
    for _ in 0..3 {
        place(&ex, ALICE, order(Side::Buy, "99", "1"));
    }
    assert_eq!(
        code(order(Side::Buy, "99", "1")),
        "MAX_OPEN_ORDERS_EXCEEDED"
    );
    assert_eq!(
        ex.place_order("0xdead", order(Side::Buy, "99", "1"))
            .unwrap_err()
            .code(),
        "ACCOUNT_NOT_FOUND"
    );
}

#[test]
fn margin_and_reduce_only() {
    let ex = exchange();
    // Carol has 50 USDC; 10% initial margin allows ~500 notional.
    let big = place(&ex, CAROL, order(Side::Buy, "100", "6"));
    assert_eq!(status(&ex, CAROL, &big).2, "NOT_ENOUGH_MARGIN");
    let ok = place(&ex, CAROL, order(Side::Buy, "100", "4"));
    assert_eq!(status(&ex, CAROL, &ok).0, "OPEN");
    let summary = ex.account_summary(CAROL).unwrap();
    assert_eq!(summary.initial_margin_requirement, "40");
    assert_eq!(summary.free_collateral, "10");

    let ro = place(
        &ex,
        BOB,
        with(order(Side::Sell, "100", "1"), |o| {
            o.flags = vec!["REDUCE_ONLY".into()]
        }),
    );
    assert_eq!(status(&ex, BOB, &ro).2, "REDUCE_ONLY_WOULD_INCREASE");
    place(&ex, ALICE, order(Side::Sell, "100.1", "1"));
    place(&ex, BOB, order(Side::Buy, "100.1", "1"));
    let ro = place(
        &ex,
        BOB,
        with(order(Side::Sell, "99.9", "5"), |o| {
            o.flags = vec!["REDUCE_ONLY".into()]
        }),
    );
    // Carol's bid at 100 takes it; the reduce-only order is clipped to Bob's 1 long.
    assert_eq!(ex.order(BOB, &ro).unwrap().remaining_size, "0");
    let bob = ex.positions(BOB).unwrap();
    assert_eq!(
        (bob[0].size.as_str(), bob[0].status.as_str()),
        ("0", "CLOSED")
    );
}

#[test]
fn positions_pnl_fees_and_collateral() {
    let ex = exchange();
    place(&ex, ALICE, order(Side::Sell, "100", "1"));
    place(&ex, BOB, order(Side::Buy, "100", "1"));
    place(&ex, ALICE, order(Side::Buy, "104", "0.4"));
    place(&ex, BOB, order(Side::Sell, "104", "0.4"));

    let bob = &ex.positions(BOB).unwrap()[0];
    assert_eq!(bob.side, "LONG");
    assert_eq!(bob.size, "0.6");
    assert_eq!(bob.average_entry_price, "100");
    assert_eq!(bob.realized_positional_pnl, "1.6");
    assert_eq!(bob.cost, "60");
    let alice = &ex.positions(ALICE).unwrap()[0];
    assert_eq!(
        (alice.side.as_str(), alice.size.as_str()),
        ("SHORT", "-0.6")
    );
    assert_eq!(alice.realized_positional_pnl, "-1.6");

    // Bob took both times: 100 × 0.0005 + 41.6 × 0.0005 = 0.0708; +1.6 realised.
    assert_eq!(ex.balances(BOB).unwrap()[0].size, "100001.5292");
    // Alice made both times: 100 × 0.0002 + 41.6 × 0.0002 = 0.02832; −1.6 realised.
    assert_eq!(
        ex.account_summary(ALICE).unwrap().total_collateral,
        "99998.37168"
    );
    ex.set_mark_price(MARKET, p("102"), None).unwrap();
    let bob = &ex.positions(BOB).unwrap()[0];
    assert_eq!(bob.unrealized_pnl, "1.2");
    let summary = ex.account_summary(BOB).unwrap();
    assert_eq!(summary.account_value, "100002.7292");
    assert_eq!(summary.initial_margin_requirement, "6.12");
    assert_eq!(summary.maintenance_margin_requirement, "3.06");
}

#[test]
fn modify_keeps_priority_only_for_size_cuts() {
    let ex = exchange();
    let a = place(&ex, ALICE, order(Side::Sell, "101", "2"));
    let b = place(&ex, BOB, order(Side::Sell, "101", "1"));
    let modify = |id: &str, price: &str, size: &str| ModifyOrder {
        id: id.into(),
        market: MARKET.into(),
        side: Side::Sell,
        order_type: OrderType::Limit,
        size: p(size),
        price: p(price),
        trigger_price: None,
        signature_timestamp: 2,
    };
    let cut = ex.modify_order(ALICE, &modify(&a, "101", "1")).unwrap();
    assert_eq!(
        (cut.id.as_str(), cut.size.as_str(), cut.status.as_str()),
        (a.as_str(), "1", "OPEN")
    );
    assert_eq!(levels(&ex).1, vec![lvl("101", "2")]);
    place(&ex, CAROL, order(Side::Buy, "101", "0.1"));
    assert_eq!(status(&ex, ALICE, &a).1, "0.9", "Alice kept her place");

    ex.modify_order(ALICE, &modify(&a, "101", "3")).unwrap();
    place(&ex, CAROL, order(Side::Buy, "101", "0.1"));
    assert_eq!(
        status(&ex, BOB, &b).1,
        "0.9",
        "a size increase loses priority"
    );
    let code = |m: ModifyOrder| ex.modify_order(ALICE, &m).unwrap_err().code();
    assert_eq!(code(modify(&a, "120", "3")), "PRICE_NOT_WITHIN_BANDS");
    assert_eq!(code(modify(&a, "101.05", "3")), "INVALID_PRICE_PRECISION");
    assert_eq!(code(modify(&a, "101", "2000000")), "INVALID_ORDER_SIZE");
    let wrong_side = ModifyOrder {
        side: Side::Buy,
        ..modify(&a, "101", "1")
    };
    assert_eq!(
        ex.modify_order(ALICE, &wrong_side).unwrap_err().code(),
        "INVALID_REQUEST_PARAMETER"
    );
    // Re-pricing through the book trades.
    place(&ex, BOB, order(Side::Buy, "100", "1"));
    let crossed = ex.modify_order(ALICE, &modify(&a, "100", "3")).unwrap();
    assert_eq!(crossed.id, a);
    assert_eq!(status(&ex, ALICE, &a).1, "1.9");
}

#[test]
fn stop_orders_wait_for_the_mark() {
    let ex = exchange();
    place(&ex, ALICE, order(Side::Buy, "98", "1"));
    let stop = place(
        &ex,
        BOB,
        with(order(Side::Sell, "98", "1"), |o| {
            o.order_type = OrderType::StopLimit;
            o.trigger_price = Some(p("99"));
        }),
    );
    assert_eq!(status(&ex, BOB, &stop).0, "UNTRIGGERED");
    ex.set_mark_price(MARKET, p("99.5"), None).unwrap();
    assert_eq!(status(&ex, BOB, &stop).0, "UNTRIGGERED");
    ex.set_mark_price(MARKET, p("99"), None).unwrap();
    assert_eq!(
        status(&ex, BOB, &stop),
        ("CLOSED".into(), "0".into(), String::new())
    );
}

#[test]
fn funding_moves_collateral_between_longs_and_shorts() {
    let ex = exchange();
    place(&ex, ALICE, order(Side::Sell, "100", "2"));
    place(&ex, BOB, order(Side::Buy, "100", "2"));
    let before_bob = p(&ex.balances(BOB).unwrap()[0].size);
    let before_alice = p(&ex.balances(ALICE).unwrap()[0].size);
    // rate 0.001 × mark 100 = index +0.1; long 2 pays 0.2.
    ex.apply_funding(MARKET, p("0.001"), 0).unwrap();
    assert_eq!(p(&ex.balances(BOB).unwrap()[0].size), before_bob - p("0.2"));
    assert_eq!(
        p(&ex.balances(ALICE).unwrap()[0].size),
        before_alice + p("0.2")
    );
    let payments = ex.funding_payments(BOB, Some(MARKET)).unwrap();
    assert_eq!(
        (payments[0].payment.as_str(), payments[0].index.as_str()),
        ("-0.2", "0.1")
    );
    assert_eq!(ex.funding_history(MARKET).unwrap().len(), 1);
}

/// Applies deltas to a snapshot the way a WS client does and checks it equals the book.
#[test]
fn deltas_rebuild_the_book_with_contiguous_seq_no() {
    let ex = Arc::new(exchange());
    let mut events: Receiver<Arc<ExchangeEvent>> = ex.subscribe();
    let start = ex.book_snapshot(MARKET, usize::MAX).unwrap();
    let mut bids: BTreeMap<i64, i64> = start.bids.iter().map(|l| (l.price, l.size)).collect();
    let mut asks: BTreeMap<i64, i64> = start.asks.iter().map(|l| (l.price, l.size)).collect();
    ex.set_maker_quotes(
        MARKET,
        &[lvl("99.9", "5"), lvl("99.8", "5")],
        &[lvl("100.1", "5"), lvl("100.2", "5")],
    )
    .unwrap();
    place(&ex, ALICE, order(Side::Buy, "100.2", "12"));
    let id = place(&ex, BOB, order(Side::Sell, "100.3", "1"));
    ex.cancel_order(BOB, &id).unwrap();
    ex.submit_aggressor(MARKET, Side::Sell, p("1")).unwrap();
    ex.set_maker_quotes(MARKET, &[lvl("99.5", "1")], &[lvl("100.5", "1")])
        .unwrap();

    let mut seq = start.seq_no;
    let mut bbo_seen = 0;
    let mut private_for_alice = 0;
    while let Ok(event) = events.try_recv() {
        match &*event {
            ExchangeEvent::BookDelta(delta) => {
                assert_eq!(delta.seq_no, seq + 1, "contiguous");
                seq = delta.seq_no;
                for change in &delta.changes {
                    let side = if change.side == Side::Buy {
                        &mut bids
                    } else {
                        &mut asks
                    };
                    if change.size == 0 {
                        assert!(
                            side.remove(&change.price).is_some(),
                            "delete of a known level"
                        );
                    } else {
                        side.insert(change.price, change.size);
                    }
                }
            }
            ExchangeEvent::Bbo(bbo) => {
                bbo_seen += 1;
                assert!(bbo.seq_no <= seq + 1);
            }
            other => {
                if other.account() == Some("0xa11ce") {
                    private_for_alice += 1;
                }
                assert_ne!(
                    other.account(),
                    Some("0x5e1f0000000000000000000000000000000000000000000000000000000000a"),
                    "synthetic accounts stay silent"
                );
            }
        }
    }
    let end = ex.book_snapshot(MARKET, usize::MAX).unwrap();
    assert_eq!(end.seq_no, seq);
    let rebuilt_bids: Vec<Level> = bids
        .iter()
        .rev()
        .map(|(p, s)| Level {
            price: *p,
            size: *s,
        })
        .collect();
    let rebuilt_asks: Vec<Level> = asks
        .iter()
        .map(|(p, s)| Level {
            price: *p,
            size: *s,
        })
        .collect();
    assert_eq!(
        (rebuilt_bids, rebuilt_asks),
        (end.bids.clone(), end.asks.clone())
    );
    assert_eq!(
        end.bids,
        vec![lvl("100.2", "1"), lvl("99.5", "1")],
        "Alice's rest, then the new quote"
    );
    assert!(bbo_seen >= 3);
    assert!(
        private_for_alice >= 4,
        "orders, fills, positions and account reach Alice"
    );
}

#[test]
fn synthetic_liquidity_does_not_accumulate() {
    let ex = exchange();
    let client = place(&ex, ALICE, order(Side::Buy, "99", "1"));
    for i in 0..2_000i64 {
        let mid = 100 * ONE + (i % 7) * ONE / 10;
        let bids = [
            Level {
                price: mid - ONE / 10,
                size: ONE,
            },
            Level {
                price: mid - ONE / 5,
                size: ONE,
            },
        ];
        let asks = [
            Level {
                price: mid + ONE / 10,
                size: ONE,
            },
            Level {
                price: mid + ONE / 5,
                size: ONE,
            },
        ];
        ex.set_maker_quotes(MARKET, &bids, &asks).unwrap();
        ex.submit_aggressor(
            MARKET,
            if i % 2 == 0 { Side::Buy } else { Side::Sell },
            ONE / 2,
        )
        .unwrap();
    }
    // Alice's order plus the maker's four live quotes.
    assert_eq!(ex.retained_orders(), 5);
    assert_eq!(ex.trades(MARKET).unwrap().len(), 2_000);
    assert_eq!(status(&ex, ALICE, &client).0, "OPEN");
}

/// The last private event of each kind equals what the REST queries return afterwards.
#[test]
fn private_events_agree_with_queries() {
    let ex = exchange();
    let mut events = ex.subscribe();
    let resting = place(&ex, ALICE, order(Side::Sell, "100.5", "2"));
    place(&ex, BOB, order(Side::Buy, "100.5", "0.5"));
    place(
        &ex,
        ALICE,
        with(order(Side::Buy, "99", "1"), |o| {
            o.client_id = "later".into()
        }),
    );
    ex.cancel_by_client_id(ALICE, "later", None).unwrap();
    ex.apply_funding(MARKET, p("0.0002"), 0).unwrap();

    let mut orders = std::collections::HashMap::new();
    let (mut position, mut account, mut fills, mut balance_events) = (None, None, 0, 0);
    let mut last_seq = 0;
    while let Ok(event) = events.try_recv() {
        if event.account() != Some(ALICE) {
            continue;
        }
        match &*event {
            ExchangeEvent::Order { order, .. } => {
                assert!(order.seq_no > last_seq, "order seq_no increases");
                last_seq = order.seq_no;
                orders.insert(order.id.clone(), order.clone());
            }
            ExchangeEvent::Position { position: p, .. } => position = Some(p.clone()),
            ExchangeEvent::Account { summary, .. } => account = Some(summary.clone()),
            ExchangeEvent::Fill { .. } => fills += 1,
            ExchangeEvent::BalanceEvent { .. } => balance_events += 1,
            _ => {}
        }
    }
    assert_eq!(orders.len(), 2);
    for (id, order) in &orders {
        assert_eq!(order, &ex.order(ALICE, id).unwrap(), "{id}");
    }
    assert_eq!(orders[&resting].status, "OPEN");
    assert_eq!(orders[&resting].remaining_size, "1.5");
    assert_eq!(position.unwrap(), ex.positions(ALICE).unwrap()[0]);
    assert_eq!(account.unwrap(), ex.account_summary(ALICE).unwrap());
    assert_eq!(fills, ex.fills(ALICE, None).unwrap().len());
    assert_eq!(balance_events, 2, "one fill, one funding settlement");
}

/// Several threads trade at once; the delta stream stays contiguous and rebuilds the book.
#[test]
fn concurrent_steps_keep_the_stream_consistent() {
    let ex = Arc::new(exchange());
    let mut events = ex.subscribe();
    let start = ex.book_snapshot(MARKET, usize::MAX).unwrap();
    let workers: Vec<_> = (0..4i64)
        .map(|w| {
            let ex = Arc::clone(&ex);
            std::thread::spawn(move || {
                for i in 0..200i64 {
                    let mid = 100 * ONE + ((i + w) % 9 - 4) * ONE / 10;
                    match w {
                        0 => ex
                            .set_maker_quotes(
                                MARKET,
                                &[Level {
                                    price: mid - ONE / 10,
                                    size: ONE,
                                }],
                                &[Level {
                                    price: mid + ONE / 10,
                                    size: ONE,
                                }],
                            )
                            .unwrap(),
                        1 => ex
                            .submit_aggressor(
                                MARKET,
                                if i % 2 == 0 { Side::Buy } else { Side::Sell },
                                ONE / 4,
                            )
                            .unwrap(),
                        _ => {
                            let who = if w == 2 { ALICE } else { BOB };
                            let side = if i % 2 == 0 { Side::Buy } else { Side::Sell };
                            let price = paradex_mock::exchange::num::format(mid);
                            if let Ok(accepted) = ex.place_order(who, order(side, &price, "0.2")) {
                                let _ = ex.cancel_order(who, &accepted.id);
                            }
                        }
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    let mut book: BTreeMap<(bool, i64), i64> = start
        .bids
        .iter()
        .map(|l| ((true, l.price), l.size))
        .chain(start.asks.iter().map(|l| ((false, l.price), l.size)))
        .collect();
    let mut seq = start.seq_no;
    while let Ok(event) = events.try_recv() {
        if let ExchangeEvent::BookDelta(delta) = &*event {
            assert_eq!(delta.seq_no, seq + 1);
            seq = delta.seq_no;
            for c in &delta.changes {
                if c.size == 0 {
                    book.remove(&(c.side == Side::Buy, c.price));
                } else {
                    book.insert((c.side == Side::Buy, c.price), c.size);
                }
            }
        }
    }
    let end = ex.book_snapshot(MARKET, usize::MAX).unwrap();
    assert_eq!(end.seq_no, seq);
    let bids: Vec<Level> = book
        .iter()
        .filter(|((b, _), _)| *b)
        .rev()
        .map(|((_, p), s)| Level {
            price: *p,
            size: *s,
        })
        .collect();
    let asks: Vec<Level> = book
        .iter()
        .filter(|((b, _), _)| !*b)
        .map(|((_, p), s)| Level {
            price: *p,
            size: *s,
        })
        .collect();
    assert_eq!((bids, asks), (end.bids, end.asks));
}
