//! Credentials and the JWT: obtained with a signed `POST /v1/auth/{public_key}` (seconds
//! timestamps), refreshed a minute before its 5-minute expiry, so a valid token is always at
//! hand, and never printed.

use std::fmt;
use std::sync::RwLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::sign::{PrivateKey, Signer};
use paradex_proto::typed_data::AccountContext;

use super::error::{RestError, RestResult};

/// Refresh this long before `exp` (Paradex tokens live 300 s).
pub(crate) const REFRESH_MARGIN: Duration = Duration::from_secs(60);
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
    /// Reads `exp` from the token's payload (no signature check: the server checks it).
    pub(crate) fn parse(token: String, now_s: u64) -> Self {
        let exp = token
            .split('.')
            .nth(1)
            .and_then(|payload| URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok())
            .and_then(|json| serde_json::from_slice::<serde_json::Value>(&json).ok())
            .and_then(|claims| claims.get("exp").and_then(serde_json::Value::as_u64));
        Self {
            token,
            expires_at: exp.unwrap_or(now_s + DEFAULT_LIFETIME.as_secs()),
        }
    }

    /// Whether the token must be replaced at `now_s`.
    pub(crate) fn needs_refresh(&self, now_s: u64) -> bool {
        now_s + REFRESH_MARGIN.as_secs() >= self.expires_at
    }
}

/// The current token (read on every private call; written on refresh).
#[derive(Debug, Default)]
pub(crate) struct JwtSlot {
    current: RwLock<Option<Jwt>>,
    /// Serialises refreshes so concurrent callers share one `POST /auth`.
    pub(crate) refreshing: tokio::sync::Mutex<()>,
}

impl JwtSlot {
    /// The token if it is still fresh at `now_s`.
    pub(crate) fn fresh(&self, now_s: u64) -> Option<String> {
        let guard = self
            .current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        guard
            .as_ref()
            .filter(|j| !j.needs_refresh(now_s))
            .map(|j| j.token.clone())
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

/// Unix time in seconds.
pub(crate) fn unix_s() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
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
            1_700_000_000,
        );
        assert_eq!(jwt.expires_at, 1_700_000_300);
        assert!(!jwt.needs_refresh(1_700_000_000));
        assert!(jwt.needs_refresh(1_700_000_240));
        assert!(!format!("{jwt:?}").contains("sig-secret"));
        assert_eq!(Jwt::parse("garbage".into(), 10).expires_at, 310);
    }
}
