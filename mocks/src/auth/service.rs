//! [`AuthService`]: JWT issue/verify and every STARK signature check (onboarding, `/auth`,
//! orders, modifies), all hashed with `paradex_proto::typed_data`.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use paradex_proto::typed_data::{
    AccountContext, Felt, OrderMessage, StarkSignature, parse_felt, verify_signature,
};

use super::error::{AuthError, AuthResult};
use super::jwt::{JwtKey, TOKEN_TTL_SECS};
use crate::exchange::{ExchangeConfig, normalize_address};

/// How far a client clock may run ahead of ours, seconds.
const CLOCK_SKEW_SECS: u64 = 30;
/// `PARADEX-SIGNATURE-EXPIRATION` default when absent: 30 minutes.
const DEFAULT_AUTH_EXPIRATION_SECS: u64 = 30 * 60;
/// Longest auth signature validity Paradex allows: one week.
const MAX_AUTH_EXPIRATION_SECS: u64 = 7 * 24 * 3600;
/// Order `recv_window` default and minimum, ms.
const DEFAULT_RECV_WINDOW_MS: u64 = 300_000;
const MIN_RECV_WINDOW_MS: u64 = 10;

/// Unix time in seconds.
#[must_use]
pub fn unix_now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Unix time in milliseconds.
#[must_use]
pub fn unix_now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// Issues and checks JWTs; verifies STARK signatures against a given public key.
/// Which public key belongs to which account is the exchange's knowledge, not this service's.
#[derive(Debug)]
pub struct AuthService {
    chain_id: String,
    jwt: JwtKey,
    token_ttl_secs: u64,
    contexts: Mutex<HashMap<String, AccountContext>>,
}

impl AuthService {
    /// A service for the config's chain id, with a fresh random JWT key.
    #[must_use]
    pub fn new(config: &ExchangeConfig) -> Self {
        Self {
            chain_id: config.chain_id.clone(),
            jwt: JwtKey::random(),
            token_ttl_secs: TOKEN_TTL_SECS,
            contexts: Mutex::new(HashMap::new()),
        }
    }

    /// The same service issuing tokens valid for `secs` seconds instead of Paradex's five minutes.
    #[must_use]
    pub fn with_token_ttl(mut self, secs: u64) -> Self {
        self.token_ttl_secs = secs.max(1);
        self
    }

    /// The Starknet chain id signatures are checked against.
    #[must_use]
    pub fn chain_id(&self) -> &str {
        &self.chain_id
    }

    /// A JWT (five minutes unless configured) whose `sub` is the normalised address.
    #[must_use]
    pub fn issue_token(&self, address: &str) -> String {
        self.issue_token_at(address, unix_now_secs())
    }

    /// [`Self::issue_token`] at a given time (tests of expiry).
    #[must_use]
    pub fn issue_token_at(&self, address: &str, now_secs: u64) -> String {
        self.jwt
            .issue(&normalize_address(address), now_secs, self.token_ttl_secs)
    }

    /// The account address of a valid, unexpired token we issued.
    ///
    /// # Errors
    /// `INVALID_TOKEN` for a malformed, foreign or expired token.
    pub fn verify_bearer(&self, token: &str) -> AuthResult<String> {
        self.jwt.verify(token, unix_now_secs())
    }

    /// [`Self::verify_bearer`] at a given time.
    ///
    /// # Errors
    /// As [`Self::verify_bearer`].
    pub fn verify_bearer_at(&self, token: &str, now_secs: u64) -> AuthResult<String> {
        self.jwt.verify(token, now_secs)
    }

    fn context(&self, account: &str) -> AuthResult<AccountContext> {
        let key = normalize_address(account);
        let mut contexts = self
            .contexts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(ctx) = contexts.get(&key) {
            return Ok(ctx.clone());
        }
        let ctx =
            AccountContext::new(&self.chain_id, &key).map_err(|_| AuthError::InvalidAddress)?;
        contexts.insert(key, ctx.clone());
        Ok(ctx)
    }

    fn check(public_key: &str, hash: Felt, signature: &str, mismatch: AuthError) -> AuthResult<()> {
        let key = parse_felt(public_key).map_err(|_| AuthError::PublicKeyInvalid("not a felt"))?;
        let signature =
            StarkSignature::from_wire(signature).map_err(|_| AuthError::MalformedSignature)?;
        match verify_signature(key, hash, &signature) {
            Ok(true) => Ok(()),
            Ok(false) | Err(_) => Err(mismatch),
        }
    }

    /// Verifies a `POST /v1/auth` signature: `Request{POST, /v1/auth, "", timestamp, expiration}`
    /// over `account`, signed by `public_key`. No clock checks (see [`Self::check_auth_window`]).
    ///
    /// # Errors
    /// `INVALID_STARKNET_SIGNATURE` (malformed), `STARKNET_SIGNATURE_VERIFICATION_FAILED`.
    pub fn verify_auth_signature(
        &self,
        account: &str,
        public_key: &str,
        signature: &str,
        timestamp_secs: u64,
        expiration_secs: u64,
    ) -> AuthResult<()> {
        let hash = self
            .context(account)?
            .auth_hash(timestamp_secs, expiration_secs);
        Self::check(public_key, hash, signature, AuthError::SignatureMismatch)
    }

    /// The expiration to sign with when the header is absent, and the window rules: the
    /// timestamp may not be in the future (beyond a small skew), the expiration must be ahead of
    /// now and at most a week after the timestamp.
    ///
    /// # Errors
    /// `INVALID_TIMESTAMP`, `INVALID_SIGNATURE_EXPIRATION`.
    pub fn check_auth_window(
        timestamp_secs: u64,
        expiration_secs: Option<u64>,
        now_secs: u64,
    ) -> AuthResult<u64> {
        if timestamp_secs > now_secs + CLOCK_SKEW_SECS {
            return Err(AuthError::InvalidTimestamp(
                "timestamp is in the future".to_owned(),
            ));
        }
        let expiration = expiration_secs.unwrap_or(timestamp_secs + DEFAULT_AUTH_EXPIRATION_SECS);
        if expiration <= now_secs {
            return Err(AuthError::InvalidExpiration(
                "signature has expired".to_owned(),
            ));
        }
        if expiration < timestamp_secs || expiration - timestamp_secs > MAX_AUTH_EXPIRATION_SECS {
            return Err(AuthError::InvalidExpiration(
                "expiration must be within a week of the timestamp".to_owned(),
            ));
        }
        Ok(expiration)
    }

    /// Verifies a `POST /v1/onboarding` signature: `Constant{action:"Onboarding"}` over `account`.
    ///
    /// # Errors
    /// `INVALID_STARKNET_SIGNATURE`, `STARKNET_SIGNATURE_VERIFICATION_FAILED`.
    pub fn verify_onboarding_signature(
        &self,
        account: &str,
        public_key: &str,
        signature: &str,
    ) -> AuthResult<()> {
        let hash = self.context(account)?.onboarding_hash();
        Self::check(public_key, hash, signature, AuthError::SignatureMismatch)
    }

    /// Verifies an order signature (`Order` typed data).
    ///
    /// # Errors
    /// `INVALID_ORDER_SIGNATURE` for a wrong or malformed signature.
    pub fn verify_order_signature(
        &self,
        account: &str,
        public_key: &str,
        order: &OrderMessage,
        signature: &str,
    ) -> AuthResult<()> {
        let hash = self.context(account)?.order_hash(order);
        Self::check(
            public_key,
            hash,
            signature,
            AuthError::InvalidOrderSignature,
        )
        .map_err(|_| AuthError::InvalidOrderSignature)
    }

    /// Verifies a modify signature (`ModifyOrder` typed data, which adds the order id).
    ///
    /// # Errors
    /// `INVALID_ORDER_SIGNATURE` for a wrong or malformed signature or a non-numeric id.
    pub fn verify_modify_signature(
        &self,
        account: &str,
        public_key: &str,
        order: &OrderMessage,
        order_id: &str,
        signature: &str,
    ) -> AuthResult<()> {
        let hash = self
            .context(account)?
            .modify_order_hash(order, order_id)
            .map_err(|_| AuthError::InvalidOrderSignature)?;
        Self::check(
            public_key,
            hash,
            signature,
            AuthError::InvalidOrderSignature,
        )
        .map_err(|_| AuthError::InvalidOrderSignature)
    }

    /// Order freshness: `now ≤ signature_timestamp + recv_window` (default 5 minutes), and the
    /// timestamp not ahead of our clock by more than the skew.
    ///
    /// # Errors
    /// `INVALID_TIMESTAMP`.
    pub fn check_order_window(
        signature_timestamp_ms: u64,
        recv_window_ms: Option<u64>,
        now_ms: u64,
    ) -> AuthResult<()> {
        let window = recv_window_ms.unwrap_or(DEFAULT_RECV_WINDOW_MS);
        if window < MIN_RECV_WINDOW_MS {
            return Err(AuthError::InvalidTimestamp(format!(
                "recv_window below {MIN_RECV_WINDOW_MS} ms"
            )));
        }
        if signature_timestamp_ms > now_ms + CLOCK_SKEW_SECS * 1000 {
            return Err(AuthError::InvalidTimestamp(
                "signature_timestamp is in the future".to_owned(),
            ));
        }
        if now_ms > signature_timestamp_ms.saturating_add(window) {
            return Err(AuthError::InvalidTimestamp(
                "signature_timestamp outside recv_window".to_owned(),
            ));
        }
        Ok(())
    }
}
