use super::*;

fn update(id: OrderId, status: OrderStatus, seq_no: u64, remaining_e8: i64) -> OrderUpdate {
    OrderUpdate {
        id,
        client_id: Some(format!("c{id}")),
        market: "BTC-USD-PERP".into(),
        side: OrderSide::Buy,
        order_type: "LIMIT".into(),
        size_e8: 100,
        remaining_e8,
        price_e8: 5,
        avg_fill_price_e8: None,
        status,
        cancel_reason: None,
        seq_no,
        last_updated_at: seq_no,
    }
}

fn fill(id: u128, order_id: OrderId, remaining_e8: i64) -> Fill {
    Fill {
        id,
        order_id,
        client_id: None,
        market: "BTC-USD-PERP".into(),
        side: OrderSide::Buy,
        price_e8: 5,
        size_e8: 10,
        remaining_e8,
        fee_e8: 0,
        is_maker: true,
        created_at: 0,
    }
}

#[test]
fn submitted_order_is_matched_by_client_id_then_by_exchange_id() {
    let mut book = OrderBook::new();
    book.submit("c7", "BTC-USD-PERP", OrderSide::Buy, "LIMIT", 100, 5)
        .unwrap();
    assert_eq!(
        book.by_client_id("c7").unwrap().status,
        OrderStatus::Submitted
    );
    assert_eq!(
        book.apply_order(&update(7, OrderStatus::New, 10, 100)),
        ApplyOutcome::Applied
    );
    assert_eq!(book.by_id(7).unwrap().client_id.as_deref(), Some("c7"));
    assert_eq!(book.orders().len(), 1);
    assert!(matches!(
        book.submit("c7", "BTC-USD-PERP", OrderSide::Buy, "LIMIT", 1, 1),
        Err(StateError::DuplicateClientId(_))
    ));
}

#[test]
fn late_duplicate_and_out_of_order_updates_never_regress() {
    let mut book = OrderBook::new();
    assert_eq!(
        book.apply_order(&update(1, OrderStatus::Open, 20, 60)),
        ApplyOutcome::Created
    );
    assert_eq!(
        book.apply_order(&update(1, OrderStatus::New, 10, 100)),
        ApplyOutcome::Stale
    );
    assert_eq!(
        book.apply_order(&update(1, OrderStatus::Open, 20, 60)),
        ApplyOutcome::Duplicate
    );
    assert_eq!(
        book.apply_order(&update(1, OrderStatus::Closed, 40, 0)),
        ApplyOutcome::Applied
    );
    assert_eq!(
        book.apply_order(&update(1, OrderStatus::Open, 30, 30)),
        ApplyOutcome::Stale
    );
    let o = book.by_id(1).unwrap();
    assert_eq!(
        (o.status, o.filled_e8, o.seq_no),
        (OrderStatus::Closed, 100, Some(40))
    );
}

#[test]
fn illegal_transitions_are_refused() {
    let mut book = OrderBook::new();
    book.apply_order(&update(1, OrderStatus::Open, 20, 100));
    assert_eq!(
        book.apply_order(&update(1, OrderStatus::New, 30, 100)),
        ApplyOutcome::IllegalTransition {
            from: OrderStatus::Open,
            to: OrderStatus::New
        }
    );
    book.apply_order(&update(1, OrderStatus::Closed, 40, 100));
    assert!(matches!(
        book.apply_order(&update(1, OrderStatus::Open, 50, 100)),
        ApplyOutcome::IllegalTransition { .. }
    ));
    assert_eq!(book.by_id(1).unwrap().status, OrderStatus::Closed);
}

#[test]
fn filled_size_is_monotone_across_fills_and_updates() {
    let mut book = OrderBook::new();
    // A fill before the order is known, then an older order view with less filled.
    assert!(book.apply_fill(&fill(900, 1, 40)));
    assert!(!book.apply_fill(&fill(900, 1, 40)));
    book.apply_order(&update(1, OrderStatus::Open, 10, 90));
    assert_eq!(book.by_id(1).unwrap().filled_e8, 60);
    assert!(book.apply_fill(&fill(901, 1, 70))); // late fill with less progress
    assert_eq!(book.by_id(1).unwrap().filled_e8, 60);
    book.apply_order(&update(1, OrderStatus::Open, 20, 30));
    assert_eq!(book.by_id(1).unwrap().filled_e8, 70);
    assert_eq!(book.fills().len(), 2);
}

#[test]
fn rejected_create_can_be_revived_by_the_exchange_only_once_acknowledged() {
    let mut book = OrderBook::new();
    book.submit("c3", "BTC-USD-PERP", OrderSide::Buy, "LIMIT", 100, 5)
        .unwrap();
    book.reject("c3", "TIMEOUT").unwrap();
    assert_eq!(
        book.by_client_id("c3").unwrap().status,
        OrderStatus::Rejected
    );
    assert_eq!(
        book.apply_order(&update(3, OrderStatus::Open, 5, 100)),
        ApplyOutcome::Applied
    );
    assert_eq!(book.by_client_id("c3").unwrap().status, OrderStatus::Open);
    assert!(book.reject("nope", "x").is_err());
}

#[test]
fn positions_and_balances_keep_the_newest() {
    let mut book = OrderBook::new();
    let p = |size_e8, seq_no| Position {
        market: "ETH-USD-PERP".into(),
        size_e8,
        avg_entry_price_e8: 1,
        seq_no,
        last_updated_at: 0,
    };
    assert!(book.apply_position(&p(5, 10)));
    assert!(!book.apply_position(&p(9, 9)));
    assert!(book.apply_position(&p(-3, 11)));
    assert_eq!(book.position("ETH-USD-PERP").unwrap().size_e8, -3);
    let b = |size_e8, at| Balance {
        token: "USDC".into(),
        size_e8,
        last_updated_at: at,
    };
    assert!(book.apply_balance(&b(100, 5)));
    assert!(!book.apply_balance(&b(50, 4)));
    assert_eq!(book.balance("USDC").unwrap().size_e8, 100);
}
