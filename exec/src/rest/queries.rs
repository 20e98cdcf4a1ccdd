//! Queries: orders, history, fills (cursor pagination followed), positions, balances, account,
//! markets, and the reconciler's snapshot.

use bytes::Bytes;
use http::Method;
use serde_json::value::RawValue;

use super::client::{RestClient, Retry};
use super::error::{RestError, RestResult};
use super::models::{
    AccountResp, BalanceResp, FillResp, MarketResp, OrderResp, Page, PositionResp, Results,
};
use crate::reconcile::ExchangeSnapshot;
use crate::state::{Fill, OrderUpdate};

/// Percent-encodes a path segment or query value (cursors are base64 with `+/=`).
pub fn encode(value: &str) -> String {
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
pub(crate) const MAX_PAGES: usize = 1000;

/// `path?k=v&…` with every key and value percent-encoded (`path` may already carry a query).
pub fn path_with_query(path: &str, query: &[(&str, &str)]) -> String {
    let mut out = path.to_owned();
    for (n, (key, value)) in query.iter().enumerate() {
        let sep = if n == 0 && !path.contains('?') {
            '?'
        } else {
            '&'
        };
        out.push(sep);
        out.push_str(&encode(key));
        out.push('=');
        out.push_str(&encode(value));
    }
    out
}

/// Follows `next` cursors from `path`, fetching each page with `fetch`, until the last page,
/// `max_rows` rows (then truncated to it) or `max_pages` pages (then an error: rows would be
/// missing).
pub(crate) async fn paginate_with<T, F, Fut>(
    what: &'static str,
    path: &str,
    max_pages: usize,
    max_rows: Option<usize>,
    mut fetch: F,
) -> RestResult<Vec<T>>
where
    T: serde::de::DeserializeOwned,
    F: FnMut(String) -> Fut,
    Fut: std::future::Future<Output = RestResult<bytes::Bytes>>,
{
    let mut rows = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..max_pages {
        let url = match &cursor {
            Some(c) => path_with_query(path, &[("cursor", c)]),
            None => path.to_owned(),
        };
        let page: Page<T> =
            serde_json::from_slice(&fetch(url).await?).map_err(|e| RestError::Decode {
                what,
                detail: e.to_string(),
            })?;
        rows.extend(page.results);
        if let Some(limit) = max_rows.filter(|&l| rows.len() >= l) {
            rows.truncate(limit);
            return Ok(rows);
        }
        match page.next {
            Some(next) if cursor.as_deref() != Some(next.as_str()) => cursor = Some(next),
            _ => return Ok(rows),
        }
    }
    Err(RestError::Decode {
        what,
        detail: format!("more than {max_pages} pages; allow more pages or narrow the query"),
    })
}

impl RestClient {
    /// Follows `next` cursors from `path` (which may already carry a query) to the end.
    pub(crate) async fn paginate<T: serde::de::DeserializeOwned>(
        &self,
        what: &'static str,
        path: &str,
    ) -> RestResult<Vec<T>> {
        paginate_with(what, path, MAX_PAGES, None, |url| async move {
            self.call(Method::GET, &url, None, true, Retry::Safe).await
        })
        .await
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

    /// An order by client id whatever its state (open orders first, then history), as sent.
    ///
    /// # Errors
    /// `CLIENT_ORDER_ID_NOT_FOUND` (or the like) when neither knows it.
    pub async fn order_by_client_id_any_raw(&self, client_id: &str) -> RestResult<Bytes> {
        let open = format!("/v1/orders/by_client_id/{}", encode(client_id));
        match self.get_raw(&open).await {
            Ok(body) => Ok(body),
            Err(e) if e.api_code().is_some() || matches!(e, RestError::Api { status: 404, .. }) => {
                let path = path_with_query("/v1/orders-history", &[("client_id", client_id)]);
                let rows: Vec<Box<RawValue>> = self.paginate("history", &path).await?;
                let seq_no = |raw: &RawValue| {
                    serde_json::from_str::<OrderResp>(raw.get()).map_or(0, |o| o.seq_no)
                };
                let latest = rows.into_iter().max_by_key(|r| seq_no(r)).ok_or(e)?;
                Ok(Bytes::from(String::from(Box::<str>::from(latest))))
            }
            Err(e) => Err(e),
        }
    }

    /// Authenticated `GET path_and_query` (e.g. `/v1/account`), retried where safe; the body
    /// as sent.
    ///
    /// # Errors
    /// The exchange's error, or the last failure once retries are exhausted.
    pub async fn get_raw(&self, path_and_query: &str) -> RestResult<Bytes> {
        self.call(Method::GET, path_and_query, None, true, Retry::Safe)
            .await
    }

    /// Every row of an authenticated paginated `GET`, as sent, following cursors up to
    /// `max_pages` pages (more is an error) or until `max_rows` rows.
    ///
    /// # Errors
    /// As [`Self::get_raw`], a body that is not a page, or more pages than allowed.
    pub async fn get_pages_raw(
        &self,
        path_and_query: &str,
        max_pages: usize,
        max_rows: Option<usize>,
    ) -> RestResult<Vec<Box<RawValue>>> {
        paginate_with(
            "page",
            path_and_query,
            max_pages,
            max_rows,
            |url| async move { self.get_raw(&url).await },
        )
        .await
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
