//! Private REST endpoints with SDK-shaped, freshly signed orders: create, batch, get, list,
//! modify, cancel (all forms), history, fills, positions, account, balance, funding payments,
//! and pagination. Every body is checked against its sample.

mod rest_common;

use axum::http::{Method, StatusCode};
use paradex_mock::exchange::num::parse;
use paradex_mock::rest::RestSettings;
use rest_common::*;
use serde_json::{Value, json};

const ETH: &str = "ETH-USD-PERP";

async fn post_order(m: &Mock, token: &str, body: &Value) -> (StatusCode, Value) {
    send(&m.app, Method::POST, "/v1/orders", Some(token), Some(body)).await
}

#[tokio::test]
async fn order_lifecycle_over_rest() {
    let m = mock(true, RestSettings::default());
    let token = login(&m.app).await;

    // Create: 201 with status NEW; the SDK's nulls are accepted.
    let body = order_body(ETH, "BUY", "LIMIT", "0.1", Some("2990"), "cid-1");
    let (status, created) = post_order(&m, &token, &body).await;
    expect(status, &created, StatusCode::CREATED);
    assert_shape(
        &sample("rest_order_create_response.json"),
        &created,
        "create",
    );
    assert_eq!(
        (created["status"].as_str(), created["client_id"].as_str()),
        (Some("NEW"), Some("cid-1"))
    );
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(id.len(), 28);

    // A wrong signature (signed for another size) and a replayed client id are refused.
    let mut forged = order_body(ETH, "BUY", "LIMIT", "0.1", Some("2990"), "cid-2");
    forged["size"] = json!("0.2");
    let (status, err) = post_order(&m, &token, &forged).await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INVALID_ORDER_SIGNATURE"))
    );
    let (status, err) = post_order(
        &m,
        &token,
        &order_body(ETH, "BUY", "LIMIT", "0.1", Some("2980"), "cid-1"),
    )
    .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("DUPLICATED_CLIENT_ID"))
    );
    let mut stale = order_body(ETH, "BUY", "LIMIT", "0.1", Some("2990"), "cid-3");
    stale["recv_window"] = json!(10);
    stale["signature_timestamp"] = json!(stale["signature_timestamp"].as_u64().unwrap() - 1000);
    let (status, err) = post_order(&m, &token, &stale).await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INVALID_TIMESTAMP"))
    );
    let (status, err) = send(
        &m.app,
        Method::POST,
        "/v1/orders",
        Some(&token),
        Some(&json!({"market": ETH})),
    )
    .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("BINDING_ERROR"))
    );

    // Get, get by client id, list open.
    let (status, got) = get(&m.app, &format!("/v1/orders/{id}"), Some(&token)).await;
    expect(status, &got, StatusCode::OK);
    assert_eq!(got["status"], "OPEN");
    let (_, by_cid) = get(&m.app, "/v1/orders/by_client_id/cid-1", Some(&token)).await;
    assert_eq!(by_cid["id"], json!(id));
    let (_, open) = get(&m.app, "/v1/orders?market=ETH-USD-PERP", Some(&token)).await;
    assert_shape(&sample("rest_orders_open.json"), &open, "open");
    assert_eq!(open["results"].as_array().unwrap().len(), 1);

    // Modify, signed as ModifyOrder; a plain Order signature is refused.
    let modify = modify_body(&id, ETH, "BUY", "0.2", "2995");
    let (status, modified) = send(
        &m.app,
        Method::PUT,
        &format!("/v1/orders/{id}"),
        Some(&token),
        Some(&modify),
    )
    .await;
    expect(status, &modified, StatusCode::OK);
    assert_eq!(
        (
            modified["id"].as_str(),
            modified["size"].as_str(),
            modified["price"].as_str()
        ),
        (Some(id.as_str()), Some("0.2"), Some("2995"))
    );
    let mut as_order = order_body(ETH, "BUY", "LIMIT", "0.3", Some("2995"), "");
    as_order["id"] = json!(id);
    let (status, err) = send(
        &m.app,
        Method::PUT,
        &format!("/v1/orders/{id}"),
        Some(&token),
        Some(&as_order),
    )
    .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INVALID_ORDER_SIGNATURE"))
    );

    // Cancel by id: 204; again: ORDER_IS_CLOSED; unknown: ORDER_ID_NOT_FOUND.
    let (status, empty) = send(
        &m.app,
        Method::DELETE,
        &format!("/v1/orders/{id}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!((status, empty), (StatusCode::NO_CONTENT, Value::Null));
    let (_, err) = send(
        &m.app,
        Method::DELETE,
        &format!("/v1/orders/{id}"),
        Some(&token),
        None,
    )
    .await;
    assert_eq!(err["error"], "ORDER_IS_CLOSED");
    let (status, err) = send(&m.app, Method::DELETE, "/v1/orders/42", Some(&token), None).await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::NOT_FOUND, Some("ORDER_ID_NOT_FOUND"))
    );
    let (_, closed) = get(&m.app, &format!("/v1/orders/{id}"), Some(&token)).await;
    assert_eq!(
        (closed["status"].as_str(), closed["cancel_reason"].as_str()),
        (Some("CLOSED"), Some("USER_CANCELED"))
    );

    // Cancel by client id and cancel all.
    let (_, a) = post_order(
        &m,
        &token,
        &order_body(ETH, "BUY", "LIMIT", "0.1", Some("2990"), "cid-a"),
    )
    .await;
    post_order(
        &m,
        &token,
        &order_body(ETH, "SELL", "LIMIT", "0.1", Some("3010"), "cid-b"),
    )
    .await;
    let (status, _) = send(
        &m.app,
        Method::DELETE,
        "/v1/orders/by_client_id/cid-a?market=ETH-USD-PERP",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, got) = get(
        &m.app,
        &format!("/v1/orders/{}", a["id"].as_str().unwrap()),
        Some(&token),
    )
    .await;
    assert_eq!(got["cancel_reason"], "USER_CANCELED");
    let (status, _) = send(
        &m.app,
        Method::DELETE,
        "/v1/orders?market=ETH-USD-PERP",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, open) = get(&m.app, "/v1/orders", Some(&token)).await;
    assert_eq!(open["results"], json!([]));

    // History: newest first, filtered, shaped like the sample.
    let (_, history) = get(
        &m.app,
        "/v1/orders-history?market=ETH-USD-PERP&status=CLOSED",
        Some(&token),
    )
    .await;
    assert_shape(&sample("rest_orders_history.json"), &history, "history");
    let rows = history["results"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    assert!(
        rows.windows(2)
            .all(|w| w[0]["id"].as_str() > w[1]["id"].as_str())
    );
}

#[tokio::test]
async fn batch_create_and_cancel() {
    let m = mock(true, RestSettings::default());
    let token = login(&m.app).await;
    let batch = json!([
        order_body(ETH, "BUY", "LIMIT", "0.1", Some("2990"), "b-1"),
        order_body(ETH, "BUY", "LIMIT", "0.1", Some("1"), "b-2"),
        order_body(ETH, "SELL", "LIMIT", "0.1", Some("3010"), "b-3"),
    ]);
    let (status, body) = send(
        &m.app,
        Method::POST,
        "/v1/orders/batch",
        Some(&token),
        Some(&batch),
    )
    .await;
    expect(status, &body, StatusCode::CREATED);
    assert_shape(&sample("rest_orders_batch_response.json"), &body, "batch");
    assert_eq!(body["orders"].as_array().unwrap().len(), 2);
    assert_eq!(body["errors"][0]["error"], "PRICE_NOT_WITHIN_BANDS");

    // One bad signature rejects the whole batch; so do 0 and 11 orders.
    let mut forged = batch.clone();
    forged[2]["price"] = json!("3020");
    let (status, err) = send(
        &m.app,
        Method::POST,
        "/v1/orders/batch",
        Some(&token),
        Some(&forged),
    )
    .await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INVALID_ORDER_SIGNATURE"))
    );
    for n in [0, 11] {
        let many: Vec<Value> = (0..n)
            .map(|i| order_body(ETH, "BUY", "LIMIT", "0.1", Some("2990"), &format!("m-{i}")))
            .collect();
        let (_, err) = send(
            &m.app,
            Method::POST,
            "/v1/orders/batch",
            Some(&token),
            Some(&json!(many)),
        )
        .await;
        assert_eq!(err["error"], "BATCH_SIZE_OUT_OF_RANGE", "{n}");
    }
    let (_, open) = get(&m.app, "/v1/orders", Some(&token)).await;
    assert_eq!(open["results"].as_array().unwrap().len(), 2);

    let first = body["orders"][0]["id"].as_str().unwrap();
    let cancel = json!({ "order_ids": [first, "999"], "client_order_ids": ["b-3"] });
    let (status, result) = send(
        &m.app,
        Method::DELETE,
        "/v1/orders/batch",
        Some(&token),
        Some(&cancel),
    )
    .await;
    expect(status, &result, StatusCode::OK);
    assert_shape(
        &sample("rest_orders_cancel_batch_response.json")["results"][0],
        &result["results"][0],
        "cancel[0]",
    );
    let statuses: Vec<_> = result["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        statuses,
        [
            "QUEUED_FOR_CANCELLATION",
            "NOT_FOUND",
            "QUEUED_FOR_CANCELLATION"
        ]
    );
    assert_eq!(
        result["results"][1],
        json!({ "id": "999", "status": "NOT_FOUND" })
    );
}

#[tokio::test]
async fn fills_positions_account_and_funding_after_trading() {
    let m = mock(true, RestSettings::default());
    let token = login(&m.app).await;
    m.exchange
        .set_maker_quotes(ETH, &[lvl("2999", "5")], &[lvl("3001", "5")])
        .unwrap();

    // A market buy without a price, as the SDK sends it, then a limit sell that takes.
    let (status, created) = post_order(
        &m,
        &token,
        &order_body(ETH, "BUY", "MARKET", "1", None, "mkt"),
    )
    .await;
    expect(status, &created, StatusCode::CREATED);
    assert_eq!(created["price"], "0");
    let (_, got) = get(&m.app, "/v1/orders/by_client_id/mkt", Some(&token)).await;
    assert_eq!(
        (got["status"].as_str(), got["avg_fill_price"].as_str()),
        (Some("CLOSED"), Some("3001"))
    );
    post_order(
        &m,
        &token,
        &order_body(ETH, "SELL", "LIMIT", "0.4", Some("2999"), ""),
    )
    .await;
    m.exchange
        .set_mark_price(ETH, parse("3000").unwrap(), None)
        .unwrap();
    m.exchange
        .apply_funding(ETH, parse("0.0001").unwrap(), 0)
        .unwrap();

    let cases = [
        ("/v1/fills?market=ETH-USD-PERP", "rest_fills.json"),
        ("/v1/positions", "rest_positions.json"),
        ("/v1/account", "rest_account.json"),
        ("/v1/balance", "rest_balance.json"),
        (
            "/v1/funding/payments?market=ETH-USD-PERP",
            "rest_funding_payments.json",
        ),
    ];
    for (uri, file) in cases {
        let (status, body) = get(&m.app, uri, Some(&token)).await;
        expect(status, &body, StatusCode::OK);
        assert_shape(&sample(file), &body, uri);
    }
    let (_, fills) = get(&m.app, "/v1/fills", Some(&token)).await;
    let rows = fills["results"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (
            rows[0]["side"].as_str(),
            rows[0]["price"].as_str(),
            rows[0]["realized_pnl"].as_str()
        ),
        (Some("SELL"), Some("2999"), Some("-0.8"))
    );
    let (_, positions) = get(&m.app, "/v1/positions", Some(&token)).await;
    let position = &positions["results"][0];
    assert_eq!(
        (
            position["size"].as_str(),
            position["side"].as_str(),
            position["average_entry_price"].as_str()
        ),
        (Some("0.6"), Some("LONG"), Some("3001"))
    );
    let (_, payments) = get(
        &m.app,
        "/v1/funding/payments?market=ETH-USD-PERP",
        Some(&token),
    )
    .await;
    assert_eq!(
        payments["results"][0]["payment"], "-0.18",
        "0.6 long × 0.0001 × 3000"
    );
    let (status, err) = get(&m.app, "/v1/funding/payments", Some(&token)).await;
    assert_eq!(
        (status, err["error"].as_str()),
        (StatusCode::BAD_REQUEST, Some("INVALID_REQUEST_PARAMETER"))
    );
}

#[tokio::test]
async fn fills_paginate_with_cursors() {
    let m = mock(true, RestSettings::default());
    let token = login(&m.app).await;
    m.exchange
        .set_maker_quotes(ETH, &[], &[lvl("3001", "100")])
        .unwrap();
    for i in 0..7 {
        post_order(
            &m,
            &token,
            &order_body(ETH, "BUY", "MARKET", "0.01", None, &format!("p-{i}")),
        )
        .await;
    }
    let mut seen = Vec::new();
    let mut uri = "/v1/fills?page_size=3".to_owned();
    loop {
        let (status, page) = get(&m.app, &uri, Some(&token)).await;
        expect(status, &page, StatusCode::OK);
        let rows = page["results"].as_array().unwrap();
        assert!(rows.len() <= 3);
        seen.extend(rows.iter().map(|r| r["id"].as_str().unwrap().to_owned()));
        match page["next"].as_str() {
            Some(next) => {
                assert!(
                    next.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'),
                    "{next}"
                );
                uri = format!("/v1/fills?page_size=3&cursor={next}");
            }
            None => break,
        }
    }
    assert_eq!(seen.len(), 7);
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(seen, sorted, "newest first, no repeats");
    let (_, err) = get(&m.app, "/v1/fills?page_size=5001", Some(&token)).await;
    assert_eq!(err["error"], "INVALID_REQUEST_PARAMETER");
}
