//! Queries: orders, history, fills (cursor pagination followed), positions, balances, account,
//! markets, and the reconciler's snapshot.

use http::Method;

use super::client::{RestClient, Retry};
use super::error::{RestError, RestResult};
use super::models::{
    AccountResp, BalanceResp, FillResp, MarketResp, OrderResp, Page, PositionResp, Results,
};
use crate::reconcile::ExchangeSnapshot;
use crate::state::{Fill, OrderUpdate};

/// Percent-encodes a path segment or query value (cursors are base64 with `+/=`).
pub(crate) fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Hard stop for pagination loops (a server that keeps returning cursors).
const MAX_PAGES: usize = 1000;

impl RestClient {
    /// Follows `next` cursors from `path` (which may already carry a query) to the end.
    async fn paginate<T: serde::de::DeserializeOwned>(
        &self,
        what: &'static str,
        path: &str,
    ) -> RestResult<Vec<T>> {
        let mut rows = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..MAX_PAGES {
            let sep = if path.contains('?') { '&' } else { '?' };
            let url = match &cursor {
                Some(c) => format!("{path}{sep}cursor={}", encode(c)),
                None => path.to_owned(),
            };
            let page: Page<T> = self
                .call_json(what, Method::GET, &url, None, Retry::Safe)
                .await?;
            rows.extend(page.results);
            match page.next {
                Some(next) if cursor.as_deref() != Some(next.as_str()) => cursor = Some(next),
                _ => return Ok(rows),
            }
        }
        Err(RestError::Decode {
            what,
            detail: format!("more than {MAX_PAGES} pages"),
        })
    }

    /// `GET /orders`: open orders, optionally of one market.
    ///
    /// # Errors
    /// Transport, exchange or decoding errors.
    pub async fn open_orders(&self, market: Option<&str>) -> RestResult<Vec<OrderUpdate>> {
        let path = market.map_or_else(
            || "/v1/orders".to_owned(),
            |m| format!("/v1/orders?market={}", encode(m)),
        );
        let rows: Results<OrderResp> = self
            .call_json("open orders", Method::GET, &path, None, Retry::Safe)
            .await?;
        rows.results.iter().map(OrderResp::to_update).collect()
    }

    /// `GET /orders/{id}`.
    ///
    /// # Errors
    /// `ORDER_ID_NOT_FOUND` and the like.
    pub async fn order(&self, id: &str) -> RestResult<OrderUpdate> {
        let path = format!("/v1/orders/{}", encode(id));
        self.call_json::<OrderResp>("order", Method::GET, &path, None, Retry::Safe)
            .await?
            .to_update()
    }

    /// `GET /orders/by_client_id/{client_id}` (open orders only, per the spec).
    ///
    /// # Errors
    /// `CLIENT_ORDER_ID_NOT_FOUND` and the like.
    pub async fn order_by_client_id(&self, client_id: &str) -> RestResult<OrderUpdate> {
        let path = format!("/v1/orders/by_client_id/{}", encode(client_id));
        self.call_json::<OrderResp>("order", Method::GET, &path, None, Retry::Safe)
            .await?
            .to_update()
    }

    /// An order by client id whatever its state: open orders first, then history.
    pub(crate) async fn order_by_client_id_any(&self, client_id: &str) -> RestResult<OrderUpdate> {
        match self.order_by_client_id(client_id).await {
            Ok(o) => Ok(o),
            Err(e) if e.api_code().is_some() || matches!(e, RestError::Api { status: 404, .. }) => {
                let path = format!("/v1/orders-history?client_id={}", encode(client_id));
                let rows: Vec<OrderResp> = self.paginate("history", &path).await?;
                rows.iter().max_by_key(|o| o.seq_no).ok_or(e)?.to_update()
            }
            Err(e) => Err(e),
        }
    }

    /// `GET /orders-history` since `start_at_ms` (all pages).
    ///
    /// # Errors
    /// Transport, exchange or decoding errors.
    pub async fn orders_history(
        &self,
        market: Option<&str>,
        start_at_ms: Option<u64>,
    ) -> RestResult<Vec<OrderUpdate>> {
        let rows: Vec<OrderResp> = self
            .paginate("history", &query("/v1/orders-history", market, start_at_ms))
            .await?;
        rows.iter().map(OrderResp::to_update).collect()
    }

    /// `GET /fills` since `start_at_ms` (all pages).
    ///
    /// # Errors
    /// Transport, exchange or decoding errors.
    pub async fn fills(
        &self,
        market: Option<&str>,
        start_at_ms: Option<u64>,
    ) -> RestResult<Vec<Fill>> {
        let rows: Vec<FillResp> = self
            .paginate("fills", &query("/v1/fills", market, start_at_ms))
            .await?;
        rows.iter().map(FillResp::to_fill).collect()
    }

    /// `GET /positions`.
    ///
    /// # Errors
    /// Transport, exchange or decoding errors.
    pub async fn positions(&self) -> RestResult<Vec<crate::state::Position>> {
        let rows: Results<PositionResp> = self
            .call_json("positions", Method::GET, "/v1/positions", None, Retry::Safe)
            .await?;
        Ok(rows.results.iter().map(PositionResp::to_position).collect())
    }

    /// `GET /balance`.
    ///
    /// # Errors
    /// Transport, exchange or decoding errors.
    pub async fn balances(&self) -> RestResult<Vec<crate::state::Balance>> {
        let rows: Results<BalanceResp> = self
            .call_json("balance", Method::GET, "/v1/balance", None, Retry::Safe)
            .await?;
        Ok(rows.results.iter().map(BalanceResp::to_balance).collect())
    }

    /// `GET /account`.
    ///
    /// # Errors
    /// Transport, exchange or decoding errors.
    pub async fn account(&self) -> RestResult<AccountResp> {
        self.call_json("account", Method::GET, "/v1/account", None, Retry::Safe)
            .await
    }

    /// `GET /markets` (public).
    ///
    /// # Errors
    /// Transport, exchange or decoding errors.
    pub async fn markets(&self) -> RestResult<Vec<MarketResp>> {
        let bytes = self
            .call(Method::GET, "/v1/markets", None, false, Retry::Safe)
            .await?;
        let rows: Results<MarketResp> =
            serde_json::from_slice(&bytes).map_err(|e| RestError::Decode {
                what: "markets",
                detail: e.to_string(),
            })?;
        Ok(rows.results)
    }

    /// Everything the reconciler compares: open orders, history and fills since
    /// `since_ms`, positions and balances.
    ///
    /// # Errors
    /// The first failing query.
    pub async fn snapshot(&self, since_ms: Option<u64>) -> RestResult<ExchangeSnapshot> {
        let (open_orders, history, fills, positions, balances) = tokio::try_join!(
            self.open_orders(None),
            self.orders_history(None, since_ms),
            self.fills(None, since_ms),
            self.positions(),
            self.balances(),
        )?;
        Ok(ExchangeSnapshot {
            open_orders,
            history,
            fills,
            positions,
            balances,
        })
    }
}

fn query(base: &str, market: Option<&str>, start_at_ms: Option<u64>) -> String {
    let mut params = Vec::new();
    if let Some(m) = market {
        params.push(format!("market={}", encode(m)));
    }
    if let Some(t) = start_at_ms {
        params.push(format!("start_at={t}"));
    }
    if params.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", params.join("&"))
    }
}
