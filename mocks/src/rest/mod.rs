//! The REST API under `/v1`: every path except the bare `/v1` (the WebSocket upgrade).
//!
//! Bodies follow Paradex's field names and types (`../shared/paradex/samples/rest_*.json`);
//! errors are ApiError `{error, message}` with Paradex's codes. Private endpoints need
//! `Authorization: Bearer <JWT>` from `POST /v1/auth`.

mod account;
mod auth_routes;
pub mod error;
mod extract;
mod orders;
pub mod pagination;
mod public;
pub mod ratelimit;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

use crate::auth::AuthService;
use crate::exchange::Exchange;

pub use error::{ApiError, ApiResult};

/// REST knobs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestSettings {
    /// Requests per minute per client before HTTP 429; 0 = unlimited.
    pub rate_limit_per_min: u32,
}

/// What every handler sees.
#[derive(Debug, Clone)]
pub struct RestState {
    /// The exchange core.
    pub exchange: Arc<Exchange>,
    /// JWTs and signature checks.
    pub auth: Arc<AuthService>,
}

/// The `/v1/...` routes with state and rate limit applied.
pub fn router(exchange: Arc<Exchange>, auth: Arc<AuthService>, settings: RestSettings) -> Router {
    let state = RestState {
        exchange,
        auth: Arc::clone(&auth),
    };
    let router = Router::new()
        .route("/v1/system/time", get(public::system_time))
        .route("/v1/system/state", get(public::system_state))
        .route("/v1/system/config", get(public::system_config))
        .route("/v1/markets", get(public::markets))
        .route("/v1/markets/summary", get(public::markets_summary))
        .route("/v1/orderbook/{market}", get(public::orderbook))
        .route("/v1/bbo/{market}", get(public::bbo))
        .route("/v1/trades", get(public::trades))
        .route("/v1/funding/data", get(public::funding_data))
        .route(
            "/v1/onboarding",
            get(auth_routes::onboarding_get).post(auth_routes::onboarding_post),
        )
        .route("/v1/auth", post(auth_routes::auth))
        .route("/v1/auth/{public_key}", post(auth_routes::auth_with_key))
        .route("/v1/account", get(account::account))
        .route("/v1/balance", get(account::balance))
        .route("/v1/positions", get(account::positions))
        .route("/v1/fills", get(account::fills))
        .route("/v1/funding/payments", get(account::funding_payments))
        .route(
            "/v1/orders",
            post(orders::create)
                .get(orders::list_open)
                .delete(orders::cancel_all),
        )
        .route(
            "/v1/orders/batch",
            post(orders::create_batch).delete(orders::cancel_batch),
        )
        .route(
            "/v1/orders/by_client_id/{client_id}",
            get(orders::get_by_client_id).delete(orders::cancel_by_client_id),
        )
        .route(
            "/v1/orders/{order_id}",
            get(orders::get).put(orders::modify).delete(orders::cancel),
        )
        .route("/v1/orders-history", get(orders::history))
        .fallback(public::unknown_path)
        .with_state(state);
    if settings.rate_limit_per_min == 0 {
        router
    } else {
        let limiter = Arc::new(ratelimit::RateLimiter::per_account(
            settings.rate_limit_per_min,
            auth,
        ));
        router.layer(axum::middleware::from_fn_with_state(
            limiter,
            ratelimit::limit,
        ))
    }
}
