//! The four market-data rings one feed writes, and the health counters they share.

use paradex_ring::{
    Bbo, BookLevel, HealthCounter, MarkFunding, RecordKind, RingConfig, Trade, Writer,
};

use crate::config::FeedConfig;
use crate::error::FeedResult;

/// One writer per record kind, named `paradex.<feed_name>.<kind>` in `rings_dir`.
#[derive(Debug)]
pub struct Rings {
    /// Best bid/offer.
    pub bbo: Writer<Bbo>,
    /// Public trades.
    pub trade: Writer<Trade>,
    /// Book levels and snapshot / invalidation markers.
    pub book: Writer<BookLevel>,
    /// Mark, index and funding.
    pub mark: Writer<MarkFunding>,
}

impl Rings {
    /// Creates (or reopens) the four rings and enters every market in their symbol tables; the
    /// market id is the market's index in `config.markets`.
    ///
    /// # Errors
    /// [`crate::FeedError::Ring`] / [`crate::FeedError::Market`].
    pub fn create(config: &FeedConfig) -> FeedResult<Self> {
        let ring = |kind: RecordKind| {
            RingConfig::new(kind.segment_name(&config.feed_name), config.ring_capacity)
                .in_dir(&config.rings_dir)
        };
        let rings = Self {
            bbo: Writer::create(&ring(RecordKind::Bbo))?,
            trade: Writer::create(&ring(RecordKind::Trade))?,
            book: Writer::create(&ring(RecordKind::BookLevel))?,
            mark: Writer::create(&ring(RecordKind::MarkFunding))?,
        };
        for (id, market) in config.markets.iter().enumerate() {
            let id = u32::try_from(id).unwrap_or(u32::MAX);
            rings.bbo.set_symbol(id, market)?;
            rings.trade.set_symbol(id, market)?;
            rings.book.set_symbol(id, market)?;
            rings.mark.set_symbol(id, market)?;
            // No snapshot yet: readers must not trust a book left by a previous run.
            rings.book.set_book_valid(id, false)?;
        }
        Ok(rings)
    }

    /// Adds `n` to a connection-wide counter in every ring's header, so a reader of any one
    /// ring sees the feed's health.
    pub fn count(&self, counter: HealthCounter, n: u64) {
        self.bbo.add_health(counter, n);
        self.trade.add_health(counter, n);
        self.book.add_health(counter, n);
        self.mark.add_health(counter, n);
    }

    /// Stores `now_ns` (`CLOCK_MONOTONIC`) as every ring's writer heartbeat.
    pub fn heartbeat_at(&self, now_ns: i64) {
        self.bbo.heartbeat_at(now_ns);
        self.trade.heartbeat_at(now_ns);
        self.book.heartbeat_at(now_ns);
        self.mark.heartbeat_at(now_ns);
    }
}
