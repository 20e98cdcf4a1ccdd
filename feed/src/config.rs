//! Feed configuration, loaded from TOML.
//!
//! ```toml
//! url = "wss://ws.api.prod.paradex.trade/v1"   # or set `network = "testnet"`
//! markets = ["BTC-USD-PERP", "ETH-USD-PERP"]
//! channels = ["bbo", "trades", "book_deltas", "markets_summary", "funding_data"]
//! rings_dir = "/dev/shm"
//! feed_name = "prod"
//! core = 1
//! ```

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::error::{FeedError, FeedResult};

/// Paradex mainnet WebSocket URL.
pub const MAINNET_URL: &str = "wss://ws.api.prod.paradex.trade/v1";
/// Paradex testnet WebSocket URL.
pub const TESTNET_URL: &str = "wss://ws.api.testnet.paradex.trade/v1";

/// Which Paradex environment to use when `url` is not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Network {
    /// Production.
    #[default]
    Mainnet,
    /// Sepolia testnet.
    Testnet,
}

/// A public channel, subscribed for every configured market.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChannelKind {
    /// `bbo.{market}` → the BBO ring.
    Bbo,
    /// `trades.{market}` → the trade ring.
    Trades,
    /// `order_book.{market}.deltas` (gap-checked) → the book ring.
    BookDeltas,
    /// `order_book.{market}.snapshot@15@100ms` (every message is a whole book) → the book ring.
    BookSnapshots,
    /// `markets_summary.{market}` → the mark/funding ring.
    MarketsSummary,
    /// `funding_data.{market}` → the mark/funding ring.
    FundingData,
}

impl ChannelKind {
    /// The channel name for `market`.
    #[must_use]
    pub fn channel(self, market: &str) -> String {
        match self {
            Self::Bbo => format!("bbo.{market}"),
            Self::Trades => format!("trades.{market}"),
            Self::BookDeltas => format!("order_book.{market}.deltas"),
            Self::BookSnapshots => format!("order_book.{market}.snapshot@15@100ms"),
            Self::MarketsSummary => format!("markets_summary.{market}"),
            Self::FundingData => format!("funding_data.{market}"),
        }
    }
}

/// How the feed thread waits for data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PollMode {
    /// Spin on the non-blocking socket: lowest latency, burns the pinned core.
    #[default]
    BusyPoll,
    /// Sleep in epoll (mio) until the socket is readable.
    Epoll,
}

/// Everything the feed handler needs. Durations are in milliseconds in the TOML file.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedConfig {
    /// WebSocket URL without query; overrides `network`.
    #[serde(default)]
    pub url: Option<String>,
    /// Environment whose URL to use when `url` is absent.
    #[serde(default)]
    pub network: Network,
    /// SBE schema version to negotiate (0–2).
    #[serde(default = "default_sbe_version")]
    pub sbe_version: u16,
    /// Connect without SBE negotiation and read JSON payloads (servers that still serve them).
    #[serde(default)]
    pub json_only: bool,
    /// Markets, in market-id order (the id is the index here and in every ring's symbol table).
    pub markets: Vec<String>,
    /// Channels subscribed for every market.
    pub channels: Vec<ChannelKind>,
    /// Directory of the ring segments.
    #[serde(default = "default_rings_dir")]
    pub rings_dir: PathBuf,
    /// Feed name used in segment names: `paradex.<feed_name>.<kind>`.
    #[serde(default = "default_feed_name")]
    pub feed_name: String,
    /// Slots per ring (power of two).
    #[serde(default = "default_capacity")]
    pub ring_capacity: u64,
    /// CPU core to pin the feed thread to; `None` leaves it unpinned.
    #[serde(default)]
    pub core: Option<usize>,
    /// Busy-poll or epoll.
    #[serde(default)]
    pub poll_mode: PollMode,
    /// PEM file of an extra CA to trust (for the mock's self-signed certificate).
    #[serde(default)]
    pub ca_file: Option<PathBuf>,
    /// Reconnect when subscribed and no frame arrived for this long.
    #[serde(default = "default_stall_ms")]
    pub stall_timeout_ms: u64,
    /// First reconnect delay after a failed attempt (the first retry after a drop is immediate).
    #[serde(default = "default_backoff_initial_ms")]
    pub backoff_initial_ms: u64,
    /// Largest reconnect delay.
    #[serde(default = "default_backoff_max_ms")]
    pub backoff_max_ms: u64,
    /// Connect + handshake timeout.
    #[serde(default = "default_connect_timeout_ms")]
    pub connect_timeout_ms: u64,
    /// Data frames larger than this are dropped unread below the WebSocket layer, counted as
    /// malformed (and oversized) and skipped without reconnecting.
    #[serde(default = "default_max_frame_bytes")]
    pub max_frame_bytes: usize,
}

const fn default_sbe_version() -> u16 {
    paradex_proto::sbe::SCHEMA_VERSION
}
fn default_rings_dir() -> PathBuf {
    PathBuf::from(paradex_ring::DEFAULT_DIR)
}
fn default_feed_name() -> String {
    "prod".to_owned()
}
const fn default_capacity() -> u64 {
    1 << 16
}
const fn default_stall_ms() -> u64 {
    30_000
}
const fn default_backoff_initial_ms() -> u64 {
    100
}
const fn default_backoff_max_ms() -> u64 {
    5_000
}
const fn default_connect_timeout_ms() -> u64 {
    5_000
}
const fn default_max_frame_bytes() -> usize {
    64 * 1024
}

impl FeedConfig {
    /// A config with every default, for `markets` and `channels` on `url`.
    #[must_use]
    pub fn new(url: impl Into<String>, markets: &[&str], channels: &[ChannelKind]) -> Self {
        Self {
            url: Some(url.into()),
            network: Network::default(),
            sbe_version: default_sbe_version(),
            json_only: false,
            markets: markets.iter().map(|m| (*m).to_owned()).collect(),
            channels: channels.to_vec(),
            rings_dir: default_rings_dir(),
            feed_name: default_feed_name(),
            ring_capacity: default_capacity(),
            core: None,
            poll_mode: PollMode::default(),
            ca_file: None,
            stall_timeout_ms: default_stall_ms(),
            backoff_initial_ms: default_backoff_initial_ms(),
            backoff_max_ms: default_backoff_max_ms(),
            connect_timeout_ms: default_connect_timeout_ms(),
            max_frame_bytes: default_max_frame_bytes(),
        }
    }

    /// Parses and validates TOML text.
    ///
    /// # Errors
    /// [`FeedError::Config`] for bad TOML or invalid values.
    pub fn from_toml(text: &str) -> FeedResult<Self> {
        let config: Self = toml::from_str(text).map_err(|e| FeedError::Config(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    /// Reads, parses and validates a TOML file.
    ///
    /// # Errors
    /// [`FeedError::ConfigIo`] or [`FeedError::Config`].
    pub fn load(path: &Path) -> FeedResult<Self> {
        let text = std::fs::read_to_string(path).map_err(|source| FeedError::ConfigIo {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_toml(&text)
    }

    /// Checks the values that TOML types cannot.
    ///
    /// # Errors
    /// [`FeedError::Config`] naming the first bad value.
    pub fn validate(&self) -> FeedResult<()> {
        let bad = |msg: String| Err(FeedError::Config(msg));
        if self.markets.is_empty() {
            return bad("no markets configured".into());
        }
        if self.channels.is_empty() {
            return bad("no channels configured".into());
        }
        for (i, market) in self.markets.iter().enumerate() {
            if market.is_empty() || market.len() > 32 || self.markets[..i].contains(market) {
                return bad(format!("market {market:?} is empty, too long or repeated"));
            }
        }
        if self.sbe_version > paradex_proto::sbe::SCHEMA_VERSION {
            return bad(format!(
                "sbe_version {} is not supported (0-2)",
                self.sbe_version
            ));
        }
        if !self.ring_capacity.is_power_of_two() {
            return bad(format!(
                "ring_capacity {} is not a power of two",
                self.ring_capacity
            ));
        }
        if self.stall_timeout_ms == 0 || self.connect_timeout_ms == 0 {
            return bad("timeouts must be positive".into());
        }
        if self.backoff_initial_ms > self.backoff_max_ms {
            return bad("backoff_initial_ms exceeds backoff_max_ms".into());
        }
        let url = self.base_url();
        if !(url.starts_with("ws://") || url.starts_with("wss://")) {
            return bad(format!("url {url:?} is not ws:// or wss://"));
        }
        Ok(())
    }

    /// The URL without query string.
    #[must_use]
    pub fn base_url(&self) -> &str {
        match (&self.url, self.network) {
            (Some(url), _) => url,
            (None, Network::Mainnet) => MAINNET_URL,
            (None, Network::Testnet) => TESTNET_URL,
        }
    }

    /// The URL to connect to, with the SBE negotiation query when SBE is on.
    #[must_use]
    pub fn connect_url(&self) -> String {
        if self.json_only {
            self.base_url().to_owned()
        } else {
            format!(
                "{}?sbeSchemaId=1&sbeSchemaVersion={}",
                self.base_url(),
                self.sbe_version
            )
        }
    }

    /// Stall timeout.
    #[must_use]
    pub const fn stall_timeout(&self) -> Duration {
        Duration::from_millis(self.stall_timeout_ms)
    }

    /// Connect timeout.
    #[must_use]
    pub const fn connect_timeout(&self) -> Duration {
        Duration::from_millis(self.connect_timeout_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_minimal_toml_with_defaults() {
        let config = FeedConfig::from_toml(
            r#"
            markets = ["BTC-USD-PERP"]
            channels = ["bbo", "book_deltas"]
            network = "testnet"
            "#,
        )
        .unwrap();
        assert_eq!(
            config.connect_url(),
            "wss://ws.api.testnet.paradex.trade/v1?sbeSchemaId=1&sbeSchemaVersion=2"
        );
        assert_eq!(config.poll_mode, PollMode::BusyPoll);
        assert_eq!(ChannelKind::BookDeltas.channel("X"), "order_book.X.deltas");
    }

    #[test]
    fn example_config_is_valid() {
        let config = FeedConfig::from_toml(include_str!("../paradex-feed.example.toml")).unwrap();
        assert_eq!(
            config.connect_url(),
            format!("{MAINNET_URL}?sbeSchemaId=1&sbeSchemaVersion=2")
        );
        assert_eq!(config.channels.len(), 5);
        assert_eq!(config.core, Some(1));
    }

    #[test]
    fn rejects_bad_configs() {
        for text in [
            "markets = []\nchannels = [\"bbo\"]",
            "markets = [\"A\"]\nchannels = []",
            "markets = [\"A\", \"A\"]\nchannels = [\"bbo\"]",
            "markets = [\"A\"]\nchannels = [\"nope\"]",
            "markets = [\"A\"]\nchannels = [\"bbo\"]\nsbe_version = 3",
            "markets = [\"A\"]\nchannels = [\"bbo\"]\nring_capacity = 1000",
            "markets = [\"A\"]\nchannels = [\"bbo\"]\nurl = \"http://x\"",
            "markets = [\"A\"]\nchannels = [\"bbo\"]\ntypo = 1",
        ] {
            assert!(FeedConfig::from_toml(text).is_err(), "{text}");
        }
    }
}
