//! A continuously refilled token bucket per client, answering 429 with Paradex's
//! `x-ratelimit-*` headers. Authenticated calls count against their account (as Paradex's
//! per-account limits do, whichever JWT they carry); anonymous calls share one bucket.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::auth::AuthService;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;

/// Window the configured limit is expressed over, seconds.
const WINDOW_SECS: u64 = 60;

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    refilled: Instant,
}

/// Requests per minute per client; shared by every request of the router.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<String, Bucket>>,
    auth: Option<Arc<AuthService>>,
}

/// What one request saw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decision {
    /// Whether it may proceed.
    pub allowed: bool,
    /// Whole tokens left.
    pub remaining: u32,
    /// Seconds until a token is available again (0 when allowed).
    pub retry_after_secs: u64,
}

impl RateLimiter {
    /// A limiter allowing `per_minute` requests per client (bursts up to that many).
    #[must_use]
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
            auth: None,
        }
    }

    /// Same, keying authenticated requests by the account their JWT names.
    #[must_use]
    pub fn per_account(per_minute: u32, auth: Arc<AuthService>) -> Self {
        Self {
            auth: Some(auth),
            ..Self::new(per_minute)
        }
    }

    fn client_of(&self, request: &Request) -> String {
        let token = request
            .headers()
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().strip_prefix("Bearer "));
        match (token, &self.auth) {
            (Some(token), Some(auth)) => auth
                .verify_bearer(token.trim())
                .unwrap_or_else(|_| "anonymous".to_owned()),
            (Some(token), None) => token.to_owned(),
            (None, _) => "anonymous".to_owned(),
        }
    }

    /// Takes one token from `client`'s bucket at `now`.
    pub fn take(&self, client: &str, now: Instant) -> Decision {
        let capacity = f64::from(self.per_minute);
        let rate = capacity / WINDOW_SECS as f64;
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let bucket = buckets.entry(client.to_owned()).or_insert(Bucket {
            tokens: capacity,
            refilled: now,
        });
        let elapsed = now.saturating_duration_since(bucket.refilled).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(capacity);
        bucket.refilled = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Decision {
                allowed: true,
                remaining: bucket.tokens as u32,
                retry_after_secs: 0,
            }
        } else {
            let wait = ((1.0 - bucket.tokens) / rate).ceil() as u64;
            Decision {
                allowed: false,
                remaining: 0,
                retry_after_secs: wait.max(1),
            }
        }
    }

    fn headers(&self, decision: Decision, headers: &mut HeaderMap) {
        let reset_at = crate::auth::unix_now_secs() + decision.retry_after_secs;
        let pairs = [
            ("x-ratelimit-limit", self.per_minute.to_string()),
            ("x-ratelimit-remaining", decision.remaining.to_string()),
            ("x-ratelimit-reset", reset_at.to_string()),
            ("x-ratelimit-window", format!("{WINDOW_SECS}s")),
        ];
        for (name, value) in pairs {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        }
    }
}

/// Middleware: 429 `RATE_LIMIT_EXCEEDED` once a client's bucket is empty.
pub async fn limit(
    State(limiter): State<Arc<RateLimiter>>,
    request: Request,
    next: Next,
) -> Response {
    let client = limiter.client_of(&request);
    let decision = limiter.take(&client, Instant::now());
    let mut response = if decision.allowed {
        next.run(request).await
    } else {
        let mut response = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "RATE_LIMIT_EXCEEDED",
            "rate limit exceeded",
        )
        .into_response();
        if let Ok(value) = HeaderValue::from_str(&decision.retry_after_secs.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    };
    limiter.headers(decision, response.headers_mut());
    response
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn empties_then_refills() {
        let limiter = RateLimiter::new(60);
        let start = Instant::now();
        for _ in 0..60 {
            assert!(limiter.take("a", start).allowed);
        }
        let denied = limiter.take("a", start);
        assert!(!denied.allowed);
        assert_eq!(denied.retry_after_secs, 1);
        assert!(limiter.take("b", start).allowed, "buckets are per client");
        assert!(
            limiter
                .take("a", start + Duration::from_millis(1100))
                .allowed
        );
    }
}
