//! `paradex_core.HttpClient`: the public REST endpoints, blocking (GIL released) and asyncio.

use std::time::Duration;

use paradex_exec::rest::models::Results;
use paradex_exec::rest::{
    ClientConfig, PublicClient, RestError, encode_component, path_with_query,
};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde_json::value::RawValue;

use crate::errors::{BindingError, ErrorContext};
use crate::exec_runtime::{Convert, block_on, body_to_py, json_to_py, rows_to_py, spawn_future};

/// Page limit for the endpoints that follow cursors to the end.
pub(crate) const ALL_PAGES: usize = 1000;

/// Runs `work` blocking (GIL released) or as an asyncio future, converting its result.
pub(crate) fn dispatch<'py, T, F>(
    py: Python<'py>,
    asynchronous: bool,
    work: F,
    context: ErrorContext,
    convert: Convert<T>,
) -> PyResult<Bound<'py, PyAny>>
where
    F: std::future::Future<Output = Result<T, RestError>> + Send + 'static,
    T: Send + 'static,
{
    if asynchronous {
        spawn_future(py, work, context, convert)
    } else {
        let value = block_on(py, work, &context)?;
        convert(py, value).map(|v| v.into_bound(py))
    }
}

/// Client settings from the Python arguments.
pub(crate) fn client_config(
    http_url: &str,
    ca_file: Option<&str>,
    timeout_ms: u64,
) -> PyResult<ClientConfig> {
    if timeout_ms == 0 {
        return Err(BindingError::Config("timeout_ms must be positive".into()).into());
    }
    let mut config = ClientConfig::new(http_url);
    config.timeout = Duration::from_millis(timeout_ms);
    config.ca_file = ca_file.map(Into::into);
    Ok(config)
}

/// `/v1{path}?{query}` with the query's values as text (a `path` without `/` gets one).
pub(crate) fn api_path(path: &str, query: Option<&Bound<'_, PyDict>>) -> PyResult<String> {
    let mut full = String::from("/v1");
    if !path.starts_with('/') {
        full.push('/');
    }
    full.push_str(path);
    let mut pairs = Vec::new();
    if let Some(query) = query {
        for (key, value) in query.iter() {
            pairs.push((key.str()?.to_string(), value.str()?.to_string()));
        }
    }
    let borrowed: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    Ok(path_with_query(&full, &borrowed))
}

/// `start_at` / `end_at` (ms) query pairs.
pub(crate) fn time_range(
    start_ms: Option<u64>,
    end_ms: Option<u64>,
) -> Vec<(&'static str, String)> {
    let mut pairs = Vec::new();
    if let Some(t) = start_ms {
        pairs.push(("start_at", t.to_string()));
    }
    if let Some(t) = end_ms {
        pairs.push(("end_at", t.to_string()));
    }
    pairs
}

fn with_pairs(path: &str, fixed: &[(&str, &str)], more: &[(&'static str, String)]) -> String {
    let mut pairs: Vec<(&str, &str)> = fixed.to_vec();
    pairs.extend(more.iter().map(|(k, v)| (*k, v.as_str())));
    path_with_query(path, &pairs)
}

/// The `results` array of a `{"results": [...]}` body.
pub(crate) fn results_of(body: &[u8]) -> Result<Vec<Box<RawValue>>, RestError> {
    serde_json::from_slice::<Results<Box<RawValue>>>(body)
        .map(|r| r.results)
        .map_err(|e| RestError::Decode {
            what: "results",
            detail: e.to_string(),
        })
}

fn server_time_to_py(py: Python<'_>, body: bytes::Bytes) -> PyResult<Py<PyAny>> {
    let reply = json_to_py(py, &body)?;
    let time = reply.get_item("server_time").map_err(|_| {
        crate::errors::ExecError::new_err("GET /system/time: no server_time in the reply")
    })?;
    // Paradex sends it as a string of milliseconds.
    Ok(py.get_type::<pyo3::types::PyInt>().call1((time,))?.unbind())
}

/// Public Paradex REST (no credentials): markets, books, trades, funding, time.
///
/// Every I/O method blocks with the GIL released; its `*_async` twin returns an asyncio future
/// of the running loop. Results are the exchange's JSON as dicts and lists, decimals as the
/// exact strings sent.
#[pyclass(module = "paradex_core._native", name = "HttpClient", frozen)]
pub(crate) struct HttpClient {
    client: PublicClient,
}

impl HttpClient {
    fn get_work(
        &self,
        path: &str,
        query: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<impl std::future::Future<Output = Result<bytes::Bytes, RestError>> + use<>> {
        Ok(self.url_work(api_path(path, query)?))
    }

    fn url_work(
        &self,
        url: String,
    ) -> impl std::future::Future<Output = Result<bytes::Bytes, RestError>> + use<> {
        let client = self.client.clone();
        async move { client.get(&url).await }
    }

    fn pages_work(
        &self,
        url: String,
        max_pages: usize,
        max_rows: Option<usize>,
    ) -> impl std::future::Future<Output = Result<Vec<Box<RawValue>>, RestError>> + use<> {
        let client = self.client.clone();
        async move { client.get_pages(&url, max_pages, max_rows).await }
    }

    fn results_work(
        &self,
        url: String,
    ) -> impl std::future::Future<Output = Result<Vec<Box<RawValue>>, RestError>> + use<> {
        let client = self.client.clone();
        async move { results_of(&client.get(&url).await?) }
    }

    fn trades_url(market: &str, start_ms: Option<u64>, end_ms: Option<u64>) -> String {
        with_pairs(
            "/v1/trades",
            &[("market", market)],
            &time_range(start_ms, end_ms),
        )
    }

    fn funding_url(market: &str, start_ms: Option<u64>, end_ms: Option<u64>) -> String {
        with_pairs(
            "/v1/funding/data",
            &[("market", market)],
            &time_range(start_ms, end_ms),
        )
    }

    fn book_url(market: &str, depth: u32) -> String {
        let path = format!("/v1/orderbook/{}", encode_component(market));
        path_with_query(&path, &[("depth", &depth.to_string())])
    }

    fn bbo_url(market: &str) -> String {
        format!("/v1/bbo/{}", encode_component(market))
    }
}

/// Declares a `#[pymethods]` block whose I/O methods are each written once and emitted twice
/// (pyo3 needs one Rust method per Python name): `name` blocks with the GIL released and
/// `name_async` returns an asyncio future. An I/O method's body evaluates to the
/// `(work, error context, converter)` that [`dispatch`] takes; `plain` methods pass through.
macro_rules! pymethods_with_async_twins {
    (
        impl $class:ty {
            plain {
                $($plain:item)*
            }
            io {
                $(
                    $(#[doc = $doc:literal])*
                    $(#[pyo3($($pyo3:tt)*)])*
                    fn $name:ident, $name_async:ident(
                        &$self:ident $(, $arg:ident: $arg_ty:ty)* $(,)?
                    ) $body:block
                )*
            }
        }
    ) => {
        #[pymethods]
        impl $class {
            $($plain)*

            $(
                $(#[doc = $doc])*
                $(#[pyo3($($pyo3)*)])*
                fn $name<'py>(
                    &$self,
                    py: Python<'py>,
                    $($arg: $arg_ty),*
                ) -> PyResult<Bound<'py, PyAny>> {
                    let (work, context, convert) = $body;
                    $crate::http_client::dispatch(py, false, work, context, convert)
                }

                #[doc = concat!("Async twin of `", stringify!($name), "`.")]
                $(#[pyo3($($pyo3)*)])*
                fn $name_async<'py>(
                    &$self,
                    py: Python<'py>,
                    $($arg: $arg_ty),*
                ) -> PyResult<Bound<'py, PyAny>> {
                    let (work, context, convert) = $body;
                    $crate::http_client::dispatch(py, true, work, context, convert)
                }
            )*
        }
    };
}

pub(crate) use pymethods_with_async_twins;

pymethods_with_async_twins! {
    impl HttpClient {
        plain {
            /// `http_url`: scheme and host without `/v1` (e.g.
            /// `https://api.testnet.paradex.trade`); `ca_file`: a PEM CA trusted in addition to
            /// the usual roots; `timeout_ms`: per attempt.
            #[new]
            #[pyo3(signature = (http_url, *, ca_file=None, timeout_ms=5000))]
            fn py_new(http_url: &str, ca_file: Option<&str>, timeout_ms: u64) -> PyResult<Self> {
                let config = client_config(http_url, ca_file, timeout_ms)?;
                let client =
                    PublicClient::new(config).map_err(|e| BindingError::Config(e.to_string()))?;
                Ok(Self { client })
            }

            fn __repr__(&self) -> String {
                format!("HttpClient({:?})", self.client.config().base_url)
            }
        }
        io {
            /// `GET /v1{path}` with `query`; the decoded JSON reply.
            #[pyo3(signature = (path, query=None))]
            fn get, get_async(&self, path: &str, query: Option<&Bound<'py, PyDict>>) {
                (self.get_work(path, query)?, ErrorContext::None, body_to_py)
            }

            /// Every `results` row of a paginated `GET /v1{path}`, following `next` cursors (more
            /// than `max_pages` pages raises).
            #[pyo3(signature = (path, query=None, max_pages=100))]
            fn get_all, get_all_async(
                &self,
                path: &str,
                query: Option<&Bound<'py, PyDict>>,
                max_pages: usize,
            ) {
                let work = self.pages_work(api_path(path, query)?, max_pages, None);
                (work, ErrorContext::None, rows_to_py)
            }

            /// `GET /markets`: every market, every field as sent.
            fn markets, markets_async(&self) {
                (self.results_work("/v1/markets".into()), ErrorContext::None, rows_to_py)
            }

            /// `GET /markets/summary?market=…` (`"ALL"` for every market).
            #[pyo3(signature = (market="ALL"))]
            fn markets_summary, markets_summary_async(&self, market: &str) {
                let url = path_with_query("/v1/markets/summary", &[("market", market)]);
                (self.results_work(url), ErrorContext::None, rows_to_py)
            }

            /// `GET /bbo/{market}`.
            fn bbo, bbo_async(&self, market: &str) {
                (self.url_work(Self::bbo_url(market)), ErrorContext::None, body_to_py)
            }

            /// `GET /orderbook/{market}?depth=…`.
            #[pyo3(signature = (market, depth=20))]
            fn orderbook, orderbook_async(&self, market: &str, depth: u32) {
                let work = self.url_work(Self::book_url(market, depth));
                (work, ErrorContext::None, body_to_py)
            }

            /// `GET /trades?market=…` between `start_ms` and `end_ms`, newest first, every page
            /// (at most `limit` rows when given).
            #[pyo3(signature = (market, start_ms=None, end_ms=None, limit=None))]
            fn trades, trades_async(
                &self,
                market: &str,
                start_ms: Option<u64>,
                end_ms: Option<u64>,
                limit: Option<usize>,
            ) {
                let url = Self::trades_url(market, start_ms, end_ms);
                (self.pages_work(url, ALL_PAGES, limit), ErrorContext::None, rows_to_py)
            }

            /// `GET /funding/data?market=…` between `start_ms` and `end_ms`, every page.
            #[pyo3(signature = (market, start_ms=None, end_ms=None))]
            fn funding_data, funding_data_async(
                &self,
                market: &str,
                start_ms: Option<u64>,
                end_ms: Option<u64>,
            ) {
                let url = Self::funding_url(market, start_ms, end_ms);
                (self.pages_work(url, ALL_PAGES, None), ErrorContext::None, rows_to_py)
            }

            /// `GET /system/time`: the exchange's clock, unix milliseconds.
            fn system_time, system_time_async(&self) {
                let work = self.url_work("/v1/system/time".into());
                (work, ErrorContext::None, server_time_to_py)
            }
        }
    }
}
