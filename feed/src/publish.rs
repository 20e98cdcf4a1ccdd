//! Decoded market data → ring records: market lookup, BBO staleness, book sequencing (gap →
//! invalidate + resnapshot) and the SBE fast path. Prices stay fixed-point mantissas at
//! exponent -8 throughout; no float is involved.

use paradex_proto::sbe::{self, Frame, PkgType, template};
use paradex_ring::{
    BOOK_END_OF_UPDATE, BOOK_INVALIDATED, BOOK_SNAPSHOT_BEGIN, Bbo, BookLevel, HealthCounter,
    MarkFunding, NULL_PRICE, SIDE_BUY, SIDE_NONE, SIDE_SELL, Trade,
};

use crate::json::JsonScratch;
use crate::rings::Rings;

/// JSON parser scratch reserved up front (a 15-level book frame is about 2 KiB); larger frames
/// grow it once.
const JSON_SCRATCH_BYTES: usize = 16 * 1024;

/// What became of one frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Records were published.
    Published,
    /// Nothing to publish (heartbeat, control ack, a channel this feed does not store).
    Ignored,
    /// Dropped: older than what was already published, or a delta before the first snapshot.
    Stale,
    /// Skipped and counted: unknown SBE template, schema or version.
    Unknown,
    /// Skipped and counted: a malformed frame or payload.
    Malformed,
    /// A book gap in this market: its book was invalidated; subscribe again for a snapshot.
    Resnapshot(u32),
}

/// Per-market book sequencing state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BookSeq {
    /// No snapshot since start, reconnect or gap: deltas are dropped.
    AwaitingSnapshot,
    /// Applying deltas; the next one must be `last + 1`.
    Live { last: i64 },
}

#[derive(Debug)]
struct MarketState {
    symbol: String,
    book: BookSeq,
    last_bbo_seq: i64,
}

/// Converts µs to ns, saturating (SBE timestamps are µs; rings store ns).
#[inline]
pub(crate) const fn us_to_ns(us: i64) -> i64 {
    us.saturating_mul(1_000)
}

/// Writes decoded market data into the rings. Owned by the feed thread.
#[derive(Debug)]
pub struct Publisher {
    rings: Rings,
    markets: Vec<MarketState>,
    pub(crate) json: JsonScratch,
}

/// Which kind of book update is being applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BookKind {
    Snapshot,
    Delta,
}

/// Emits the levels of one book update, flagging the first (snapshot begin) and last (end of
/// update) record. One record is held back so the last can be flagged without a look-ahead.
pub(crate) struct BookBatch<'p> {
    publisher: &'p mut Publisher,
    market_id: u32,
    seq: i64,
    ts_exchange: i64,
    ts_recv: i64,
    next_flags: u16,
    pending: Option<BookLevel>,
}

impl BookBatch<'_> {
    #[inline]
    pub(crate) fn push(&mut self, side: u16, price: i64, size: i64) {
        if let Some(record) = self.pending.take() {
            self.publisher.rings.book.publish(&record);
        }
        self.pending = Some(BookLevel {
            ts_exchange: self.ts_exchange,
            ts_recv: self.ts_recv,
            market_id: self.market_id,
            side,
            flags: self.next_flags,
            price,
            size,
            seq: self.seq,
            reserved: 0,
        });
        self.next_flags = 0;
    }

    /// Publishes the held-back record flagged as the end of the update. An update without
    /// levels still publishes a marker when it is a snapshot (the reader must clear its book).
    #[inline]
    pub(crate) fn finish(mut self) {
        if self.pending.is_none() && self.next_flags & BOOK_SNAPSHOT_BEGIN != 0 {
            self.push(SIDE_NONE, 0, 0);
        }
        if let Some(mut record) = self.pending.take() {
            record.flags |= BOOK_END_OF_UPDATE;
            self.publisher.rings.book.publish(&record);
        }
        self.publisher
            .rings
            .book
            .add_health(HealthCounter::Messages, 1);
    }
}

impl Publisher {
    /// A publisher over `rings` for `markets` (market id = index).
    #[must_use]
    pub fn new(rings: Rings, markets: &[String]) -> Self {
        let markets = markets
            .iter()
            .map(|symbol| MarketState {
                symbol: symbol.clone(),
                book: BookSeq::AwaitingSnapshot,
                last_bbo_seq: i64::MIN,
            })
            .collect();
        Self {
            rings,
            markets,
            json: JsonScratch::new(JSON_SCRATCH_BYTES),
        }
    }

    /// The rings (for heartbeats and counters).
    #[must_use]
    pub const fn rings(&self) -> &Rings {
        &self.rings
    }

    /// Symbol of `market_id`.
    #[must_use]
    pub fn symbol(&self, market_id: u32) -> Option<&str> {
        self.markets
            .get(market_id as usize)
            .map(|m| m.symbol.as_str())
    }

    /// Market id of `symbol`: a linear scan, faster than hashing for the handful of markets
    /// one feed carries.
    #[inline]
    pub(crate) fn market_id(&self, symbol: &str) -> Option<u32> {
        self.markets
            .iter()
            .position(|m| m.symbol == symbol)
            .map(|i| i as u32)
    }

    /// A new connection: every book is invalid until its snapshot arrives, and BBO sequences
    /// restart (a restarted venue may reuse them).
    pub fn on_connection_reset(&mut self, now_ns: i64) {
        for id in 0..self.markets.len() as u32 {
            self.invalidate_book(id, now_ns);
            self.markets[id as usize].last_bbo_seq = i64::MIN;
        }
    }

    fn invalidate_book(&mut self, market_id: u32, now_ns: i64) {
        let Some(market) = self.markets.get_mut(market_id as usize) else {
            return;
        };
        let was_live = matches!(market.book, BookSeq::Live { .. });
        market.book = BookSeq::AwaitingSnapshot;
        // The id is below the table size (checked when the rings were created).
        let _ = self.rings.book.set_book_valid(market_id, false);
        if was_live {
            self.rings.book.publish(&BookLevel {
                ts_recv: now_ns,
                market_id,
                side: SIDE_NONE,
                flags: BOOK_INVALIDATED,
                ..BookLevel::default()
            });
        }
    }

    /// Checks the sequence of a book update; on success returns a batch to push levels into.
    /// A delta that does not follow the last applied update invalidates the book.
    pub(crate) fn begin_book(
        &mut self,
        market_id: u32,
        seq: i64,
        kind: BookKind,
        ts_exchange: i64,
        ts_recv: i64,
    ) -> Result<BookBatch<'_>, Outcome> {
        let market = &mut self.markets[market_id as usize];
        let first_flags = match (kind, market.book) {
            (BookKind::Snapshot, _) => BOOK_SNAPSHOT_BEGIN,
            (BookKind::Delta, BookSeq::Live { last }) if seq == last.wrapping_add(1) => 0,
            (BookKind::Delta, BookSeq::AwaitingSnapshot) => {
                self.rings.book.add_health(HealthCounter::StaleDropped, 1);
                return Err(Outcome::Stale);
            }
            (BookKind::Delta, BookSeq::Live { .. }) => {
                self.book_gap(market_id, ts_recv);
                return Err(Outcome::Resnapshot(market_id));
            }
        };
        market.book = BookSeq::Live { last: seq };
        if kind == BookKind::Snapshot {
            let _ = self.rings.book.set_book_valid(market_id, true);
        }
        Ok(BookBatch {
            publisher: self,
            market_id,
            seq,
            ts_exchange,
            ts_recv,
            next_flags: first_flags,
            pending: None,
        })
    }

    /// Counts a gap and invalidates the book (also used when a delta turns out malformed
    /// half-way, which leaves the reader's book just as unusable).
    pub(crate) fn book_gap(&mut self, market_id: u32, now_ns: i64) {
        self.rings.book.add_health(HealthCounter::BookGaps, 1);
        self.invalidate_book(market_id, now_ns);
    }

    /// Publishes a BBO unless its sequence went backwards.
    #[inline]
    pub(crate) fn publish_bbo(&mut self, market_id: u32, seq: i64, record: &Bbo) -> Outcome {
        let market = &mut self.markets[market_id as usize];
        if seq < market.last_bbo_seq {
            self.rings.bbo.add_health(HealthCounter::StaleDropped, 1);
            return Outcome::Stale;
        }
        market.last_bbo_seq = seq;
        self.rings.bbo.publish(record);
        self.rings.bbo.add_health(HealthCounter::Messages, 1);
        Outcome::Published
    }

    #[inline]
    pub(crate) fn publish_trade(&mut self, record: &Trade) -> Outcome {
        self.rings.trade.publish(record);
        self.rings.trade.add_health(HealthCounter::Messages, 1);
        Outcome::Published
    }

    #[inline]
    pub(crate) fn publish_mark(&mut self, record: &MarkFunding) -> Outcome {
        self.rings.mark.publish(record);
        self.rings.mark.add_health(HealthCounter::Messages, 1);
        Outcome::Published
    }

    /// Counts a frame that could not be used.
    pub(crate) fn reject(&self, outcome: Outcome) -> Outcome {
        match outcome {
            Outcome::Unknown => self.rings.count(HealthCounter::UnknownTemplates, 1),
            Outcome::Malformed => self.rings.count(HealthCounter::MalformedFrames, 1),
            _ => {}
        }
        outcome
    }

    /// Decodes one SBE binary frame straight into ring records. `recv_ns` is the frame's
    /// receive time (`CLOCK_MONOTONIC`), read once per frame by the caller.
    pub fn on_sbe(&mut self, bytes: &[u8], recv_ns: i64) -> Outcome {
        match self.sbe_frame(bytes, recv_ns) {
            Ok(outcome) => outcome,
            Err(error) if error.is_unknown() => self.reject(Outcome::Unknown),
            Err(_) => self.reject(Outcome::Malformed),
        }
    }

    #[inline]
    fn sbe_frame(&mut self, bytes: &[u8], recv_ns: i64) -> Result<Outcome, sbe::DecodeError> {
        let frame = Frame::parse(bytes)?;
        Ok(match frame.header().template_id {
            template::BBO => {
                let e = sbe::BboEvent::decode(&frame)?;
                let Some(market_id) = self.market_id(e.market) else {
                    return Ok(Outcome::Ignored);
                };
                let record = Bbo {
                    ts_exchange: us_to_ns(e.ts_us),
                    ts_recv: recv_ns,
                    market_id,
                    flags: 0,
                    bid_px: e.bid_price.unwrap_or(NULL_PRICE),
                    bid_sz: e.bid_size.unwrap_or(0),
                    ask_px: e.ask_price.unwrap_or(NULL_PRICE),
                    ask_sz: e.ask_size.unwrap_or(0),
                };
                self.publish_bbo(market_id, e.seq, &record)
            }
            template::TRADE => {
                let e = sbe::TradeEvent::decode(&frame)?;
                let Some(market_id) = self.market_id(e.market) else {
                    return Ok(Outcome::Ignored);
                };
                self.publish_trade(&Trade {
                    ts_exchange: us_to_ns(e.created_at_us),
                    ts_recv: recv_ns,
                    market_id,
                    side: side_code(e.side),
                    trade_type: u16::from(e.trade_type.to_u8()),
                    price: e.price,
                    size: e.size,
                    seq: e.seq,
                    reserved: 0,
                })
            }
            template::BOOK => {
                let e = sbe::BookEvent::decode(&frame)?;
                let Some(market_id) = self.market_id(e.market) else {
                    return Ok(Outcome::Ignored);
                };
                let kind = match e.pkg_type {
                    PkgType::Snapshot => BookKind::Snapshot,
                    PkgType::Delta => BookKind::Delta,
                    PkgType::Unknown(_) => return Ok(self.reject(Outcome::Malformed)),
                };
                let mut batch =
                    match self.begin_book(market_id, e.seq, kind, us_to_ns(e.ts_us), recv_ns) {
                        Ok(batch) => batch,
                        Err(outcome) => return Ok(outcome),
                    };
                for level in e.bids {
                    batch.push(SIDE_BUY, level.price, level.size);
                }
                for level in e.asks {
                    batch.push(SIDE_SELL, level.price, level.size);
                }
                batch.finish();
                Outcome::Published
            }
            template::MARKET_SUMMARY => {
                let e = sbe::MarketSummaryEvent::decode(&frame)?;
                let Some(market_id) = self.market_id(e.market) else {
                    return Ok(Outcome::Ignored);
                };
                self.publish_mark(&MarkFunding {
                    ts_exchange: us_to_ns(e.ts_us),
                    ts_recv: recv_ns,
                    market_id,
                    flags: 0,
                    mark_px: e.mark_price,
                    index_px: e.index_price,
                    funding_rate: e.funding_rate,
                    open_interest: e.open_interest,
                })
            }
            template::FUNDING_DATA => {
                let e = sbe::FundingDataEvent::decode(&frame)?;
                let Some(market_id) = self.market_id(e.market) else {
                    return Ok(Outcome::Ignored);
                };
                self.publish_mark(&funding_record(
                    market_id,
                    us_to_ns(e.created_at_us),
                    recv_ns,
                    e.funding_rate,
                ))
            }
            template::HEARTBEAT => {
                sbe::HeartbeatEvent::decode(&frame)?;
                Outcome::Ignored
            }
            // Known templates this feed does not store (private channels, comparisons, the
            // reserved ack): validated so corruption is still counted, then ignored.
            _ => {
                frame.decode()?;
                Outcome::Ignored
            }
        })
    }
}

/// A funding-data update in the mark ring: only the rate is known, the prices are null.
pub(crate) const fn funding_record(
    market_id: u32,
    ts_exchange: i64,
    ts_recv: i64,
    funding_rate: i64,
) -> MarkFunding {
    MarkFunding {
        ts_exchange,
        ts_recv,
        market_id,
        flags: 0,
        mark_px: NULL_PRICE,
        index_px: NULL_PRICE,
        funding_rate,
        open_interest: NULL_PRICE,
    }
}

/// Ring side code of an SBE side.
#[inline]
pub(crate) const fn side_code(side: sbe::Side) -> u16 {
    match side {
        sbe::Side::Buy => SIDE_BUY,
        sbe::Side::Sell => SIDE_SELL,
        _ => SIDE_NONE,
    }
}
