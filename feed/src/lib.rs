//! The pinned-thread Paradex WebSocket feed handler.
//!
//! One thread, pinned to a core, owns the socket (mio + tungstenite, rustls for `wss://`), the
//! subscriptions and the four ring writers. SBE binary frames are decoded straight into ring
//! records (fixed-point prices, no float, no allocation); JSON text frames (control messages,
//! and data on JSON-only servers) are parsed with simd-json. Book deltas are sequence-checked:
//! a gap invalidates the market's book in the ring and triggers a resubscription for a fresh
//! snapshot. Reconnects use exponential backoff with jitter; a stalled stream is reconnected.
//! Every reconnect, gap, parse error and skipped frame is counted in the ring headers.
//!
//! ```no_run
//! use paradex_feed::{ChannelKind, FeedConfig, FeedHandle};
//!
//! let config = FeedConfig::new(
//!     "wss://ws.api.prod.paradex.trade/v1",
//!     &["BTC-USD-PERP"],
//!     &[ChannelKind::Bbo, ChannelKind::BookDeltas],
//! );
//! let feed = FeedHandle::spawn(config).expect("feed starts");
//! // ... read the rings from any process ...
//! feed.shutdown().expect("clean stop");
//! ```
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod config;
mod conn;
mod error;
mod frame_filter;
mod handle;
mod handler;
mod json;
mod publish;
mod rings;
pub mod status;

pub use config::{ChannelKind, FeedConfig, MAINNET_URL, Network, PollMode, TESTNET_URL};
pub use error::{FeedError, FeedResult};
pub use handle::{FeedHandle, FeedStats};
pub use handler::ConnectionState;
pub use publish::{Outcome, Publisher};
pub use rings::Rings;
