//! Order endpoints: create (single and batch) with signature checks, get, list, cancel
//! (by id, client id, all, batch), modify, history.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use paradex_proto::typed_data::{OrderMessage, OrderSide};
use serde::Deserialize;
use serde_json::{Value, json};

use super::RestState;
use super::error::{ApiError, ApiResult};
use super::extract::{Authenticated, QueryMap, json_body};
use super::pagination::{Page, PageQuery};
use super::public::MAX_PAGE;
use crate::auth::{AuthError, AuthService, unix_now_ms};
use crate::exchange::model::OrderResp;
use crate::exchange::{
    ExchangeError, Instruction, ModifyOrder, NewOrder, OrderFilter, OrderType, Side, Stp, num,
};

/// Most orders in one `POST /orders/batch`.
const MAX_BATCH: usize = 10;

/// `OrderRequest`. Optional fields accept `null` (the SDK sends `recv_window: null`, `stp: null`).
#[derive(Debug, Deserialize)]
pub struct OrderRequest {
    market: String,
    side: String,
    #[serde(rename = "type")]
    order_type: String,
    size: String,
    #[serde(default)]
    price: Option<String>,
    #[serde(default)]
    instruction: Option<String>,
    signature: String,
    signature_timestamp: u64,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    recv_window: Option<u64>,
    #[serde(default)]
    stp: Option<String>,
    #[serde(default)]
    flags: Option<Vec<String>>,
    #[serde(default)]
    trigger_price: Option<String>,
}

/// `ModifyOrderRequest`.
#[derive(Debug, Deserialize)]
pub struct ModifyRequest {
    id: String,
    market: String,
    side: String,
    #[serde(rename = "type")]
    order_type: String,
    size: String,
    #[serde(default)]
    price: Option<String>,
    signature: String,
    signature_timestamp: u64,
    #[serde(default)]
    recv_window: Option<u64>,
    #[serde(default)]
    trigger_price: Option<String>,
}

fn size_of(text: &str) -> Result<i64, ExchangeError> {
    num::parse(text).map_err(|e| ExchangeError::InvalidOrderSize(format!("{text:?}: {e}")))
}

fn price_of(text: Option<&str>) -> Result<i64, ExchangeError> {
    match text.filter(|t| !t.is_empty()) {
        None => Ok(0),
        Some(t) => {
            num::parse(t).map_err(|e| ExchangeError::InvalidPricePrecision(format!("{t:?}: {e}")))
        }
    }
}

/// The typed-data message of an order body, after checking it is fresh
/// (`signature_timestamp` + `recv_window`).
fn fresh_message(
    timestamp: u64,
    recv_window: Option<u64>,
    market: &str,
    side: &str,
    order_type: &str,
    size: &str,
    price: Option<&str>,
) -> ApiResult<OrderMessage> {
    AuthService::check_order_window(timestamp, recv_window, unix_now_ms())?;
    let side = OrderSide::from_wire(side)
        .map_err(|_| ApiError::invalid_parameter(format!("invalid side {side:?}")))?;
    OrderMessage::from_request(
        timestamp,
        market,
        side,
        order_type,
        size,
        price.unwrap_or(""),
    )
    .map_err(|e| ApiError::invalid_parameter(e.to_string()))
}

/// Stateless checks (parse, freshness, signature) of one order; the batch rejects as a whole
/// when any of them fails.
fn check_order(
    state: &RestState,
    account: &str,
    public_key: &str,
    request: OrderRequest,
) -> ApiResult<NewOrder> {
    let side = Side::parse(&request.side)?;
    let order_type = OrderType::parse(&request.order_type)?;
    let new_order = NewOrder {
        side,
        order_type,
        size: size_of(&request.size)?,
        price: if order_type.is_market() {
            0
        } else {
            price_of(request.price.as_deref())?
        },
        trigger_price: match request.trigger_price.as_deref() {
            Some(t) if !t.is_empty() && price_of(Some(t))? != 0 => Some(price_of(Some(t))?),
            _ => None,
        },
        instruction: Instruction::parse(request.instruction.as_deref())?,
        stp: Stp::parse(request.stp.as_deref())?,
        flags: request.flags.clone().unwrap_or_default(),
        client_id: request.client_id.clone().unwrap_or_default(),
        signature_timestamp: request.signature_timestamp,
        market: request.market.clone(),
    };
    let message = fresh_message(
        request.signature_timestamp,
        request.recv_window,
        &request.market,
        &request.side,
        &request.order_type,
        &request.size,
        request.price.as_deref(),
    )?;
    state
        .auth
        .verify_order_signature(account, public_key, &message, &request.signature)?;
    Ok(new_order)
}

fn public_key(state: &RestState, account: &str) -> ApiResult<String> {
    Ok(state
        .exchange
        .public_key_of(account)
        .ok_or(AuthError::NotOnboarded)?)
}

/// `POST /orders` → 201 OrderResp (status NEW).
pub async fn create(
    State(state): State<RestState>,
    Authenticated(account): Authenticated,
    body: Bytes,
) -> ApiResult<Response> {
    let request: OrderRequest = json_body(&body)?;
    let key = public_key(&state, &account)?;
    let order = check_order(&state, &account, &key, request)?;
    let accepted = state.exchange.place_order(&account, order)?;
    Ok((StatusCode::CREATED, Json(accepted)).into_response())
}

/// `POST /orders/batch` → 201 `{orders, errors}`. Any parse or signature failure rejects the
/// whole batch; after that each order stands alone and a rejected one lands in `errors`.
pub async fn create_batch(
    State(state): State<RestState>,
    Authenticated(account): Authenticated,
    body: Bytes,
) -> ApiResult<Response> {
    let requests: Vec<OrderRequest> = json_body(&body)?;
    if requests.is_empty() || requests.len() > MAX_BATCH {
        return Err(ExchangeError::BatchSizeOutOfRange(format!(
            "{} orders; allowed 1..={MAX_BATCH}",
            requests.len()
        ))
        .into());
    }
    let key = public_key(&state, &account)?;
    let orders = requests
        .into_iter()
        .map(|r| check_order(&state, &account, &key, r))
        .collect::<ApiResult<Vec<_>>>()?;
    let mut accepted = Vec::new();
    let mut errors = Vec::new();
    for result in state.exchange.place_orders(&account, orders)? {
        match result {
            Ok(order) => accepted.push(order),
            Err(e) => errors.push(json!({ "error": e.code(), "message": e.to_string() })),
        }
    }
    Ok((
        StatusCode::CREATED,
        Json(json!({ "orders": accepted, "errors": errors })),
    )
        .into_response())
}

/// `GET /orders/{order_id}` (any status: closed orders stay fetchable for reconciliation).
pub async fn get(
    State(state): State<RestState>,
    Authenticated(account): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Json<OrderResp>> {
    Ok(Json(state.exchange.order(&account, &id)?))
}

/// `GET /orders/by_client_id/{client_id}`.
pub async fn get_by_client_id(
    State(state): State<RestState>,
    Authenticated(account): Authenticated,
    Path(client_id): Path<String>,
) -> ApiResult<Json<OrderResp>> {
    Ok(Json(
        state.exchange.order_by_client_id(&account, &client_id)?,
    ))
}

/// `GET /orders[?market=]`: open orders.
pub async fn list_open(
    State(state): State<RestState>,
    Authenticated(account): Authenticated,
    query: QueryMap,
) -> ApiResult<Json<Value>> {
    let orders = state
        .exchange
        .open_orders(&account, query.get("market").map(String::as_str))?;
    Ok(Json(json!({ "results": orders })))
}

/// `DELETE /orders/{order_id}` → 204.
pub async fn cancel(
    State(state): State<RestState>,
    Authenticated(account): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<StatusCode> {
    state.exchange.cancel_order(&account, &id)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /orders/by_client_id/{client_id}[?market=]` → 204.
pub async fn cancel_by_client_id(
    State(state): State<RestState>,
    Authenticated(account): Authenticated,
    Path(client_id): Path<String>,
    query: QueryMap,
) -> ApiResult<StatusCode> {
    state.exchange.cancel_by_client_id(
        &account,
        &client_id,
        query.get("market").map(String::as_str),
    )?;
    Ok(StatusCode::NO_CONTENT)
}

/// `DELETE /orders[?market=]` → 200 `{}`.
pub async fn cancel_all(
    State(state): State<RestState>,
    Authenticated(account): Authenticated,
    query: QueryMap,
) -> ApiResult<Json<Value>> {
    state
        .exchange
        .cancel_all(&account, query.get("market").map(String::as_str))?;
    Ok(Json(json!({})))
}

#[derive(Debug, Deserialize)]
struct CancelBatchRequest {
    #[serde(default)]
    order_ids: Option<Vec<String>>,
    #[serde(default)]
    client_order_ids: Option<Vec<String>>,
}

/// `DELETE /orders/batch` with `{order_ids?, client_order_ids?}` → 200 `{results}`.
pub async fn cancel_batch(
    State(state): State<RestState>,
    Authenticated(account): Authenticated,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let request: CancelBatchRequest = json_body(&body)?;
    let ids = request.order_ids.unwrap_or_default();
    let client_ids = request.client_order_ids.unwrap_or_default();
    if ids.is_empty() && client_ids.is_empty() {
        return Err(ApiError::invalid_parameter(
            "order_ids or client_order_ids required",
        ));
    }
    Ok(Json(
        json!({ "results": state.exchange.cancel_batch(&account, &ids, &client_ids)? }),
    ))
}

/// `PUT /orders/{order_id}`: the body must be signed as `ModifyOrder` (with the id).
pub async fn modify(
    State(state): State<RestState>,
    Authenticated(account): Authenticated,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<OrderResp>> {
    let request: ModifyRequest = json_body(&body)?;
    if request.id != id {
        return Err(ApiError::invalid_parameter(
            "body id differs from the path id",
        ));
    }
    let key = public_key(&state, &account)?;
    let order_type = OrderType::parse(&request.order_type)?;
    let modify = ModifyOrder {
        id: request.id.clone(),
        market: request.market.clone(),
        side: Side::parse(&request.side)?,
        order_type,
        size: size_of(&request.size)?,
        price: if order_type.is_market() {
            0
        } else {
            price_of(request.price.as_deref())?
        },
        trigger_price: request
            .trigger_price
            .as_deref()
            .filter(|t| !t.is_empty())
            .map(|t| price_of(Some(t)))
            .transpose()?,
        signature_timestamp: request.signature_timestamp,
    };
    let message = fresh_message(
        request.signature_timestamp,
        request.recv_window,
        &request.market,
        &request.side,
        &request.order_type,
        &request.size,
        request.price.as_deref(),
    )?;
    state.auth.verify_modify_signature(
        &account,
        &key,
        &message,
        &request.id,
        &request.signature,
    )?;
    Ok(Json(state.exchange.modify_order(&account, &modify)?))
}

/// `GET /orders-history` (paginated, newest first) with `market, side, status, type, client_id`.
pub async fn history(
    State(state): State<RestState>,
    Authenticated(account): Authenticated,
    query: QueryMap,
) -> ApiResult<Json<Page<OrderResp>>> {
    let page = PageQuery::parse(&query, MAX_PAGE)?;
    let filter = OrderFilter {
        market: query.get("market").cloned(),
        side: query.get("side").cloned(),
        status: query.get("status").cloned(),
        order_type: query.get("type").cloned(),
        client_id: query.get("client_id").cloned(),
    };
    let rows = state
        .exchange
        .orders_history(&account, &filter)?
        .into_iter()
        .map(|o| (o.id.clone(), o.created_at, o))
        .collect();
    Ok(Json(page.apply(rows)))
}
