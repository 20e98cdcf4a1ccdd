//! The public (unauthenticated) REST client: market metadata, books, trades, funding, time.
//! Bodies are returned as the exchange sent them, for callers that want every field.

use bytes::Bytes;
use http::Method;
use serde_json::value::RawValue;

use super::client::{ClientConfig, rate_limited, send_checked};
use super::error::RestResult;
use super::queries::paginate_with;
use super::transport::Transport;

/// REST client for the public endpoints; no credentials. Cheap to clone (pooled connections).
#[derive(Debug, Clone)]
pub struct PublicClient {
    transport: Transport,
    config: ClientConfig,
}

impl PublicClient {
    /// A client for `config.base_url`.
    ///
    /// # Errors
    /// A malformed base URL or an unusable `ca_file`.
    pub fn new(config: ClientConfig) -> RestResult<Self> {
        Ok(Self {
            transport: Transport::new(&config.base_url, config.timeout, config.ca_file.as_deref())?,
            config,
        })
    }

    /// The settings.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// `GET path_and_query` (e.g. `/v1/markets`), retried on timeouts, transport errors, 5xx
    /// and 429 (after the server's wait hint); returns the body as sent.
    ///
    /// # Errors
    /// The exchange's error, or the last failure once retries are exhausted.
    pub async fn get(&self, path_and_query: &str) -> RestResult<Bytes> {
        let mut attempt = 0;
        loop {
            let (outcome, hint) =
                send_checked(&self.transport, Method::GET, path_and_query, &[], None).await;
            match outcome {
                Err(e) if e.is_retryable() && attempt < self.config.max_retries => {
                    let Some(delay) = self.config.retry_delay(attempt, hint) else {
                        return Err(rate_limited(e));
                    };
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                other => return other.map_err(rate_limited),
            }
        }
    }

    /// Every row of a paginated `GET` (`{"results": [...], "next": cursor}`), following cursors
    /// up to `max_pages` pages (more is an error) or until `max_rows` rows.
    ///
    /// # Errors
    /// As [`Self::get`], a body that is not a page, or more pages than allowed.
    pub async fn get_pages(
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
            |url| async move { self.get(&url).await },
        )
        .await
    }
}
