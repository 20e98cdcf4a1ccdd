//! Channel names: parsing `params.channel` into what a session must send.

/// Which markets a channel covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MarketSel {
    /// `.ALL`.
    All,
    /// One market.
    One(String),
    /// Scoped `markets_summary` with `markets: [...]`.
    Set(Vec<String>),
}

impl MarketSel {
    /// Whether `market` is covered.
    #[must_use]
    pub fn covers(&self, market: &str) -> bool {
        match self {
            Self::All => true,
            Self::One(m) => m == market,
            Self::Set(set) => set.iter().any(|m| m == market),
        }
    }

    fn parse(text: &str) -> Self {
        if text == "ALL" {
            Self::All
        } else {
            Self::One(text.to_owned())
        }
    }
}

/// Refresh period of `order_book.{m}.snapshot@15@{50ms|100ms}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotRate {
    /// Every 50 ms.
    Ms50,
    /// Every 100 ms.
    Ms100,
}

impl SnapshotRate {
    /// The period.
    #[must_use]
    pub fn period(self) -> std::time::Duration {
        std::time::Duration::from_millis(match self {
            Self::Ms50 => 50,
            Self::Ms100 => 100,
        })
    }
}

/// Depth of the `snapshot@15` channels.
pub const SNAPSHOT_DEPTH: usize = 15;

/// A parsed channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Channel {
    /// `bbo.{m}` / `bbo.ALL`.
    Bbo(MarketSel),
    /// `trades.{m}` / `trades.ALL`.
    Trades(MarketSel),
    /// `order_book.{m}.deltas` (also `deltas@15@{rate}`, the docs' spelling).
    BookDeltas(String),
    /// `order_book.{m}.snapshot@15@{rate}[@{tick}]`; `tick` groups prices (mantissa at -8).
    BookSnapshot {
        /// Market.
        market: String,
        /// Refresh period.
        rate: SnapshotRate,
        /// Price grouping step, if any.
        tick: Option<i64>,
    },
    /// `markets_summary[.{m}|.ALL]`.
    MarketsSummary(MarketSel),
    /// `funding_data.{m}` / `.ALL`.
    FundingData(MarketSel),
    /// `orders.{m}` / `orders.ALL` (private).
    Orders(MarketSel),
    /// `fills.{m}` / `fills.ALL` (private).
    Fills(MarketSel),
    /// `positions` (private).
    Positions,
    /// `account` (private).
    Account,
    /// `balance_events` (private).
    BalanceEvents,
}

impl Channel {
    /// Parses a channel name; `markets` is the scoped `markets_summary` list. `None` for
    /// anything Paradex would answer with "invalid channel".
    #[must_use]
    pub fn parse(name: &str, markets: Option<&[String]>) -> Option<Self> {
        match name {
            "positions" => return Some(Self::Positions),
            "account" => return Some(Self::Account),
            "balance_events" => return Some(Self::BalanceEvents),
            "markets_summary" => {
                return Some(Self::MarketsSummary(match markets {
                    Some(list) => MarketSel::Set(list.to_vec()),
                    None => MarketSel::All,
                }));
            }
            _ => {}
        }
        let (kind, rest) = name.split_once('.')?;
        if rest.is_empty() {
            return None;
        }
        match kind {
            "bbo" => Some(Self::Bbo(MarketSel::parse(rest))),
            "trades" => Some(Self::Trades(MarketSel::parse(rest))),
            "markets_summary" => Some(Self::MarketsSummary(MarketSel::parse(rest))),
            "funding_data" => Some(Self::FundingData(MarketSel::parse(rest))),
            "orders" => Some(Self::Orders(MarketSel::parse(rest))),
            "fills" => Some(Self::Fills(MarketSel::parse(rest))),
            "order_book" => parse_book(rest),
            _ => None,
        }
    }

    /// Whether `auth` must come first.
    #[must_use]
    pub fn is_private(&self) -> bool {
        matches!(
            self,
            Self::Orders(_)
                | Self::Fills(_)
                | Self::Positions
                | Self::Account
                | Self::BalanceEvents
        )
    }

    /// The market named in the channel, if it names exactly one.
    #[must_use]
    pub fn market(&self) -> Option<&str> {
        match self {
            Self::BookDeltas(m) | Self::BookSnapshot { market: m, .. } => Some(m),
            Self::Bbo(MarketSel::One(m))
            | Self::Trades(MarketSel::One(m))
            | Self::MarketsSummary(MarketSel::One(m))
            | Self::FundingData(MarketSel::One(m))
            | Self::Orders(MarketSel::One(m))
            | Self::Fills(MarketSel::One(m)) => Some(m),
            _ => None,
        }
    }

    /// The markets this channel names explicitly (to check they exist).
    #[must_use]
    pub fn named_markets(&self) -> Vec<&str> {
        match self {
            Self::MarketsSummary(MarketSel::Set(set)) => set.iter().map(String::as_str).collect(),
            other => other.market().into_iter().collect(),
        }
    }

    /// The book market for `order_book.*` channels.
    #[must_use]
    pub fn book_market(&self) -> Option<&str> {
        match self {
            Self::BookDeltas(m) | Self::BookSnapshot { market: m, .. } => Some(m),
            _ => None,
        }
    }
}

/// `{market}.deltas[@15@{rate}]` or `{market}.snapshot@15@{rate}[@{tick}]`.
fn parse_book(rest: &str) -> Option<Channel> {
    let (market, feed) = rest.split_once('.')?;
    if market.is_empty() {
        return None;
    }
    if let Some(suffix) = feed.strip_prefix("deltas") {
        if !suffix.is_empty() {
            parse_rate(suffix.strip_prefix("@15@")?)?;
        }
        return Some(Channel::BookDeltas(market.to_owned()));
    }
    let mut parts = feed.strip_prefix("snapshot@")?.split('@');
    if parts.next()? != "15" {
        return None;
    }
    let rate = parse_rate(parts.next()?)?;
    let tick = match parts.next() {
        None => None,
        Some(tick) => Some(parse_tick(tick)?),
    };
    if parts.next().is_some() {
        return None;
    }
    Some(Channel::BookSnapshot {
        market: market.to_owned(),
        rate,
        tick,
    })
}

fn parse_rate(text: &str) -> Option<SnapshotRate> {
    match text {
        "50ms" => Some(SnapshotRate::Ms50),
        "100ms" => Some(SnapshotRate::Ms100),
        _ => None,
    }
}

/// Paradex's price-grouping ticks, `_` standing for the decimal point.
fn parse_tick(text: &str) -> Option<i64> {
    const TICKS: [(&str, i64); 11] = [
        ("0_0000001", 10),
        ("0_0000005", 50),
        ("0_000001", 100),
        ("0_00001", 1_000),
        ("0_0001", 10_000),
        ("0_001", 100_000),
        ("0_01", 1_000_000),
        ("0_1", 10_000_000),
        ("1", 100_000_000),
        ("10", 1_000_000_000),
        ("100", 10_000_000_000),
    ];
    TICKS
        .iter()
        .find(|(name, _)| *name == text)
        .map(|(_, tick)| *tick)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_documented_form() {
        // TC0..: (name, expected)
        let cases: Vec<(&str, Option<Channel>)> = vec![
            (
                "bbo.BTC-USD-PERP",
                Some(Channel::Bbo(MarketSel::One("BTC-USD-PERP".into()))),
            ),
            ("bbo.ALL", Some(Channel::Bbo(MarketSel::All))),
            ("trades.ALL", Some(Channel::Trades(MarketSel::All))),
            (
                "order_book.BTC-USD-PERP.deltas",
                Some(Channel::BookDeltas("BTC-USD-PERP".into())),
            ),
            (
                "order_book.BTC-USD-PERP.deltas@15@50ms",
                Some(Channel::BookDeltas("BTC-USD-PERP".into())),
            ),
            (
                "order_book.ETH-USD-PERP.snapshot@15@100ms",
                Some(Channel::BookSnapshot {
                    market: "ETH-USD-PERP".into(),
                    rate: SnapshotRate::Ms100,
                    tick: None,
                }),
            ),
            (
                "order_book.ETH-USD-PERP.snapshot@15@50ms@0_1",
                Some(Channel::BookSnapshot {
                    market: "ETH-USD-PERP".into(),
                    rate: SnapshotRate::Ms50,
                    tick: Some(10_000_000),
                }),
            ),
            (
                "markets_summary",
                Some(Channel::MarketsSummary(MarketSel::All)),
            ),
            (
                "markets_summary.ALL",
                Some(Channel::MarketsSummary(MarketSel::All)),
            ),
            (
                "funding_data.BTC-USD-PERP",
                Some(Channel::FundingData(MarketSel::One("BTC-USD-PERP".into()))),
            ),
            ("orders.ALL", Some(Channel::Orders(MarketSel::All))),
            (
                "fills.ETH-USD-PERP",
                Some(Channel::Fills(MarketSel::One("ETH-USD-PERP".into()))),
            ),
            ("positions", Some(Channel::Positions)),
            ("account", Some(Channel::Account)),
            ("balance_events", Some(Channel::BalanceEvents)),
            // Malformed.
            ("bbo", None),
            ("bbo.", None),
            ("nope.BTC-USD-PERP", None),
            ("order_book.BTC-USD-PERP", None),
            ("order_book.BTC-USD-PERP.snapshot@15@10ms", None),
            ("order_book.BTC-USD-PERP.snapshot@20@50ms", None),
            ("order_book.BTC-USD-PERP.snapshot@15@50ms@0_3", None),
            ("order_book.BTC-USD-PERP.deltas@15@7ms", None),
            ("order_book..deltas", None),
            ("", None),
        ];
        for (i, (name, expected)) in cases.into_iter().enumerate() {
            assert_eq!(Channel::parse(name, None), expected, "TC{i}: {name}");
        }
    }

    #[test]
    fn scoped_markets_summary_and_privacy() {
        let list = vec!["BTC-USD-PERP".to_owned()];
        let scoped = Channel::parse("markets_summary", Some(&list)).unwrap();
        assert!(scoped.named_markets() == vec!["BTC-USD-PERP"]);
        assert!(!scoped.is_private());
        assert!(Channel::parse("orders.ALL", None).unwrap().is_private());
    }
}
