//! Private account endpoints: account summary, balance, positions, fills, funding payments.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use super::RestState;
use super::error::ApiResult;
use super::extract::{Authenticated, QueryMap, required};
use super::pagination::{Page, PageQuery};
use super::public::MAX_PAGE;
use crate::exchange::model::{AccountResp, FillResp, FundingPaymentResp};

/// `GET /account`.
pub async fn account(
    State(state): State<RestState>,
    Authenticated(account): Authenticated,
) -> ApiResult<Json<AccountResp>> {
    Ok(Json(state.exchange.account_summary(&account)?))
}

/// `GET /balance`.
pub async fn balance(
    State(state): State<RestState>,
    Authenticated(account): Authenticated,
) -> ApiResult<Json<Value>> {
    Ok(Json(
        json!({ "results": state.exchange.balances(&account)? }),
    ))
}

/// `GET /positions`.
pub async fn positions(
    State(state): State<RestState>,
    Authenticated(account): Authenticated,
) -> ApiResult<Json<Value>> {
    Ok(Json(
        json!({ "results": state.exchange.positions(&account)? }),
    ))
}

/// `GET /fills[?market=]` (paginated, newest first).
pub async fn fills(
    State(state): State<RestState>,
    Authenticated(account): Authenticated,
    query: QueryMap,
) -> ApiResult<Json<Page<FillResp>>> {
    let page = PageQuery::parse(&query, MAX_PAGE)?;
    let rows = state
        .exchange
        .fills(&account, query.get("market").map(String::as_str))?
        .into_iter()
        .rev()
        .map(|f| (f.id.clone(), f.created_at, f))
        .collect();
    Ok(Json(page.apply(rows)))
}

/// `GET /funding/payments?market=` (required; paginated, newest first).
pub async fn funding_payments(
    State(state): State<RestState>,
    Authenticated(account): Authenticated,
    query: QueryMap,
) -> ApiResult<Json<Page<FundingPaymentResp>>> {
    let market = required(&query, "market")?;
    let page = PageQuery::parse(&query, MAX_PAGE)?;
    let rows = state
        .exchange
        .funding_payments(&account, Some(market))?
        .into_iter()
        .rev()
        .map(|f| (f.id.clone(), f.created_at, f))
        .collect();
    Ok(Json(page.apply(rows)))
}
