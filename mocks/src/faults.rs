//! Fault injection shared by every transport, controlled by CLI flags and the admin endpoint.
//!
//! A fault is a [`FaultSpec`], written as one JSON object (the same text for `--fault` and
//! `POST /admin/faults`):
//!
//! | `kind` | fields | effect |
//! |---|---|---|
//! | `ws_drop` | `after` | after `after` data frames the socket is closed without a close frame |
//! | `ws_stall` | `after`, `duration_ms?` | after `after` data frames nothing is sent (data, pings) for `duration_ms` (default: forever); the socket stays open and requests are still read |
//! | `ws_malformed` | `after` | after `after` data frames one frame that is not valid JSON / SBE is sent |
//! | `ws_truncated` | `after` | after `after` data frames the next frame is first sent cut to half its length (a frame that ends mid-message), then whole |
//! | `ws_oversized` | `after`, `bytes?` | after `after` data frames one frame of `bytes` (default 20 MiB) is sent |
//! | `ws_skip_seq` | `after` | after `after` book-delta frames one delta is not sent, so `seq_no` jumps by 2 |
//! | `rest_delay` | `delay_ms` | each matching REST response is held for `delay_ms` |
//! | `rest_delay_response` | `delay_ms` | each matching request is executed at once and its response held for `delay_ms` (the client may give up on an order that exists) |
//! | `rest_timeout` | `duration_ms?` | each matching request hangs `duration_ms` (default 35 000, past Paradex's 30 s) then gets 503 |
//! | `rest_status` | `status` | each matching request is answered with `status` (5xx or 429) and a Paradex error body |
//!
//! Scope fields, all optional: `sessions` (WebSocket faults apply to the next N sessions that
//! open; absent = every session, including open ones), `count` (REST faults apply to the next
//! N matching requests; absent = all), `channel` (a WebSocket fault counts only that
//! channel's frames) and `path` (a REST fault applies to paths starting with it). A fault
//! stays until it is used up or cleared (`DELETE /admin/faults`, `DELETE /admin/faults/{id}`).

mod rest;
mod session;

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use rest::rest_fault_layer;
pub use session::{SessionFaults, WsAction};

/// Default size of a `ws_oversized` frame: above tungstenite's 16 MiB frame limit.
pub const DEFAULT_OVERSIZED_BYTES: usize = 20 << 20;
/// Default hang of a `rest_timeout`: past Paradex's 30 s server timeout.
pub const DEFAULT_REST_TIMEOUT_MS: u64 = 35_000;

/// What a fault does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FaultKind {
    /// Close the socket after `after` data frames.
    WsDrop {
        /// Data frames delivered first.
        after: u64,
    },
    /// Stop sending after `after` data frames.
    WsStall {
        /// Data frames delivered first.
        after: u64,
        /// How long; absent = until the socket closes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        duration_ms: Option<u64>,
    },
    /// Send one frame that does not parse.
    WsMalformed {
        /// Data frames delivered first.
        after: u64,
    },
    /// Send the next frame cut short (then whole): a frame that ends mid-message.
    WsTruncated {
        /// Data frames delivered first.
        after: u64,
    },
    /// Send one frame larger than clients accept.
    WsOversized {
        /// Data frames delivered first.
        after: u64,
        /// Frame size; default [`DEFAULT_OVERSIZED_BYTES`].
        #[serde(default, skip_serializing_if = "Option::is_none")]
        bytes: Option<usize>,
    },
    /// Leave out one book delta.
    WsSkipSeq {
        /// Book-delta frames delivered first.
        after: u64,
    },
    /// Hold REST responses.
    RestDelay {
        /// Added latency.
        delay_ms: u64,
    },
    /// Execute REST requests at once, then hold the response.
    RestDelayResponse {
        /// Added latency after execution.
        delay_ms: u64,
    },
    /// Hang REST requests, then answer 503.
    RestTimeout {
        /// How long; default [`DEFAULT_REST_TIMEOUT_MS`].
        #[serde(default, skip_serializing_if = "Option::is_none")]
        duration_ms: Option<u64>,
    },
    /// Answer REST requests with this HTTP status.
    RestStatus {
        /// 429 or a 5xx.
        status: u16,
    },
}

impl FaultKind {
    /// Whether this fault acts on WebSocket sessions (else on REST requests).
    #[must_use]
    pub fn is_ws(&self) -> bool {
        matches!(
            self,
            Self::WsDrop { .. }
                | Self::WsStall { .. }
                | Self::WsMalformed { .. }
                | Self::WsTruncated { .. }
                | Self::WsOversized { .. }
                | Self::WsSkipSeq { .. }
        )
    }
}

/// One fault with its scope, as written in JSON (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultSpec {
    /// The effect.
    #[serde(flatten)]
    pub kind: FaultKind,
    /// WebSocket: the next N sessions; absent = all sessions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sessions: Option<u32>,
    /// REST: the next N matching requests; absent = all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// WebSocket: count only this channel's frames.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// REST: only paths starting with this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

impl FaultSpec {
    /// A fault with no scope restriction.
    #[must_use]
    pub fn new(kind: FaultKind) -> Self {
        Self {
            kind,
            sessions: None,
            count: None,
            channel: None,
            path: None,
        }
    }

    /// Restricts a WebSocket fault to the next `n` sessions.
    #[must_use]
    pub fn sessions(mut self, n: u32) -> Self {
        self.sessions = Some(n);
        self
    }

    /// Restricts a REST fault to the next `n` matching requests.
    #[must_use]
    pub fn count(mut self, n: u32) -> Self {
        self.count = Some(n);
        self
    }

    /// Counts only frames of `channel`.
    #[must_use]
    pub fn channel(mut self, channel: &str) -> Self {
        self.channel = Some(channel.to_owned());
        self
    }

    /// Applies only to REST paths starting with `prefix`.
    #[must_use]
    pub fn path(mut self, prefix: &str) -> Self {
        self.path = Some(prefix.to_owned());
        self
    }

    fn check(&self) -> Result<(), FaultError> {
        match self.kind {
            FaultKind::RestStatus { status } if status != 429 && !(500..600).contains(&status) => {
                Err(FaultError::Invalid(format!(
                    "status {status}: use 429 or 5xx"
                )))
            }
            _ => Ok(()),
        }
    }
}

/// An installed fault and its id (for `DELETE /admin/faults/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstalledFault {
    /// Unique id, increasing.
    pub id: u64,
    /// What was installed; `sessions` / `count` show what is left.
    #[serde(flatten)]
    pub spec: FaultSpec,
}

/// Errors of fault management.
#[derive(Debug, thiserror::Error)]
pub enum FaultError {
    /// The spec makes no sense.
    #[error("invalid fault: {0}")]
    Invalid(String),
}

/// REST effect for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RestAction {
    /// Wait, then serve normally.
    Delay(Duration),
    /// Serve now, send the response after the wait.
    DelayResponse(Duration),
    /// Wait, then answer 503.
    Timeout(Duration),
    /// Answer with this status.
    Status(u16),
}

/// The installed faults. Cheap to query: sessions look at [`Faults::generation`] (one atomic
/// load) and re-read the list only when it changed.
#[derive(Debug, Default)]
pub struct Faults {
    installed: Mutex<Vec<InstalledFault>>,
    next_id: AtomicU64,
    generation: AtomicU64,
    removals: AtomicU64,
}

impl Faults {
    /// No faults.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Installs a fault and returns its id.
    ///
    /// # Errors
    /// [`FaultError::Invalid`] for a REST status that is neither 429 nor 5xx.
    pub fn install(&self, spec: FaultSpec) -> Result<u64, FaultError> {
        spec.check()?;
        let id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        self.lock().push(InstalledFault { id, spec });
        self.bump();
        Ok(id)
    }

    /// Removes every fault.
    pub fn clear(&self) {
        self.lock().clear();
        self.removals.fetch_add(1, Ordering::Relaxed);
        self.bump();
    }

    /// Removes one fault; false if there was none with that id.
    pub fn remove(&self, id: u64) -> bool {
        let mut list = self.lock();
        let before = list.len();
        list.retain(|f| f.id != id);
        let removed = list.len() != before;
        drop(list);
        if removed {
            self.removals.fetch_add(1, Ordering::Relaxed);
            self.bump();
        }
        removed
    }

    /// The installed faults.
    #[must_use]
    pub fn list(&self) -> Vec<InstalledFault> {
        self.lock().clone()
    }

    /// Changes whenever the list changes.
    #[must_use]
    pub fn generation(&self) -> u64 {
        // SYNC: pairs with the Release in `bump`: a session that sees the new generation then
        // takes the lock, which orders it after the change anyway; Acquire keeps it cheap.
        self.generation.load(Ordering::Acquire)
    }

    /// The REST effect for a request to `path`, using up one `count` of the fault.
    #[must_use]
    pub fn take_rest(&self, path: &str) -> Option<RestAction> {
        let mut list = self.lock();
        let index = list.iter().position(|f| {
            !f.spec.kind.is_ws() && f.spec.path.as_deref().is_none_or(|p| path.starts_with(p))
        })?;
        let fault = &mut list[index];
        let action = match fault.spec.kind {
            FaultKind::RestDelay { delay_ms } => RestAction::Delay(Duration::from_millis(delay_ms)),
            FaultKind::RestDelayResponse { delay_ms } => {
                RestAction::DelayResponse(Duration::from_millis(delay_ms))
            }
            FaultKind::RestTimeout { duration_ms } => RestAction::Timeout(Duration::from_millis(
                duration_ms.unwrap_or(DEFAULT_REST_TIMEOUT_MS),
            )),
            FaultKind::RestStatus { status } => RestAction::Status(status),
            _ => return None,
        };
        if let Some(left) = fault.spec.count.as_mut() {
            *left = left.saturating_sub(1);
            if *left == 0 {
                list.remove(index);
                drop(list);
                self.bump();
            }
        }
        Some(action)
    }

    /// WebSocket faults for a session that is opening: every all-session fault, plus those
    /// scoped to the next N sessions (using up one of their N).
    fn claim_for_new_session(&self) -> Vec<InstalledFault> {
        let mut list = self.lock();
        let mut claimed = Vec::new();
        let mut used_up = false;
        for fault in list.iter_mut().filter(|f| f.spec.kind.is_ws()) {
            claimed.push(fault.clone());
            if let Some(left) = fault.spec.sessions.as_mut() {
                *left = left.saturating_sub(1);
                used_up |= *left == 0;
            }
        }
        if used_up {
            list.retain(|f| f.spec.sessions != Some(0));
            drop(list);
            self.bump();
        }
        claimed
    }

    /// Counts clears and removals (not faults used up), so sessions know when to drop faults
    /// they already claimed.
    fn removals(&self) -> u64 {
        self.removals.load(Ordering::Relaxed)
    }

    /// The ids of every installed fault and the all-session WebSocket faults, for a session
    /// refreshing its view after a generation change.
    fn all_session_view(&self) -> (Vec<u64>, Vec<InstalledFault>) {
        let list = self.lock();
        let ids = list.iter().map(|f| f.id).collect();
        let all = list
            .iter()
            .filter(|f| f.spec.kind.is_ws() && f.spec.sessions.is_none())
            .cloned()
            .collect();
        (ids, all)
    }

    fn bump(&self) {
        // SYNC: Release pairs with the Acquire in `generation`.
        self.generation.fetch_add(1, Ordering::Release);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<InstalledFault>> {
        // A panic while holding this lock cannot leave the list half-edited (each edit is one
        // Vec call), so a poisoned lock is still consistent.
        self.installed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_shape_round_trips() {
        let text = r#"{"kind":"ws_stall","after":10,"duration_ms":3000,"sessions":1,"channel":"bbo.BTC-USD-PERP"}"#;
        let spec: FaultSpec = serde_json::from_str(text).unwrap();
        assert_eq!(
            spec,
            FaultSpec::new(FaultKind::WsStall {
                after: 10,
                duration_ms: Some(3000)
            })
            .sessions(1)
            .channel("bbo.BTC-USD-PERP")
        );
        let back: FaultSpec = serde_json::from_str(&serde_json::to_string(&spec).unwrap()).unwrap();
        assert_eq!(back, spec);
        assert!(serde_json::from_str::<FaultSpec>(r#"{"kind":"explode"}"#).is_err());
        assert!(serde_json::from_str::<FaultSpec>(r#"{"kind":"ws_drop"}"#).is_err());
    }

    #[test]
    fn rest_count_is_used_up_and_path_filters() {
        let faults = Faults::new();
        faults
            .install(
                FaultSpec::new(FaultKind::RestStatus { status: 503 })
                    .count(2)
                    .path("/v1/orders"),
            )
            .unwrap();
        assert_eq!(faults.take_rest("/v1/markets"), None);
        assert_eq!(
            faults.take_rest("/v1/orders"),
            Some(RestAction::Status(503))
        );
        assert_eq!(
            faults.take_rest("/v1/orders/1"),
            Some(RestAction::Status(503))
        );
        assert_eq!(faults.take_rest("/v1/orders"), None);
        assert!(faults.list().is_empty());
    }

    #[test]
    fn bad_status_is_refused() {
        let faults = Faults::new();
        assert!(
            faults
                .install(FaultSpec::new(FaultKind::RestStatus { status: 200 }))
                .is_err()
        );
        assert!(
            faults
                .install(FaultSpec::new(FaultKind::RestStatus { status: 429 }))
                .is_ok()
        );
    }

    #[test]
    fn session_scope_is_used_up_and_clear_removes_all() {
        let faults = Faults::new();
        faults
            .install(FaultSpec::new(FaultKind::WsDrop { after: 1 }).sessions(1))
            .unwrap();
        let all = faults
            .install(FaultSpec::new(FaultKind::WsMalformed { after: 1 }))
            .unwrap();
        assert_eq!(faults.claim_for_new_session().len(), 2);
        let second = faults.claim_for_new_session();
        assert_eq!(second.iter().map(|f| f.id).collect::<Vec<_>>(), vec![all]);
        let generation = faults.generation();
        faults.clear();
        assert_ne!(faults.generation(), generation);
        assert!(faults.claim_for_new_session().is_empty());
    }
}
