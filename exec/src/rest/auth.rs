//! Credentials and the JWT: obtained with a signed `POST /v1/auth/{public_key}` (seconds
//! timestamps), renewed in the background a third of its life (at most a minute) before it
//! expires, so a valid token is always at hand, and never printed.

use std::fmt;
use std::sync::RwLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::sign::{PrivateKey, Signer};
use paradex_proto::typed_data::AccountContext;

use super::error::{RestError, RestResult};

/// Renew at most this long before `exp` (a third of the token's life if that is shorter):
/// a minute for Paradex's 300 s tokens.
const MAX_REFRESH_MARGIN_MS: u64 = 60_000;
/// Stop sending a token at most this long before `exp` (a tenth of its life if shorter), for
/// transit time and clock skew.
const MAX_SAFETY_MARGIN_MS: u64 = 5_000;
/// Lifetime assumed when a token's `exp` cannot be read.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(300);
/// `PARADEX-SIGNATURE-EXPIRATION` = timestamp + this.
const AUTH_SIGNATURE_VALIDITY: Duration = Duration::from_secs(30 * 60);

/// An account's signing identity: the L2 key bound to (chain, account).
#[derive(Debug, Clone)]
pub struct Credentials {
    pub(crate) signer: Signer,
    pub(crate) account: String,
}

impl Credentials {
    /// From the hex L2 private key, the Starknet chain id (`PRIVATE_SN_…`) and the account
    /// address.
    ///
    /// # Errors
    /// A malformed key, chain id or address (the error never echoes the key).
    pub fn new(private_key: &str, chain_id: &str, account: &str) -> RestResult<Self> {
        let key = PrivateKey::from_str_secret(private_key)?;
        let ctx = AccountContext::new(chain_id, account)
            .map_err(|e| RestError::Invalid(e.to_string()))?;
        Ok(Self {
            signer: Signer::new(key, ctx),
            account: account.to_owned(),
        })
    }

    /// From the environment: `PARADEX_L2_PRIVATE_KEY`, `PARADEX_CHAIN_ID`,
    /// `PARADEX_ACCOUNT_ADDRESS`.
    ///
    /// # Errors
    /// A missing variable, or as [`Credentials::new`].
    pub fn from_env() -> RestResult<Self> {
        let var = |name: &str| {
            std::env::var(name).map_err(|_| RestError::Invalid(format!("{name} is not set")))
        };
        Self::new(
            &var("PARADEX_L2_PRIVATE_KEY")?,
            &var("PARADEX_CHAIN_ID")?,
            &var("PARADEX_ACCOUNT_ADDRESS")?,
        )
    }

    /// The signer.
    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    /// The account address as configured.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// The `PARADEX-*` headers of `POST /v1/auth` signed at `now_s`.
    pub(crate) fn auth_headers(&self, now_s: u64) -> RestResult<Vec<(&'static str, String)>> {
        let expiration = now_s + AUTH_SIGNATURE_VALIDITY.as_secs();
        let signed = self.signer.sign_auth(now_s, expiration)?;
        Ok(vec![
            ("PARADEX-STARKNET-ACCOUNT", self.account.clone()),
            ("PARADEX-STARKNET-SIGNATURE", signed.signature.to_wire()),
            ("PARADEX-TIMESTAMP", now_s.to_string()),
            ("PARADEX-SIGNATURE-EXPIRATION", expiration.to_string()),
        ])
    }
}

/// A bearer token and when it expires.
#[derive(Clone)]
pub(crate) struct Jwt {
    pub(crate) token: String,
    /// Unix seconds.
    pub(crate) expires_at: u64,
    /// Unix ms from which a renewal is due (in the background: the token still works).
    refresh_at_ms: u64,
    /// Unix ms after which the token is no longer sent.
    usable_until_ms: u64,
}

impl fmt::Debug for Jwt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Jwt")
            .field("token", &"<redacted>")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

impl Jwt {
    /// Reads `exp` from the token's payload (no signature check: the server checks it);
    /// `now_ms` is when it was obtained.
    pub(crate) fn parse(token: String, now_ms: u64) -> Self {
        let now_s = now_ms / 1000;
        let exp = token
            .split('.')
            .nth(1)
            .and_then(|payload| URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok())
            .and_then(|json| serde_json::from_slice::<serde_json::Value>(&json).ok())
            .and_then(|claims| claims.get("exp").and_then(serde_json::Value::as_u64));
        let expires_at = exp.unwrap_or(now_s + DEFAULT_LIFETIME.as_secs());
        let expires_ms = expires_at.saturating_mul(1000);
        let life_ms = expires_ms.saturating_sub(now_ms);
        Self {
            token,
            expires_at,
            refresh_at_ms: expires_ms - (life_ms / 3).min(MAX_REFRESH_MARGIN_MS),
            usable_until_ms: expires_ms - (life_ms / 10).min(MAX_SAFETY_MARGIN_MS),
        }
    }

    /// Whether a renewal is due at `now_ms`.
    pub(crate) fn needs_refresh(&self, now_ms: u64) -> bool {
        now_ms >= self.refresh_at_ms
    }

    /// Whether the token may still be sent at `now_ms`.
    pub(crate) fn is_usable(&self, now_ms: u64) -> bool {
        now_ms < self.usable_until_ms
    }
}

/// The current token (read on every private call; written on refresh).
#[derive(Debug, Default)]
pub(crate) struct JwtSlot {
    current: RwLock<Option<Jwt>>,
    /// Serialises refreshes so concurrent callers share one `POST /auth`.
    pub(crate) refreshing: tokio::sync::Mutex<()>,
    /// A background renewal has been started and has not finished.
    pub(crate) renewing: std::sync::atomic::AtomicBool,
}

impl JwtSlot {
    /// The token if it may still be sent at `now_ms`, and whether a renewal is due.
    pub(crate) fn usable(&self, now_ms: u64) -> Option<(String, bool)> {
        let guard = self
            .current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        guard
            .as_ref()
            .filter(|j| j.is_usable(now_ms))
            .map(|j| (j.token.clone(), j.needs_refresh(now_ms)))
    }

    /// Whether a renewal is due at `now_ms` (always, without a token).
    pub(crate) fn needs_refresh(&self, now_ms: u64) -> bool {
        self.current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            .is_none_or(|j| j.needs_refresh(now_ms))
    }

    /// Unix ms from which the held token's renewal is due.
    pub(crate) fn refresh_at_ms(&self) -> Option<u64> {
        self.current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            .map(|j| j.refresh_at_ms)
    }

    pub(crate) fn store(&self, jwt: Jwt) {
        *self
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(jwt);
    }

    /// Drops the token (after a 401) so the next call fetches a new one.
    pub(crate) fn invalidate(&self) {
        *self
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }

    /// Expiry of the held token.
    pub(crate) fn expires_at(&self) -> Option<u64> {
        self.current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .as_ref()
            .map(|j| j.expires_at)
    }
}

/// Unix time in nanoseconds (`CLOCK_REALTIME`).
pub(crate) fn unix_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// Unix time in milliseconds.
pub(crate) fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jwt_expiry_is_read_and_never_printed() {
        let payload =
            URL_SAFE_NO_PAD.encode(br#"{"typ":"at+JWT","exp":1700000300,"iat":1700000000}"#);
        let jwt = Jwt::parse(
            format!("eyJhbGciOiJFUzM4NCJ9.{payload}.sig-secret"),
            1_700_000_000_000,
        );
        assert_eq!(jwt.expires_at, 1_700_000_300);
        assert!(!jwt.needs_refresh(1_700_000_000_000));
        assert!(!jwt.needs_refresh(1_700_000_239_999));
        assert!(jwt.needs_refresh(1_700_000_240_000));
        assert!(jwt.is_usable(1_700_000_294_999));
        assert!(!jwt.is_usable(1_700_000_295_000));
        assert!(!format!("{jwt:?}").contains("sig-secret"));
        assert_eq!(Jwt::parse("garbage".into(), 10_000).expires_at, 310);
    }

    #[test]
    fn short_tokens_renew_a_third_of_their_life_early() {
        let payload = URL_SAFE_NO_PAD.encode(br#"{"exp":1700000003}"#);
        let jwt = Jwt::parse(format!("h.{payload}.s"), 1_700_000_000_000);
        assert!(!jwt.needs_refresh(1_700_000_001_999));
        assert!(jwt.needs_refresh(1_700_000_002_000));
        assert!(jwt.is_usable(1_700_000_002_699));
        assert!(!jwt.is_usable(1_700_000_002_700));
    }
}
