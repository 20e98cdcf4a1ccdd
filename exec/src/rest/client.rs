//! The REST client core: requests with the bearer token, timeouts, safe retries with backoff,
//! 429 handling, and the JWT lifecycle.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method, StatusCode};
use paradex_proto::typed_data::OrderSide;
use serde::de::DeserializeOwned;

use super::auth::{Credentials, Jwt, JwtSlot, unix_ms};
use super::error::{RestError, RestResult};
use super::models::{ApiErrorBody, AuthResponse, decode};
use super::transport::Transport;
use crate::sign::OrderTemplate;

/// Client settings.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Scheme and host, without `/v1` (e.g. `https://api.prod.paradex.trade`).
    pub base_url: String,
    /// Per-attempt timeout (connect + request + body).
    pub timeout: Duration,
    /// Extra attempts for retryable failures (where retrying is safe).
    pub max_retries: u32,
    /// First backoff; doubles per attempt up to [`ClientConfig::max_backoff`].
    pub backoff: Duration,
    /// Backoff cap.
    pub max_backoff: Duration,
    /// `recv_window` sent with orders (ms), if any.
    pub recv_window_ms: Option<u64>,
    /// A PEM CA bundle trusted for `https` IN ADDITION to the webpki roots (a private or test
    /// CA). Certificate verification is always on.
    pub ca_file: Option<PathBuf>,
    /// Longest wait a 429's `retry-after` / `x-ratelimit-reset` may impose before a safe retry;
    /// a longer one returns [`RestError::RateLimited`] at once.
    pub max_rate_limit_wait: Duration,
}

impl ClientConfig {
    /// Defaults for `base_url`: 5 s timeout, 3 retries from 50 ms to 2 s, 429 waits up to 5 s.
    pub fn new(base_url: &str) -> Self {
        Self {
            base_url: base_url.to_owned(),
            timeout: Duration::from_secs(5),
            max_retries: 3,
            backoff: Duration::from_millis(50),
            max_backoff: Duration::from_secs(2),
            recv_window_ms: None,
            ca_file: None,
            max_rate_limit_wait: Duration::from_secs(5),
        }
    }

    /// Exponential backoff before retry number `attempt + 1`.
    pub(crate) fn backoff_for(&self, attempt: u32) -> Duration {
        self.backoff
            .saturating_mul(1 << attempt.min(16))
            .min(self.max_backoff)
    }

    /// Delay before retry number `attempt + 1`: exponential backoff, or the server's wait hint
    /// when it asked for longer; `None` when the hint exceeds [`Self::max_rate_limit_wait`].
    pub(crate) fn retry_delay(&self, attempt: u32, hint: Option<Duration>) -> Option<Duration> {
        let backoff = self.backoff_for(attempt);
        match hint {
            Some(wait) if wait > self.max_rate_limit_wait => None,
            Some(wait) => Some(wait.max(backoff)),
            None => Some(backoff),
        }
    }
}

/// An order to create: REST strings, as a user would write them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewOrder {
    /// Market.
    pub market: String,
    /// Side.
    pub side: OrderSide,
    /// `LIMIT`, `MARKET`, `STOP_LIMIT`, …
    pub order_type: String,
    /// Size, decimal string.
    pub size: String,
    /// Limit price (None for market orders).
    pub price: Option<String>,
    /// `GTC`, `IOC`, `POST_ONLY`, `RPI`.
    pub instruction: String,
    /// Client id (≤ 64 chars): required, it is what makes a retried create safe.
    pub client_id: String,
    /// Flags such as `REDUCE_ONLY`.
    pub flags: Vec<String>,
    /// Trigger price of stop orders.
    pub trigger_price: Option<String>,
}

/// Whether a request may be sent again after an ambiguous failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retry {
    /// Reads, cancels, modifies and creates carrying a client id.
    Safe,
    /// Never repeat (e.g. a batch whose outcome must be reconciled instead).
    Never,
}

/// Signing templates per (market, side, order type).
pub(crate) type TemplateCache = HashMap<(String, OrderSide, String), OrderTemplate>;

/// The Paradex REST client. Cheap to clone; connections are pooled and kept alive.
#[derive(Debug, Clone)]
pub struct RestClient {
    pub(crate) transport: Transport,
    pub(crate) creds: Arc<Credentials>,
    jwt: Arc<JwtSlot>,
    pub(crate) config: ClientConfig,
    pub(crate) templates: Arc<Mutex<TemplateCache>>,
}

impl RestClient {
    /// A client for one account.
    ///
    /// # Errors
    /// A malformed base URL.
    pub fn new(config: ClientConfig, creds: Credentials) -> RestResult<Self> {
        crate::sign::Signer::warm_up();
        Ok(Self {
            transport: Transport::new(&config.base_url, config.timeout, config.ca_file.as_deref())?,
            creds: Arc::new(creds),
            jwt: Arc::new(JwtSlot::default()),
            config,
            templates: Arc::new(Mutex::new(HashMap::new())),
        })
    }

    /// The credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.creds
    }

    /// Obtains a fresh JWT now (`POST /v1/auth/{public_key}`), retrying with backoff.
    ///
    /// # Errors
    /// The exchange refused the signature, or every attempt failed.
    pub async fn authenticate(&self) -> RestResult<()> {
        let _single_flight = self.jwt.refreshing.lock().await;
        self.fetch_jwt().await
    }

    /// Unix seconds at which the held token expires.
    pub fn jwt_expires_at(&self) -> Option<u64> {
        self.jwt.expires_at()
    }

    /// Runs until dropped/aborted: renews the token before it expires (a third of its life,
    /// at most a minute, early), so private calls never wait for `/auth`; a failed renewal is
    /// retried with exponential backoff while the old token still works. Spawn it with
    /// `tokio::spawn(client.clone().keep_jwt_fresh())`.
    pub async fn keep_jwt_fresh(self) {
        let mut failures = 0u32;
        loop {
            let wait_ms = self
                .jwt
                .refresh_at_ms()
                .map_or(0, |at| at.saturating_sub(unix_ms()));
            tokio::time::sleep(Duration::from_millis(wait_ms)).await;
            match self.refresh_if_due().await {
                Ok(()) => failures = 0,
                Err(e) => {
                    let delay = self
                        .config
                        .backoff_for(failures)
                        .max(Duration::from_millis(100));
                    tracing::warn!(error = %e, ?delay, "JWT renewal failed; retrying");
                    tokio::time::sleep(delay).await;
                    failures = failures.saturating_add(1);
                }
            }
        }
    }

    /// Renews the token if (still) due, sharing the flight with concurrent callers.
    async fn refresh_if_due(&self) -> RestResult<()> {
        let _single_flight = self.jwt.refreshing.lock().await;
        if self.jwt.needs_refresh(unix_ms()) {
            self.fetch_jwt().await
        } else {
            Ok(())
        }
    }

    /// `POST /v1/onboarding` (idempotent): registers the L2 key under the account, signed
    /// `Constant{action:"Onboarding"}`; `ethereum_account` is the L1 address.
    ///
    /// # Errors
    /// The exchange refused it, or every attempt failed.
    pub async fn onboard(&self, ethereum_account: &str) -> RestResult<()> {
        let signed = self.creds.signer.sign_onboarding()?;
        let headers = [
            header("PARADEX-ETHEREUM-ACCOUNT", ethereum_account)?,
            header("PARADEX-STARKNET-ACCOUNT", &self.creds.account)?,
            header("PARADEX-STARKNET-SIGNATURE", &signed.signature.to_wire())?,
        ];
        let body = serde_json::to_vec(
            &serde_json::json!({ "public_key": format!("{:#x}", self.creds.signer.public_key()) }),
        )
        .map_err(|e| RestError::Invalid(e.to_string()))?;
        let mut attempt = 0;
        loop {
            let outcome = match self
                .transport
                .send(Method::POST, "/v1/onboarding", &headers, Some(body.clone()))
                .await
            {
                Ok(r) => check(r.status, r.body).map(drop),
                Err(e) => Err(e),
            };
            match outcome {
                Err(e) if e.is_retryable() && attempt < self.config.max_retries => {
                    tokio::time::sleep(self.backoff(attempt)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn fetch_jwt(&self) -> RestResult<()> {
        let mut attempt = 0;
        loop {
            match self.auth_once().await {
                Ok(()) => return Ok(()),
                Err(e) if e.is_retryable() && attempt < self.config.max_retries => {
                    tokio::time::sleep(self.backoff(attempt)).await;
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn auth_once(&self) -> RestResult<()> {
        let now_ms = unix_ms();
        let headers = self
            .creds
            .auth_headers(now_ms / 1000)?
            .into_iter()
            .map(|(k, v)| header(k, &v))
            .collect::<RestResult<Vec<_>>>()?;
        let path = format!("/v1/auth/{:#x}", self.creds.signer.public_key());
        let response = self
            .transport
            .send(Method::POST, &path, &headers, None)
            .await?;
        let body = check(response.status, response.body)?;
        let auth: AuthResponse =
            serde_json::from_slice(&body).map_err(|e| decode("auth", e.to_string()))?;
        self.jwt.store(Jwt::parse(auth.jwt_token, now_ms));
        Ok(())
    }

    /// A valid bearer token for other transports (the private WebSocket `auth`).
    ///
    /// # Errors
    /// As [`Self::authenticate`].
    pub async fn bearer_token(&self) -> RestResult<String> {
        self.bearer().await
    }

    /// Forgets the held token (after the exchange called it invalid).
    pub fn invalidate_jwt(&self) {
        self.jwt.invalidate();
    }

    /// A token that may be sent now. One whose renewal is due is still returned, while a
    /// background task renews it; only an unusable (or missing) token makes the caller wait.
    async fn bearer(&self) -> RestResult<String> {
        if let Some((token, due)) = self.jwt.usable(unix_ms()) {
            if due {
                self.renew_in_background();
            }
            return Ok(token);
        }
        let _single_flight = self.jwt.refreshing.lock().await;
        if let Some((token, _)) = self.jwt.usable(unix_ms()) {
            return Ok(token);
        }
        self.fetch_jwt().await?;
        self.jwt
            .usable(unix_ms())
            .map(|(token, _)| token)
            .ok_or_else(|| RestError::Invalid("the exchange issued an already expiring JWT".into()))
    }

    /// Starts one renewal task unless one is under way.
    fn renew_in_background(&self) {
        use std::sync::atomic::Ordering;
        if self
            .jwt
            .renewing
            .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            return;
        }
        let client = self.clone();
        tokio::spawn(async move {
            if let Err(e) = client.refresh_if_due().await {
                tracing::warn!(error = %e, "background JWT renewal failed; the next call retries");
            }
            client.jwt.renewing.store(false, Ordering::Release);
        });
    }

    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        self.config.backoff_for(attempt)
    }

    /// One API call: bearer token, retries for retryable failures when `retry` allows, one
    /// re-authentication on 401.
    pub(crate) async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        private: bool,
        retry: Retry,
    ) -> RestResult<Bytes> {
        self.call_tracked(method, path, body, private, retry, &mut false)
            .await
    }

    /// [`Self::call`], setting `resent` when the request was sent again after an ambiguous
    /// failure (timeout, transport error, 5xx, 429): a create must then expect its own
    /// duplicate.
    pub(crate) async fn call_tracked(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        private: bool,
        retry: Retry,
        resent: &mut bool,
    ) -> RestResult<Bytes> {
        let mut attempt = 0;
        let mut reauthenticated = false;
        loop {
            let mut headers = Vec::with_capacity(1);
            if private {
                headers.push(header(
                    "authorization",
                    &format!("Bearer {}", self.bearer().await?),
                )?);
            }
            let (outcome, hint) = send_checked(
                &self.transport,
                method.clone(),
                path,
                &headers,
                body.clone(),
            )
            .await;
            match outcome {
                Ok(bytes) => return Ok(bytes),
                Err(RestError::Api { status: 401, .. }) if private && !reauthenticated => {
                    self.jwt.invalidate();
                    reauthenticated = true;
                }
                Err(e)
                    if e.is_retryable()
                        && retry == Retry::Safe
                        && attempt < self.config.max_retries =>
                {
                    let Some(delay) = self.config.retry_delay(attempt, hint) else {
                        return Err(rate_limited(e));
                    };
                    tracing::debug!(error = %e, attempt, path, ?delay, "retrying");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                    *resent = true;
                }
                Err(e) => return Err(rate_limited(e)),
            }
        }
    }

    /// [`Self::call`] and decode the JSON body.
    pub(crate) async fn call_json<T: DeserializeOwned>(
        &self,
        what: &'static str,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        retry: Retry,
    ) -> RestResult<T> {
        let bytes = self.call(method, path, body, true, retry).await?;
        serde_json::from_slice(&bytes).map_err(|e| decode(what, e.to_string()))
    }
}

fn header(name: &str, value: &str) -> RestResult<(HeaderName, HeaderValue)> {
    Ok((
        HeaderName::try_from(name).map_err(|e| RestError::Invalid(e.to_string()))?,
        HeaderValue::try_from(value).map_err(|e| RestError::Invalid(e.to_string()))?,
    ))
}

/// One request; the checked outcome and the server's wait hint.
pub(crate) async fn send_checked(
    transport: &Transport,
    method: Method,
    path: &str,
    headers: &[(HeaderName, HeaderValue)],
    body: Option<Vec<u8>>,
) -> (RestResult<Bytes>, Option<Duration>) {
    match transport.send(method, path, headers, body).await {
        Ok(r) => (check(r.status, r.body), r.retry_after),
        Err(e) => (Err(e), None),
    }
}

/// A final 429 becomes [`RestError::RateLimited`]; anything else is returned as is.
pub(crate) fn rate_limited(e: RestError) -> RestError {
    match e {
        RestError::Api { status: 429, .. } => RestError::RateLimited,
        other => other,
    }
}

/// 2xx → body; anything else → [`RestError::Api`] with the ApiError fields.
fn check(status: StatusCode, body: Bytes) -> RestResult<Bytes> {
    if status.is_success() {
        return Ok(body);
    }
    let api: ApiErrorBody = serde_json::from_slice(&body).unwrap_or_default();
    Err(RestError::Api {
        status: status.as_u16(),
        code: api.error,
        message: api.message,
    })
}
