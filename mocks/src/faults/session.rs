//! The WebSocket faults one session carries, and the frame counting that fires them.

use std::sync::Arc;
use std::time::Duration;

use super::{DEFAULT_OVERSIZED_BYTES, FaultKind, Faults, InstalledFault};

/// What a session must do instead of (or before) sending a data frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WsAction {
    /// Close the TCP connection now, without a close frame.
    Drop,
    /// Send nothing for this long (`None`: until the socket closes); keep reading.
    Stall(Option<Duration>),
    /// Send one frame that does not parse, then this frame.
    Malformed,
    /// Send the first half of this frame, then this frame.
    Truncated,
    /// Send one frame of this many bytes, then this frame.
    Oversized(usize),
    /// Do not send this frame (a book delta: the client sees a `seq_no` gap).
    SkipFrame,
}

#[derive(Debug)]
struct ActiveFault {
    id: u64,
    kind: FaultKind,
    channel: Option<String>,
    counted: u64,
    fired: bool,
}

impl ActiveFault {
    fn new(fault: InstalledFault) -> Self {
        Self {
            id: fault.id,
            kind: fault.spec.kind,
            channel: fault.spec.channel,
            counted: 0,
            fired: false,
        }
    }

    /// Counts one frame; returns the action if this frame is the one after `after`.
    fn count(&mut self, channel: &str, is_book_delta: bool) -> Option<WsAction> {
        if self.fired || self.channel.as_deref().is_some_and(|c| c != channel) {
            return None;
        }
        let (after, action) = match self.kind {
            FaultKind::WsDrop { after } => (after, WsAction::Drop),
            FaultKind::WsStall { after, duration_ms } => (
                after,
                WsAction::Stall(duration_ms.map(Duration::from_millis)),
            ),
            FaultKind::WsMalformed { after } => (after, WsAction::Malformed),
            FaultKind::WsTruncated { after } => (after, WsAction::Truncated),
            FaultKind::WsOversized { after, bytes } => (
                after,
                WsAction::Oversized(bytes.unwrap_or(DEFAULT_OVERSIZED_BYTES)),
            ),
            FaultKind::WsSkipSeq { after } if is_book_delta => (after, WsAction::SkipFrame),
            _ => return None,
        };
        if self.counted < after {
            self.counted += 1;
            return None;
        }
        self.fired = true;
        Some(action)
    }
}

/// The faults of one WebSocket session. Costs one atomic load per frame while no fault is
/// active.
#[derive(Debug)]
pub struct SessionFaults {
    faults: Arc<Faults>,
    generation: u64,
    removals: u64,
    active: Vec<ActiveFault>,
}

impl SessionFaults {
    /// Claims the faults for a session that is opening (using up `sessions` scopes).
    #[must_use]
    pub fn open(faults: Arc<Faults>) -> Self {
        let removals = faults.removals();
        let generation = faults.generation();
        let active = faults
            .claim_for_new_session()
            .into_iter()
            .map(ActiveFault::new)
            .collect();
        Self {
            faults,
            generation,
            removals,
            active,
        }
    }

    /// Called before each data frame of `channel`; returns what to do instead, if anything.
    pub fn on_data_frame(&mut self, channel: &str, is_book_delta: bool) -> Option<WsAction> {
        self.refresh();
        if self.active.is_empty() {
            return None;
        }
        let mut action = None;
        for fault in &mut self.active {
            if let Some(fired) = fault.count(channel, is_book_delta) {
                action.get_or_insert(fired);
            }
        }
        action
    }

    /// Follows installs and clears made while the session is open: cleared or removed faults
    /// stop (a session-scoped fault this session claimed stays, though it left the list when
    /// its last session claimed it), new all-session faults start counting from now.
    fn refresh(&mut self) {
        let generation = self.faults.generation();
        if generation == self.generation {
            return;
        }
        self.generation = generation;
        let removals = self.faults.removals();
        let (ids, all_sessions) = self.faults.all_session_view();
        if removals != self.removals {
            self.removals = removals;
            self.active.retain(|f| ids.contains(&f.id));
        }
        for fault in all_sessions {
            if !self.active.iter().any(|f| f.id == fault.id) {
                self.active.push(ActiveFault::new(fault));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::faults::FaultSpec;

    #[test]
    fn fires_once_after_n_frames_of_its_channel() {
        let faults = Arc::new(Faults::new());
        faults
            .install(FaultSpec::new(FaultKind::WsDrop { after: 2 }).channel("bbo.BTC-USD-PERP"))
            .unwrap();
        let mut session = SessionFaults::open(faults);
        assert_eq!(session.on_data_frame("trades.BTC-USD-PERP", false), None);
        assert_eq!(session.on_data_frame("bbo.BTC-USD-PERP", false), None);
        assert_eq!(session.on_data_frame("bbo.BTC-USD-PERP", false), None);
        assert_eq!(
            session.on_data_frame("bbo.BTC-USD-PERP", false),
            Some(WsAction::Drop)
        );
        assert_eq!(session.on_data_frame("bbo.BTC-USD-PERP", false), None);
    }

    #[test]
    fn a_used_up_session_fault_stays_with_the_session_that_claimed_it() {
        let faults = Arc::new(Faults::new());
        faults
            .install(FaultSpec::new(FaultKind::WsDrop { after: 0 }).sessions(1))
            .unwrap();
        let mut session = SessionFaults::open(Arc::clone(&faults));
        assert!(faults.list().is_empty());
        assert_eq!(session.on_data_frame("bbo.X", false), Some(WsAction::Drop));
    }

    #[test]
    fn skip_seq_counts_only_book_deltas() {
        let faults = Arc::new(Faults::new());
        faults
            .install(FaultSpec::new(FaultKind::WsSkipSeq { after: 1 }))
            .unwrap();
        let mut session = SessionFaults::open(faults);
        let ch = "order_book.BTC-USD-PERP.deltas";
        assert_eq!(session.on_data_frame("bbo.BTC-USD-PERP", false), None);
        assert_eq!(session.on_data_frame(ch, true), None);
        assert_eq!(session.on_data_frame("bbo.BTC-USD-PERP", false), None);
        assert_eq!(session.on_data_frame(ch, true), Some(WsAction::SkipFrame));
    }

    #[test]
    fn truncated_fires_once_after_its_count() {
        let faults = Arc::new(Faults::new());
        faults
            .install(FaultSpec::new(FaultKind::WsTruncated { after: 2 }).channel("bbo.X"))
            .unwrap();
        let mut session = SessionFaults::open(faults);
        assert_eq!(session.on_data_frame("bbo.X", false), None);
        assert_eq!(session.on_data_frame("trades.X", false), None);
        assert_eq!(session.on_data_frame("bbo.X", false), None);
        assert_eq!(
            session.on_data_frame("bbo.X", false),
            Some(WsAction::Truncated)
        );
        assert_eq!(session.on_data_frame("bbo.X", false), None);
    }

    #[test]
    fn open_sessions_follow_installs_and_clears() {
        let faults = Arc::new(Faults::new());
        let mut session = SessionFaults::open(Arc::clone(&faults));
        assert_eq!(session.on_data_frame("bbo.X", false), None);
        faults
            .install(FaultSpec::new(FaultKind::WsMalformed { after: 0 }))
            .unwrap();
        assert_eq!(
            session.on_data_frame("bbo.X", false),
            Some(WsAction::Malformed)
        );
        faults
            .install(FaultSpec::new(FaultKind::WsDrop { after: 1 }))
            .unwrap();
        faults.clear();
        assert_eq!(session.on_data_frame("bbo.X", false), None);
        assert_eq!(session.on_data_frame("bbo.X", false), None);
    }
}
