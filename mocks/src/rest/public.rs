//! Public endpoints: system, markets, books, trades, funding data.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri, header};
use serde_json::{Value, json};

use super::RestState;
use super::error::{ApiError, ApiResult};
use super::extract::{QueryMap, required};
use super::pagination::{Page, PageQuery};
use crate::auth::unix_now_ms;
use crate::exchange::model::{
    BboResp, FundingDataResp, MarketSummaryResp, OrderbookResp, TradeResp,
};
use crate::exchange::{BboEvent, num};

/// Largest `page_size` of `/trades`.
const MAX_TRADES_PAGE: usize = 1000;
/// Largest `page_size` of the other paginated endpoints.
pub(super) const MAX_PAGE: usize = 5000;
/// Default `/orderbook` depth.
const DEFAULT_DEPTH: usize = 20;

/// Testnet class hashes (SDK fixture), reported by `/system/config` and `/onboarding`.
pub(super) const ACCOUNT_CLASS_HASH: &str =
    "0x41cb0280ebadaa75f996d8d92c6f265f6d040bb3ba442e5f86a554f1765244e";
/// Proxy class hash paired with [`ACCOUNT_CLASS_HASH`].
pub(super) const ACCOUNT_PROXY_CLASS_HASH: &str =
    "0x3530cc4759d78042f1b543bf797f5f3d647cde0388c33734cf91b7f7b9314a9";

/// `GET /system/time`: `server_time` as a string of ms, the documented form.
pub async fn system_time() -> Json<Value> {
    Json(json!({ "server_time": unix_now_ms().to_string() }))
}

/// `GET /system/state`.
pub async fn system_state(State(state): State<RestState>) -> Json<Value> {
    Json(json!({ "status": state.exchange.system_status().as_str() }))
}

/// `GET /system/config`: the fields a client reads (chain id, class hashes, decimals).
pub async fn system_config(State(state): State<RestState>) -> Json<Value> {
    Json(json!({
        "starknet_gateway_url": "http://127.0.0.1/starknet",
        "starknet_fullnode_rpc_url": "http://127.0.0.1/rpc",
        "starknet_chain_id": state.auth.chain_id(),
        "block_explorer_url": "http://127.0.0.1/explorer/",
        "paraclear_address": "0x286003f7c7bfc3f94e8f0af48b48302e7aee2fb13c23b141479ba00832ef2c6",
        "paraclear_decimals": 8,
        "paraclear_account_proxy_hash": ACCOUNT_PROXY_CLASS_HASH,
        "paraclear_account_hash": ACCOUNT_CLASS_HASH,
        "oracle_address": "0x2c6a867917ef858d6b193a0ff9e62b46d0dc760366920d631715d58baeaca1f",
        "bridged_tokens": [{
            "name": "TEST USDC",
            "symbol": "USDC",
            "decimals": 6,
            "l1_token_address": "0x29A873159D5e14AcBd63913D4A7E2df04570c666",
            "l1_bridge_address": "0x8586e05adc0C35aa11609023d4Ae6075Cb813b4C",
            "l2_token_address": "0x6f373b346561036d98ea10fb3e60d2f459c872b1933b50b21fe6ef4fda3b75e",
            "l2_bridge_address": "0x46e9237f5408b5f899e72125dd69bd55485a287aaf24663d3ebe00d237fc7ef"
        }],
        "l1_core_contract_address": "0x582CC5d9b509391232cd544cDF9da036e55833Af",
        "l1_operator_address": "0x11bACdFbBcd3Febe5e8CEAa75E0Ef6444d9B45FB",
        "l1_chain_id": "11155111",
        "liquidation_fee": "0.2"
    }))
}

/// `GET /markets[?market=]`.
pub async fn markets(State(state): State<RestState>, query: QueryMap) -> ApiResult<Json<Value>> {
    let mut rows = state.exchange.markets();
    if let Some(market) = query.get("market") {
        rows.retain(|m| m.symbol == *market);
        if rows.is_empty() {
            return Err(crate::exchange::ExchangeError::MarketNotFound(market.clone()).into());
        }
    }
    Ok(Json(json!({ "results": rows })))
}

/// `GET /markets/summary?market=<symbol|ALL>` (required).
pub async fn markets_summary(
    State(state): State<RestState>,
    query: QueryMap,
) -> ApiResult<Json<Value>> {
    let market = required(&query, "market")?;
    let symbols = if market == "ALL" {
        state.exchange.market_symbols()
    } else {
        vec![market.to_owned()]
    };
    let rows = symbols
        .iter()
        .map(|s| state.exchange.market_summary(s).map(|e| e.to_resp()))
        .collect::<Result<Vec<MarketSummaryResp>, _>>()?;
    Ok(Json(json!({ "results": rows })))
}

/// `GET /orderbook/{market}[?depth=]`.
pub async fn orderbook(
    State(state): State<RestState>,
    Path(market): Path<String>,
    query: QueryMap,
) -> ApiResult<Json<OrderbookResp>> {
    let depth = match query.get("depth") {
        Some(d) => d
            .parse::<usize>()
            .map_err(|_| ApiError::invalid_parameter("depth must be an integer"))?,
        None => DEFAULT_DEPTH,
    };
    let book = state.exchange.book_snapshot(&market, depth)?;
    let pairs = |levels: &[crate::exchange::Level]| {
        levels
            .iter()
            .map(|l| [num::format(l.price), num::format(l.size)])
            .collect()
    };
    Ok(Json(OrderbookResp {
        market: book.market.to_string(),
        seq_no: book.seq_no,
        last_updated_at: book.timestamp_us / 1000,
        asks: pairs(&book.asks),
        bids: pairs(&book.bids),
    }))
}

/// `GET /bbo/{market}`.
pub async fn bbo(
    State(state): State<RestState>,
    Path(market): Path<String>,
) -> ApiResult<Json<BboResp>> {
    let book = state.exchange.book_snapshot(&market, 1)?;
    let event = BboEvent {
        market: book.market.clone(),
        seq_no: book.seq_no,
        timestamp_us: book.timestamp_us,
        bid: book.bids.first().copied(),
        ask: book.asks.first().copied(),
    };
    Ok(Json(event.to_resp()))
}

/// `GET /trades?market=` (paginated, newest first).
pub async fn trades(
    State(state): State<RestState>,
    query: QueryMap,
) -> ApiResult<Json<Page<TradeResp>>> {
    let market = required(&query, "market")?;
    let page = PageQuery::parse(&query, MAX_TRADES_PAGE)?;
    let rows = state
        .exchange
        .trades(market)?
        .into_iter()
        .rev()
        .map(|t| (t.id.clone(), t.timestamp_us / 1000, t.to_resp()))
        .collect();
    Ok(Json(page.apply(rows)))
}

/// `GET /funding/data?market=` (paginated, newest first).
pub async fn funding_data(
    State(state): State<RestState>,
    query: QueryMap,
) -> ApiResult<Json<Page<FundingDataResp>>> {
    let market = required(&query, "market")?;
    let page = PageQuery::parse(&query, MAX_PAGE)?;
    let rows = state
        .exchange
        .funding_history(market)?
        .into_iter()
        .enumerate()
        .rev()
        .map(|(i, f)| (format!("{i:020}"), f.timestamp_us / 1000, f.to_resp()))
        .collect();
    Ok(Json(page.apply(rows)))
}

/// Any other path. Paradex checks the JWT before routing, so an anonymous call to an unknown
/// path gets `INVALID_TOKEN` (401); with a token it is a 404 `NOT_FOUND`.
pub async fn unknown_path(headers: HeaderMap, uri: Uri) -> ApiError {
    if headers.contains_key(header::AUTHORIZATION) {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "NOT_FOUND",
            format!("no route for {}", uri.path()),
        )
    } else {
        crate::auth::AuthError::MissingToken.into()
    }
}
