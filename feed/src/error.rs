//! Errors of the feed handler.

use std::path::PathBuf;

/// Why the feed could not start or had to stop.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    /// The configuration is invalid.
    #[error("invalid feed config: {0}")]
    Config(String),
    /// The configuration file could not be read.
    #[error("cannot read config {path}: {source}")]
    ConfigIo {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// A ring could not be created or written.
    #[error("ring error: {0}")]
    Ring(#[from] paradex_ring::RingError),
    /// A market could not be entered in a ring's symbol table.
    #[error("symbol table: {0}")]
    Market(#[from] paradex_ring::MarketError),
    /// TLS setup failed (bad CA file, bad server name).
    #[error("tls: {0}")]
    Tls(String),
    /// Connecting, the handshake or the socket failed.
    #[error("connection to {url}: {reason}")]
    Connect {
        /// The URL (no credentials are ever part of it).
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The feed thread could not be started or pinned.
    #[error("feed thread: {0}")]
    Thread(String),
}

impl FeedError {
    /// True for failures a reconnect can cure (the network), false for configuration errors.
    #[must_use]
    pub const fn is_retryable(&self) -> bool {
        matches!(self, Self::Connect { .. })
    }
}

/// Result alias for this crate.
pub type FeedResult<T> = Result<T, FeedError>;
