//! WebSocket JSON-RPC 2.0 at `/v1`: auth, subscriptions, public (SBE or JSON) and private channels.
//!
//! Connect to `/v1` for JSON, or `/v1?sbeSchemaId=1&sbeSchemaVersion={0|1|2}` for SBE binary
//! public payloads (anything else in those parameters: HTTP 400 at the handshake). Control
//! traffic (requests, responses, errors) and private channels are always JSON text frames.
//! An `Authorization: Bearer <JWT>` header on the upgrade authenticates like the `auth`
//! method. See [`session`] for the per-connection behaviour.

pub mod channel;
pub mod json_out;
pub mod rpc;
pub mod sbe_out;
pub mod session;

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{Query, State, WebSocketUpgrade};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::watch;

use crate::auth::AuthService;
use crate::config::MockConfig;
use crate::exchange::Exchange;
use crate::faults::Faults;
use crate::marketdata::{FirehoseSettings, MarketDataError, Recording};

/// Per-session timing and limits.
#[derive(Debug, Clone)]
pub struct WsSettings {
    /// Server ping period.
    pub ping_interval: Duration,
    /// Time allowed for the pong.
    pub pong_timeout: Duration,
    /// Idle time before an SBE heartbeat.
    pub sbe_heartbeat: Duration,
    /// Queued exchange events beyond which a session is dropped as a slow consumer.
    pub slow_consumer_limit: usize,
}

/// What every session shares; outlives restarts.
#[derive(Debug)]
pub struct WsShared {
    exchange: Arc<Exchange>,
    auth: Arc<AuthService>,
    faults: Arc<Faults>,
    settings: WsSettings,
    markets: Vec<String>,
    firehose: Option<FirehoseSettings>,
    replay: Option<Arc<Recording>>,
    record_path: Option<PathBuf>,
    record_claimed: AtomicBool,
    next_session: AtomicU64,
}

impl WsShared {
    /// Reads `--replay` now, so a bad file fails the start rather than a session.
    ///
    /// # Errors
    /// [`MarketDataError`] for an unreadable or corrupt replay file.
    pub fn new(
        config: &MockConfig,
        exchange: Arc<Exchange>,
        auth: Arc<AuthService>,
        faults: Arc<Faults>,
    ) -> Result<Self, MarketDataError> {
        let replay = match &config.replay {
            Some(path) => Some(Arc::new(Recording::load(path)?)),
            None => None,
        };
        let markets = exchange.market_symbols();
        let firehose = config
            .firehose
            .then(|| FirehoseSettings::from_config(config, &exchange));
        Ok(Self {
            exchange,
            auth,
            faults,
            settings: WsSettings {
                ping_interval: config.ping_interval(),
                pong_timeout: config.pong_timeout(),
                sbe_heartbeat: config.sbe_heartbeat(),
                slow_consumer_limit: config.slow_consumer_limit,
            },
            markets,
            firehose,
            replay,
            record_path: config.record.clone(),
            record_claimed: AtomicBool::new(false),
            next_session: AtomicU64::new(1),
        })
    }

    /// The record file, for the first session to ask.
    fn claim_record_path(&self) -> Option<PathBuf> {
        let path = self.record_path.clone()?;
        (!self.record_claimed.swap(true, Ordering::Relaxed)).then_some(path)
    }
}

#[derive(Clone)]
struct RouteState {
    shared: Arc<WsShared>,
    stopped: watch::Receiver<bool>,
}

/// The `/v1` upgrade route. Sessions end when `stopped` turns true (shutdown or restart).
pub fn router(shared: Arc<WsShared>, stopped: watch::Receiver<bool>) -> Router {
    Router::new()
        .route("/v1", get(upgrade))
        .with_state(RouteState { shared, stopped })
}

/// Microseconds since the epoch (wall clock), as Paradex stamps `usIn` / `usOut`.
#[must_use]
pub fn now_us() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

/// The SBE schema versions served (Paradex serves 1:0 to 1:2).
const SBE_VERSIONS: std::ops::RangeInclusive<u16> = 0..=paradex_proto::sbe::SCHEMA_VERSION;

/// `Some(version)` for an SBE session, `None` for JSON; `Err` text for HTTP 400.
fn negotiate_sbe(query: &HashMap<String, String>) -> Result<Option<u16>, String> {
    let id = query.get("sbeSchemaId");
    let version = query.get("sbeSchemaVersion");
    match (id, version) {
        (None, None) => Ok(None),
        (Some(id), Some(version)) => {
            if id.parse::<u16>().ok() != Some(paradex_proto::sbe::SCHEMA_ID) {
                return Err(format!("unsupported sbeSchemaId {id:?}"));
            }
            match version.parse::<u16>() {
                Ok(v) if SBE_VERSIONS.contains(&v) => Ok(Some(v)),
                _ => Err(format!("unsupported sbeSchemaVersion {version:?}")),
            }
        }
        _ => Err("sbeSchemaId and sbeSchemaVersion go together".to_owned()),
    }
}

async fn upgrade(
    State(state): State<RouteState>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let sbe_version = match negotiate_sbe(&query) {
        Ok(version) => version,
        Err(reason) => return (StatusCode::BAD_REQUEST, reason).into_response(),
    };
    // Like the SDK's header: a valid bearer authenticates now; a bad one is ignored here and
    // the client can still send `auth`.
    let account = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .and_then(|token| state.shared.auth.verify_bearer(token.trim()).ok());
    let session_id = state.shared.next_session.fetch_add(1, Ordering::Relaxed);
    let shared = state.shared;
    let stopped = state.stopped;
    upgrade.max_message_size(1 << 20).on_upgrade(move |socket| {
        session::run(socket, shared, session_id, sbe_version, account, stopped)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn sbe_negotiation() {
        assert_eq!(negotiate_sbe(&query(&[])), Ok(None));
        assert_eq!(
            negotiate_sbe(&query(&[("sbeSchemaId", "1"), ("sbeSchemaVersion", "2")])),
            Ok(Some(2))
        );
        assert_eq!(
            negotiate_sbe(&query(&[("sbeSchemaId", "1"), ("sbeSchemaVersion", "0")])),
            Ok(Some(0))
        );
        for bad in [
            query(&[("sbeSchemaId", "2"), ("sbeSchemaVersion", "1")]),
            query(&[("sbeSchemaId", "1"), ("sbeSchemaVersion", "9")]),
            query(&[("sbeSchemaId", "1")]),
            query(&[("sbeSchemaVersion", "1")]),
            query(&[("sbeSchemaId", "x"), ("sbeSchemaVersion", "1")]),
        ] {
            assert!(negotiate_sbe(&bad).is_err(), "{bad:?}");
        }
    }
}
