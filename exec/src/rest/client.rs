//! The REST client core: requests with the bearer token, timeouts, safe retries with backoff,
//! 429 handling, and the JWT lifecycle.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method, StatusCode};
use paradex_proto::typed_data::OrderSide;
use serde::de::DeserializeOwned;

use super::auth::{Credentials, Jwt, JwtSlot, unix_s};
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
}

impl ClientConfig {
    /// Defaults for `base_url`: 5 s timeout, 3 retries from 50 ms to 2 s.
    pub fn new(base_url: &str) -> Self {
        Self {
            base_url: base_url.to_owned(),
            timeout: Duration::from_secs(5),
            max_retries: 3,
            backoff: Duration::from_millis(50),
            max_backoff: Duration::from_secs(2),
            recv_window_ms: None,
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
            transport: Transport::new(&config.base_url, config.timeout)?,
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

    /// Runs until dropped/aborted: refreshes the token a minute before it expires, so private
    /// calls never wait for `/auth`. Spawn it with `tokio::spawn(client.clone().keep_jwt_fresh())`.
    pub async fn keep_jwt_fresh(self) {
        loop {
            let wait = match self.jwt.expires_at() {
                Some(exp) => exp.saturating_sub(unix_s() + super::auth::REFRESH_MARGIN.as_secs()),
                None => 0,
            };
            tokio::time::sleep(Duration::from_secs(wait)).await;
            if let Err(e) = self.authenticate().await {
                tracing::warn!(error = %e, "JWT refresh failed; retrying");
                tokio::time::sleep(self.config.backoff.max(Duration::from_millis(500))).await;
            }
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
        let now = unix_s();
        let headers = self
            .creds
            .auth_headers(now)?
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
        self.jwt.store(Jwt::parse(auth.jwt_token, now));
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

    /// A valid token, refreshing it first if it is within a minute of expiry.
    async fn bearer(&self) -> RestResult<String> {
        if let Some(token) = self.jwt.fresh(unix_s()) {
            return Ok(token);
        }
        let _single_flight = self.jwt.refreshing.lock().await;
        if let Some(token) = self.jwt.fresh(unix_s()) {
            return Ok(token);
        }
        self.fetch_jwt().await?;
        self.jwt
            .fresh(unix_s())
            .ok_or_else(|| RestError::Invalid("the exchange issued an already expiring JWT".into()))
    }

    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        self.config
            .backoff
            .saturating_mul(1 << attempt.min(16))
            .min(self.config.max_backoff)
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
            let outcome = match self
                .transport
                .send(method.clone(), path, &headers, body.clone())
                .await
            {
                Ok(r) => check(r.status, r.body),
                Err(e) => Err(e),
            };
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
                    tracing::debug!(error = %e, attempt, path, "retrying");
                    tokio::time::sleep(self.backoff(attempt)).await;
                    attempt += 1;
                }
                Err(RestError::Api { status: 429, .. }) => return Err(RestError::RateLimited),
                Err(e) => return Err(e),
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
