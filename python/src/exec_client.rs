//! `paradex_core.ExecClient`: the authenticated Paradex client (Rust signing, keep-alive REST,
//! JWT kept fresh, private stream) for Python, blocking with the GIL released or asyncio.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Mutex;

use bytes::Bytes;
use paradex_exec::rest::{
    Credentials, NewOrder, RestClient, RestError, encode_component, path_with_query,
};
use paradex_exec::stream::StreamConfig;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde_json::value::RawValue;
use tokio::task::JoinHandle;

use crate::errors::{BindingError, ErrorContext, rest_error};
use crate::exec_orders::{batch_json, new_order, sent_order_to_py, text_to_py};
use crate::exec_runtime::{body_to_py, none_to_py, rows_to_py, runtime};
use crate::exec_stream::{CHANNELS, StreamWorker};
use crate::http_client::{
    ALL_PAGES, client_config, pymethods_with_async_twins, results_of, time_range,
};

type Work<T> = std::pin::Pin<Box<dyn Future<Output = Result<T, RestError>> + Send>>;

fn boxed<T, F: Future<Output = Result<T, RestError>> + Send + 'static>(f: F) -> Work<T> {
    Box::pin(f)
}

/// `path?market=…&start_at=…&end_at=…` with the given parts.
fn filtered(
    path: &str,
    market: Option<&str>,
    start_ms: Option<u64>,
    end_ms: Option<u64>,
) -> String {
    let range = time_range(start_ms, end_ms);
    let mut pairs: Vec<(&str, &str)> = market.map(|m| ("market", m)).into_iter().collect();
    pairs.extend(range.iter().map(|(k, v)| (*k, v.as_str())));
    path_with_query(path, &pairs)
}

/// Authenticated Paradex trading: orders signed in Rust, queries, and the private stream.
///
/// Every I/O method blocks with the GIL released; its `*_async` twin returns an asyncio future
/// of the running loop. Results are the exchange's JSON as dicts and lists (decimals as the
/// exact strings sent). The private key never appears in `repr`, errors or logs.
#[pyclass(module = "paradex_core._native", name = "ExecClient", frozen)]
pub(crate) struct ExecClient {
    rest: RestClient,
    ws_url: String,
    ca_file: Option<PathBuf>,
    ethereum_account: Option<String>,
    refresh: Mutex<Option<JoinHandle<()>>>,
    stream: Mutex<Option<StreamWorker>>,
}

impl ExecClient {
    /// Authenticates (onboarding first when the exchange says `NOT_ONBOARDED` and an L1
    /// address was given), and arms the task that keeps the token fresh once it succeeded.
    fn connect_work(&self) -> PyResult<Work<()>> {
        let rest = self.rest.clone();
        let l1 = self.ethereum_account.clone();
        let (ready_tx, ready_rx) = tokio::sync::oneshot::channel::<()>();
        let keeper = rest.clone();
        let refresh = runtime()?.spawn(async move {
            if ready_rx.await.is_ok() {
                keeper.keep_jwt_fresh().await;
            }
        });
        if let Some(old) = self.lock_refresh().replace(refresh) {
            old.abort();
        }
        Ok(boxed(async move {
            match rest.authenticate().await {
                Err(e) if e.api_code() == Some("NOT_ONBOARDED") => {
                    let Some(l1) = l1 else { return Err(e) };
                    rest.onboard(&l1).await?;
                    rest.authenticate().await?;
                }
                other => other?,
            }
            let _ = ready_tx.send(());
            Ok(())
        }))
    }

    fn build(
        py: Python<'_>,
        creds: Credentials,
        http_url: &str,
        ws_url: &str,
        ca_file: Option<&str>,
        timeout_ms: u64,
        ethereum_account: Option<&str>,
    ) -> PyResult<Self> {
        let config = client_config(http_url, ca_file, timeout_ms)?;
        let rest = py
            .detach(|| RestClient::new(config, creds))
            .map_err(|e| rest_error(py, e, &ErrorContext::None))?;
        Ok(Self {
            rest,
            ws_url: ws_url.to_owned(),
            ca_file: ca_file.map(PathBuf::from),
            ethereum_account: ethereum_account.map(str::to_owned),
            refresh: Mutex::new(None),
            stream: Mutex::new(None),
        })
    }

    fn lock_refresh(&self) -> std::sync::MutexGuard<'_, Option<JoinHandle<()>>> {
        self.refresh
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn lock_stream(&self) -> std::sync::MutexGuard<'_, Option<StreamWorker>> {
        self.stream
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn get(&self, url: String) -> Work<Bytes> {
        let rest = self.rest.clone();
        boxed(async move { rest.get_raw(&url).await })
    }

    fn results(&self, url: String) -> Work<Vec<Box<RawValue>>> {
        let rest = self.rest.clone();
        boxed(async move { results_of(&rest.get_raw(&url).await?) })
    }

    fn pages(&self, url: String) -> Work<Vec<Box<RawValue>>> {
        let rest = self.rest.clone();
        boxed(async move { rest.get_pages_raw(&url, ALL_PAGES, None).await })
    }

    fn submit_work(
        &self,
        order: &Bound<'_, PyDict>,
    ) -> PyResult<(Work<paradex_exec::rest::SentOrder>, ErrorContext)> {
        let order = new_order(order, false)?;
        let context = ErrorContext::Order(order.client_id.clone());
        let rest = self.rest.clone();
        Ok((
            boxed(async move { rest.create_order_raw(&order).await }),
            context,
        ))
    }

    fn batch_work(&self, orders: &Bound<'_, PyList>) -> PyResult<Work<String>> {
        let orders = orders
            .iter()
            .map(|o| {
                let dict = o.cast::<PyDict>().map_err(|_| {
                    BindingError::Config("submit_orders takes a list of order dicts".into())
                })?;
                new_order(dict, false)
            })
            .collect::<PyResult<Vec<NewOrder>>>()?;
        let rest = self.rest.clone();
        Ok(boxed(async move {
            let items = rest.create_orders_raw(&orders).await?;
            let ids: Vec<String> = orders.into_iter().map(|o| o.client_id).collect();
            batch_json(&items, &ids)
        }))
    }

    fn modify_work(
        &self,
        order_id: &str,
        order: &Bound<'_, PyDict>,
    ) -> PyResult<(Work<Bytes>, ErrorContext)> {
        let order = new_order(order, true)?;
        let context = ErrorContext::Order(order.client_id.clone());
        let rest = self.rest.clone();
        let id = order_id.to_owned();
        Ok((
            boxed(async move { rest.modify_order_raw(&id, &order).await }),
            context,
        ))
    }

    fn cancel_work(&self, order_id: &str) -> Work<()> {
        let rest = self.rest.clone();
        let id = order_id.to_owned();
        boxed(async move { rest.cancel_order(&id).await })
    }

    fn cancel_client_work(&self, market: &str, client_id: &str) -> Work<()> {
        let rest = self.rest.clone();
        let (market, client_id) = (market.to_owned(), client_id.to_owned());
        boxed(async move { rest.cancel_by_client_id(&client_id, Some(&market)).await })
    }

    fn cancel_all_work(&self, market: Option<&str>) -> Work<()> {
        let rest = self.rest.clone();
        let market = market.map(str::to_owned);
        boxed(async move { rest.cancel_all(market.as_deref()).await })
    }

    fn cancel_batch_work(
        &self,
        order_ids: Vec<String>,
        client_ids: Vec<String>,
    ) -> Work<Vec<Box<RawValue>>> {
        let rest = self.rest.clone();
        boxed(async move { results_of(&rest.cancel_batch_raw(&order_ids, &client_ids).await?) })
    }

    fn order_by_client_work(&self, client_id: &str) -> Work<Bytes> {
        let rest = self.rest.clone();
        let id = client_id.to_owned();
        boxed(async move { rest.order_by_client_id_any_raw(&id).await })
    }

    fn shutdown(&self, py: Python<'_>) {
        if let Some(worker) = self.lock_stream().take() {
            worker.stop(py);
        }
        if let Some(task) = self.lock_refresh().take() {
            task.abort();
        }
    }
}

pymethods_with_async_twins! {
    impl ExecClient {
        plain {
            /// `http_url` / `ws_url`: the exchange (e.g. `https://api.testnet.paradex.trade`,
            /// `wss://ws.api.testnet.paradex.trade/v1`); `private_key`: the L2 STARK key
            /// (hex); `account`: the L2 account address; `chain_id`: e.g.
            /// `PRIVATE_SN_POTC_SEPOLIA`; `ca_file`: a PEM CA trusted in addition to the usual
            /// roots; `timeout_ms`: per attempt; `ethereum_account`: the L1 address, needed
            /// only to onboard a new account.
            #[new]
            #[pyo3(signature = (http_url, ws_url, private_key, account, chain_id, *, ca_file=None, timeout_ms=5000, ethereum_account=None))]
            #[allow(clippy::too_many_arguments)]
            fn py_new(
                py: Python<'_>,
                http_url: &str,
                ws_url: &str,
                private_key: &str,
                account: &str,
                chain_id: &str,
                ca_file: Option<&str>,
                timeout_ms: u64,
                ethereum_account: Option<&str>,
            ) -> PyResult<Self> {
                crate::signer::check_account(account)?;
                let creds = Credentials::new(private_key, chain_id, account)
                    .map_err(|e| rest_error(py, e, &ErrorContext::None))?;
                Self::build(
                    py,
                    creds,
                    http_url,
                    ws_url,
                    ca_file,
                    timeout_ms,
                    ethereum_account,
                )
            }

            /// Like the constructor, with the key, chain id and account read from a key file:
            /// `PARADEX_L2_PRIVATE_KEY=…`, `PARADEX_CHAIN_ID=…`, `PARADEX_ACCOUNT_ADDRESS=…`
            /// lines (`#` comments, optional `export` and quotes). A file readable by group or
            /// others is refused (`chmod 600` it).
            #[staticmethod]
            #[pyo3(signature = (path, http_url, ws_url, *, ca_file=None, timeout_ms=5000, ethereum_account=None))]
            fn from_key_file(
                py: Python<'_>,
                path: PathBuf,
                http_url: &str,
                ws_url: &str,
                ca_file: Option<&str>,
                timeout_ms: u64,
                ethereum_account: Option<&str>,
            ) -> PyResult<Self> {
                let creds = Credentials::from_file(&path)
                    .map_err(|e| rest_error(py, e, &ErrorContext::None))?;
                crate::signer::check_account(creds.account())?;
                Self::build(
                    py,
                    creds,
                    http_url,
                    ws_url,
                    ca_file,
                    timeout_ms,
                    ethereum_account,
                )
            }

            /// The account address, normalised (`0x` + lowercase hex without leading zeros).
            #[getter]
            fn account(&self) -> String {
                normalise_address(self.rest.credentials().account())
            }

            /// The STARK public key, `0x…` hex.
            #[getter]
            fn public_key(&self) -> String {
                format!("{:#x}", self.rest.credentials().signer().public_key())
            }

            /// When the held token expires (unix seconds), or None before `connect`.
            fn jwt_expires_at(&self) -> Option<u64> {
                self.rest.jwt_expires_at()
            }

            /// Stops the stream and the token refresh. Idempotent; also run by `with` and on
            /// garbage collection.
            fn close(&self, py: Python<'_>) {
                self.shutdown(py);
            }

            fn __enter__(slf: Py<Self>) -> Py<Self> {
                slf
            }

            #[pyo3(signature = (*_exc))]
            fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, pyo3::types::PyTuple>) {
                self.shutdown(py);
            }

            /// Starts the private stream (`orders`, `fills`, `positions`, `account`,
            /// `balance_events`); `on_event(kind, payload)` is called from a Rust thread with the
            /// GIL for every event: `"connected"` `{}` after each (re)connect and resubscribe
            /// (reconcile then), `"disconnected"` `{"reason"}`, and `"order"`, `"fill"`,
            /// `"position"`, `"account"`, `"balance"` with the exchange's `data` object. An
            /// exception raised by `on_event` is logged (logger `paradex_core.exec`) and the
            /// stream goes on. Replaces a running stream.
            fn start_stream(&self, py: Python<'_>, on_event: Py<PyAny>) -> PyResult<()> {
                if !on_event.bind(py).is_callable() {
                    return Err(BindingError::Config("on_event must be callable".into()).into());
                }
                let mut config = StreamConfig::new(&self.ws_url);
                config.channels = CHANNELS.iter().map(|c| (*c).to_owned()).collect();
                config.ca_file.clone_from(&self.ca_file);
                let worker = StreamWorker::start(self.rest.clone(), config, on_event)?;
                let previous = self.lock_stream().replace(worker);
                if let Some(previous) = previous {
                    previous.stop(py);
                }
                Ok(())
            }

            /// Stops the private stream; no callback runs after this returns (unless called from a
            /// callback). Idempotent.
            fn stop_stream(&self, py: Python<'_>) {
                let worker = self.lock_stream().take();
                if let Some(worker) = worker {
                    worker.stop(py);
                }
            }

            fn __repr__(&self) -> String {
                format!(
                    "ExecClient(account={:?}, public_key={}, private_key=<redacted>)",
                    normalise_address(self.rest.credentials().account()),
                    self.public_key()
                )
            }
        }
        io {
            /// Authenticates (onboarding first when the exchange says `NOT_ONBOARDED` and
            /// `ethereum_account` was given) and keeps the token fresh in the background.
            fn connect, connect_async(&self) {
                (self.connect_work()?, ErrorContext::None, none_to_py)
            }

            /// Signs and sends one order; the exchange's order JSON plus `sent_at_ns`
            /// (`CLOCK_REALTIME` ns just before the signed request was first written). A timeout
            /// raises `ExecTimeoutError`: the order's state is then unknown, query it by client
            /// id.
            fn submit_order, submit_order_async(&self, order: &Bound<'py, PyDict>) {
                let (work, context) = self.submit_work(order)?;
                (work, context, sent_order_to_py)
            }

            /// Sends 1 to 10 orders in one batch; one dict per order, in order: the exchange's
            /// order JSON, or `{"client_id", "error": {"error", "message"}}` for a rejected one.
            fn submit_orders, submit_orders_async(&self, orders: &Bound<'py, PyList>) {
                (self.batch_work(orders)?, ErrorContext::None, text_to_py)
            }

            /// Modifies an open order (new size and price; market, side and type unchanged);
            /// the exchange's order JSON.
            fn modify_order, modify_order_async(
                &self,
                order_id: &str,
                order: &Bound<'py, PyDict>,
            ) {
                let (work, context) = self.modify_work(order_id, order)?;
                (work, context, body_to_py)
            }

            /// Requests the cancel of an order by exchange id (confirmed by the stream or a
            /// query).
            fn cancel_order, cancel_order_async(&self, order_id: &str) {
                (self.cancel_work(order_id), ErrorContext::None, none_to_py)
            }

            /// Requests the cancel of an order by client id.
            fn cancel_by_client_id, cancel_by_client_id_async(
                &self,
                market: &str,
                client_id: &str,
            ) {
                let context = ErrorContext::Order(client_id.to_owned());
                (self.cancel_client_work(market, client_id), context, none_to_py)
            }

            /// Cancels every open order, of one market or of all.
            #[pyo3(signature = (market=None))]
            fn cancel_all, cancel_all_async(&self, market: Option<&str>) {
                (self.cancel_all_work(market), ErrorContext::None, none_to_py)
            }

            /// Cancels by exchange ids and/or client ids; the per-order results
            /// (`status`: `QUEUED_FOR_CANCELLATION`, `ALREADY_CLOSED`, `NOT_FOUND`).
            #[pyo3(signature = (order_ids=Vec::new(), client_ids=Vec::new()))]
            fn cancel_batch, cancel_batch_async(
                &self,
                order_ids: Vec<String>,
                client_ids: Vec<String>,
            ) {
                let work = self.cancel_batch_work(order_ids, client_ids);
                (work, ErrorContext::None, rows_to_py)
            }

            /// Open orders, of one market or of all.
            #[pyo3(signature = (market=None))]
            fn open_orders, open_orders_async(&self, market: Option<&str>) {
                let url = filtered("/v1/orders", market, None, None);
                (self.results(url), ErrorContext::None, rows_to_py)
            }

            /// One order by exchange id, whatever its state.
            fn order, order_async(&self, order_id: &str) {
                let url = format!("/v1/orders/{}", encode_component(order_id));
                (self.get(url), ErrorContext::None, body_to_py)
            }

            /// One order by client id, whatever its state (open orders, then the history).
            fn order_by_client_id, order_by_client_id_async(&self, client_id: &str) {
                (self.order_by_client_work(client_id), ErrorContext::None, body_to_py)
            }

            /// Order history between `start_ms` and `end_ms`, every page, newest first.
            #[pyo3(signature = (market=None, start_ms=None, end_ms=None))]
            fn orders_history, orders_history_async(
                &self,
                market: Option<&str>,
                start_ms: Option<u64>,
                end_ms: Option<u64>,
            ) {
                let url = filtered("/v1/orders-history", market, start_ms, end_ms);
                (self.pages(url), ErrorContext::None, rows_to_py)
            }

            /// Fills between `start_ms` and `end_ms`, every page, newest first.
            #[pyo3(signature = (market=None, start_ms=None, end_ms=None))]
            fn fills, fills_async(
                &self,
                market: Option<&str>,
                start_ms: Option<u64>,
                end_ms: Option<u64>,
            ) {
                let url = filtered("/v1/fills", market, start_ms, end_ms);
                (self.pages(url), ErrorContext::None, rows_to_py)
            }

            /// Positions.
            fn positions, positions_async(&self) {
                (self.results("/v1/positions".into()), ErrorContext::None, rows_to_py)
            }

            /// Balances.
            fn balances, balances_async(&self) {
                (self.results("/v1/balance".into()), ErrorContext::None, rows_to_py)
            }

            /// The account summary (`GET /account`).
            fn account_summary, account_summary_async(&self) {
                (self.get("/v1/account".into()), ErrorContext::None, body_to_py)
            }
        }
    }
}

impl Drop for ExecClient {
    fn drop(&mut self) {
        // No GIL to release here: signal only; the stream thread ends by itself.
        if let Some(task) = self.lock_refresh().take() {
            task.abort();
        }
        drop(self.lock_stream().take());
    }
}

/// `0x` + lowercase hex without leading zeros.
fn normalise_address(address: &str) -> String {
    let digits = address
        .trim()
        .trim_start_matches("0x")
        .trim_start_matches("0X")
        .trim_start_matches('0')
        .to_ascii_lowercase();
    if digits.is_empty() {
        "0x0".to_owned()
    } else {
        format!("0x{digits}")
    }
}
