//! Mock configuration: markets, rates, ports, TLS, fault flags.
//!
//! [`MockConfig`] is both the `paradex-mock` command line (clap) and the builder tests use
//! (`MockConfig::default()` then set fields). It produces the exchange core's
//! [`ExchangeConfig`](crate::exchange::ExchangeConfig).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use crate::exchange::{ExchangeConfig, MarketSpec};
use crate::faults::FaultSpec;

/// Errors in a configuration value.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// `--market` was not `BASE=PRICE` with a positive decimal price.
    #[error("bad --market {0:?}: expected BASE=PRICE, e.g. BTC=65000")]
    Market(String),
    /// `--fault` was not a fault JSON object.
    #[error("bad --fault {spec:?}: {reason}")]
    Fault {
        /// The flag's value.
        spec: String,
        /// What serde said.
        reason: String,
    },
    /// The bind address is not a loopback address.
    #[error("refusing to bind {0}: the mock serves on loopback only")]
    NotLoopback(IpAddr),
}

/// An offline Paradex exchange: REST `/v1/...`, WebSocket JSON-RPC + SBE at `/v1`, admin
/// endpoints under `/admin`, all on one loopback port.
///
/// On start it prints one line on stdout:
/// `paradex-mock listening http=<url> ws=<url> admin=<url>[ ca=<pem path>]`.
///
/// Faults (`--fault` or `POST /admin/faults`) take a JSON object, e.g.
/// `{"kind":"ws_drop","after":100}`, `{"kind":"ws_stall","after":10,"duration_ms":3000}`,
/// `{"kind":"ws_malformed","after":5}`, `{"kind":"ws_truncated","after":5}`,
/// `{"kind":"ws_oversized","after":5,"bytes":20000000}`,
/// `{"kind":"ws_skip_seq","after":50}`, `{"kind":"rest_delay","delay_ms":500}`,
/// `{"kind":"rest_delay_response","delay_ms":500}`,
/// `{"kind":"rest_timeout"}`, `{"kind":"rest_status","status":503}`; optional scope fields
/// `"sessions":N` (next N WebSocket sessions, else all), `"count":N` (next N REST requests,
/// else all), `"channel":"<channel>"` (count only that channel's frames) and
/// `"path":"/v1/orders"` (REST path prefix). `DELETE /admin/faults` clears them;
/// `POST /admin/restart` restarts the server keeping exchange state.
#[derive(Debug, Clone, Parser)]
#[command(name = "paradex-mock", version, about, long_about)]
pub struct MockConfig {
    /// Loopback address to bind.
    #[arg(long, default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub host: IpAddr,

    /// TCP port; 0 picks a free one (the chosen URL is printed).
    #[arg(long, default_value_t = 0)]
    pub port: u16,

    /// Serve https:// and wss:// with a self-signed certificate generated at start.
    #[arg(long)]
    pub tls: bool,

    /// Where to write the generated certificate (PEM) for clients to trust; default
    /// `<tmp>/paradex-mock-<pid>-cert.pem`.
    #[arg(long, value_name = "PATH")]
    pub tls_cert_out: Option<PathBuf>,

    /// A market `BASE=PRICE` (perpetual `BASE-USD-PERP`), repeatable; default BTC and ETH.
    #[arg(long = "market", value_name = "BASE=PRICE")]
    pub markets: Vec<String>,

    /// Starknet chain id the signatures are checked against.
    #[arg(long, default_value = crate::exchange::TESTNET_CHAIN_ID)]
    pub chain_id: String,

    /// Market-data updates per second per market from the random-walk generator; 0 = off.
    #[arg(long, default_value_t = 10.0)]
    pub md_rate: f64,

    /// Seed of the random-walk generator (same seed, same price path).
    #[arg(long, default_value_t = 7)]
    pub seed: u64,

    /// Firehose mode: `order_book.*.deltas`, `bbo.*` and `trades.*` subscriptions receive
    /// synthetic pre-built frames as fast as possible (or at `--firehose-rate`), with
    /// contiguous book seq_no, instead of the exchange's data. For throughput benchmarks.
    #[arg(long)]
    pub firehose: bool,

    /// Firehose messages per second per session; 0 = as fast as the socket takes them.
    #[arg(long, default_value_t = 0)]
    pub firehose_rate: u64,

    /// Stop each firehose session's stream after this many messages; 0 = never.
    #[arg(long, default_value_t = 0)]
    pub firehose_count: u64,

    /// Replay mode: after a session's first subscribe, send the frames of this recording
    /// (format in `marketdata::replay`) instead of live data.
    #[arg(long, value_name = "PATH")]
    pub replay: Option<PathBuf>,

    /// Record the data frames sent to the first WebSocket session into this file.
    #[arg(long, value_name = "PATH")]
    pub record: Option<PathBuf>,

    /// Seconds between server WebSocket pings (Paradex: 55).
    #[arg(long, default_value_t = 55.0)]
    pub ping_interval_secs: f64,

    /// Seconds a client has to answer a ping before the server closes (Paradex: 5).
    #[arg(long, default_value_t = 5.0)]
    pub pong_timeout_secs: f64,

    /// Seconds of silence after which an SBE session gets a heartbeat (template 40).
    #[arg(long, default_value_t = 20.0)]
    pub sbe_heartbeat_secs: f64,

    /// Frames a session may have queued before it is dropped as a slow consumer.
    #[arg(long, default_value_t = 2000)]
    pub slow_consumer_limit: usize,

    /// REST requests per minute per client before HTTP 429; 0 = unlimited.
    #[arg(long, default_value_t = 0)]
    pub rate_limit_per_min: u32,

    /// A fault to install at start (JSON, see above); repeatable.
    #[arg(long = "fault", value_name = "JSON")]
    pub faults: Vec<String>,

    /// Lifetime of issued JWTs in seconds (Paradex: 300); short values exercise client refresh.
    #[arg(long, default_value_t = crate::auth::TOKEN_TTL_SECS)]
    pub jwt_ttl_secs: u64,
}

impl Default for MockConfig {
    fn default() -> Self {
        Self {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            tls: false,
            tls_cert_out: None,
            markets: Vec::new(),
            chain_id: crate::exchange::TESTNET_CHAIN_ID.to_owned(),
            md_rate: 10.0,
            seed: 7,
            firehose: false,
            firehose_rate: 0,
            firehose_count: 0,
            replay: None,
            record: None,
            ping_interval_secs: 55.0,
            pong_timeout_secs: 5.0,
            sbe_heartbeat_secs: 20.0,
            slow_consumer_limit: 2000,
            rate_limit_per_min: 0,
            faults: Vec::new(),
            jwt_ttl_secs: crate::auth::TOKEN_TTL_SECS,
        }
    }
}

impl MockConfig {
    /// The socket address to bind.
    ///
    /// # Errors
    /// [`ConfigError::NotLoopback`] for anything but a loopback address.
    pub fn bind_addr(&self) -> Result<SocketAddr, ConfigError> {
        if !self.host.is_loopback() {
            return Err(ConfigError::NotLoopback(self.host));
        }
        Ok(SocketAddr::new(self.host, self.port))
    }

    /// The exchange core's configuration: the `--market` list (or the core's defaults) and
    /// the chain id.
    ///
    /// # Errors
    /// [`ConfigError::Market`] for a malformed `--market`.
    pub fn exchange_config(&self) -> Result<ExchangeConfig, ConfigError> {
        let mut config = ExchangeConfig {
            chain_id: self.chain_id.clone(),
            ..ExchangeConfig::default()
        };
        if !self.markets.is_empty() {
            config.markets = self
                .markets
                .iter()
                .map(|m| parse_market(m))
                .collect::<Result<_, _>>()?;
        }
        Ok(config)
    }

    /// The `--fault` flags, parsed.
    ///
    /// # Errors
    /// [`ConfigError::Fault`] for a value that is not a fault object.
    pub fn fault_specs(&self) -> Result<Vec<FaultSpec>, ConfigError> {
        self.faults
            .iter()
            .map(|s| {
                serde_json::from_str(s).map_err(|e| ConfigError::Fault {
                    spec: s.clone(),
                    reason: e.to_string(),
                })
            })
            .collect()
    }

    /// Server ping period.
    #[must_use]
    pub fn ping_interval(&self) -> Duration {
        secs(self.ping_interval_secs)
    }

    /// Time allowed for a pong.
    #[must_use]
    pub fn pong_timeout(&self) -> Duration {
        secs(self.pong_timeout_secs)
    }

    /// Idle time before an SBE heartbeat.
    #[must_use]
    pub fn sbe_heartbeat(&self) -> Duration {
        secs(self.sbe_heartbeat_secs)
    }
}

fn secs(value: f64) -> Duration {
    Duration::try_from_secs_f64(value.max(0.001)).unwrap_or(Duration::from_secs(3600))
}

/// `BASE=PRICE` → a perpetual whose tick is five digits below the price's magnitude and whose
/// size step makes one step worth about a tenth of a dollar.
fn parse_market(text: &str) -> Result<MarketSpec, ConfigError> {
    let bad = || ConfigError::Market(text.to_owned());
    let (base, price) = text.split_once('=').ok_or_else(bad)?;
    let base = base.trim();
    if base.is_empty() || !base.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(bad());
    }
    let price = paradex_proto::decimal::parse_e8(price.trim()).map_err(|_| bad())?;
    if price <= 0 {
        return Err(bad());
    }
    let magnitude = price.ilog10(); // price mantissa at -8: 65000 → 12
    let tick = 10_i64.pow(magnitude.saturating_sub(5));
    let size_step = 10_i64.pow(15_u32.saturating_sub(magnitude).clamp(0, 8));
    Ok(MarketSpec::perp(
        &base.to_ascii_uppercase(),
        price,
        tick,
        size_step,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn market_flag_derives_tick_and_step_from_price() {
        let btc = parse_market("BTC=65000").unwrap();
        assert_eq!(btc.symbol, "BTC-USD-PERP");
        assert_eq!(btc.initial_price, 65_000 * 100_000_000);
        assert_eq!(btc.price_tick_size, 10_000_000); // 0.1
        assert_eq!(btc.order_size_increment, 1_000); // 0.00001
        let eth = parse_market("eth=3000.5").unwrap();
        assert_eq!(eth.symbol, "ETH-USD-PERP");
        assert_eq!(eth.price_tick_size, 1_000_000); // 0.01
    }

    #[test]
    fn malformed_market_flags_are_rejected() {
        for bad in ["BTC", "=1", "BTC=", "BTC=-1", "BTC=0", "B-T=1", "BTC=abc"] {
            assert!(parse_market(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn non_loopback_bind_is_refused() {
        let config = MockConfig {
            host: "0.0.0.0".parse().unwrap(),
            ..MockConfig::default()
        };
        assert!(matches!(
            config.bind_addr(),
            Err(ConfigError::NotLoopback(_))
        ));
    }

    #[test]
    fn defaults_match_the_cli_defaults() {
        let parsed = MockConfig::parse_from(["paradex-mock"]);
        let default = MockConfig::default();
        assert_eq!(format!("{parsed:?}"), format!("{default:?}"));
    }
}
