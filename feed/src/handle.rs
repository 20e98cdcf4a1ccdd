//! The cheap outer handle: starts the pinned feed thread and talks to it over a channel.

use std::sync::mpsc::{self, Sender};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::config::FeedConfig;
use crate::conn::tls_config;
use crate::error::{FeedError, FeedResult};
use crate::handler::{Command, ConnectionState, Handler};
use crate::publish::Publisher;
use crate::rings::Rings;

/// Counters kept by the feed thread (the ring headers carry the shared subset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FeedStats {
    /// Connection state.
    pub state: ConnectionState,
    /// Successful connections (the first one included).
    pub connects: u64,
    /// Successful reconnections.
    pub reconnects: u64,
    /// Stalls detected (each followed by a reconnect).
    pub stalls: u64,
    /// WebSocket messages received.
    pub frames: u64,
    /// Messages that published records.
    pub published: u64,
    /// Messages dropped as stale.
    pub stale: u64,
    /// Unknown templates, schemas or versions skipped.
    pub unknown: u64,
    /// Malformed (or oversized) frames skipped.
    pub malformed: u64,
    /// Of those, frames above `max_frame_bytes`.
    pub oversized: u64,
    /// Book gaps that triggered a resubscription.
    pub resnapshots: u64,
}

/// Owns the feed thread; dropping it stops the thread and waits for it.
#[derive(Debug)]
pub struct FeedHandle {
    commands: Sender<Command>,
    thread: Option<JoinHandle<()>>,
}

impl FeedHandle {
    /// Validates `config`, creates the rings, and starts the feed thread (pinned to
    /// `config.core` when set).
    ///
    /// # Errors
    /// [`FeedError::Config`] (including an unknown core), ring and TLS errors, or
    /// [`FeedError::Thread`] when the thread cannot start.
    pub fn spawn(config: FeedConfig) -> FeedResult<Self> {
        config.validate()?;
        // Read the core list before anything is pinned: it is the calling thread's mask.
        let core = match config.core {
            None => None,
            Some(wanted) => Some(
                core_affinity::get_core_ids()
                    .unwrap_or_default()
                    .into_iter()
                    .find(|c| c.id == wanted)
                    .ok_or_else(|| FeedError::Config(format!("core {wanted} is not available")))?,
            ),
        };
        let tls = if config.base_url().starts_with("wss://") {
            Some(tls_config(config.ca_file.as_deref())?)
        } else {
            None
        };
        let rings = Rings::create(&config)?;
        let publisher = Publisher::new(rings, &config.markets);
        let (commands, receiver) = mpsc::channel();
        let handler = Handler::new(config, publisher, tls, receiver)
            .map_err(|e| FeedError::Thread(e.to_string()))?;
        let thread = std::thread::Builder::new()
            .name("paradex-feed".into())
            .spawn(move || {
                if let Some(core) = core
                    && !core_affinity::set_for_current(core)
                {
                    tracing::warn!(core = core.id, "could not pin the feed thread");
                }
                handler.run();
            })
            .map_err(|e| FeedError::Thread(e.to_string()))?;
        Ok(Self {
            commands,
            thread: Some(thread),
        })
    }

    /// A snapshot of the feed thread's counters, or `None` if it does not answer in 1 s.
    #[must_use]
    pub fn stats(&self) -> Option<FeedStats> {
        let (reply, answer) = mpsc::channel();
        self.commands.send(Command::Stats(reply)).ok()?;
        answer.recv_timeout(Duration::from_secs(1)).ok()
    }

    /// Stops the feed thread and waits for it.
    ///
    /// # Errors
    /// [`FeedError::Thread`] if the thread panicked.
    pub fn shutdown(mut self) -> FeedResult<()> {
        self.stop()
    }

    fn stop(&mut self) -> FeedResult<()> {
        let _ = self.commands.send(Command::Shutdown);
        match self.thread.take() {
            Some(thread) => thread
                .join()
                .map_err(|_| FeedError::Thread("feed thread panicked".into())),
            None => Ok(()),
        }
    }
}

impl Drop for FeedHandle {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}
