//! Firehose mode: synthetic book deltas, BBOs and trades generated inside each session as fast
//! as the socket takes them (or at a fixed rate), for throughput and latency benchmarks.
//!
//! Each market has a fixed-centre book of [`LEVELS`] levels a side; every delta changes one
//! level (insert, update or delete), so a client that applies the snapshot and every delta
//! holds exactly the server's book, and `seq_no` is contiguous. Frames are encoded straight
//! into the session's batch buffer: no allocation per message.
//!
//! Timestamps: every frame's `ts` (SBE, µs) / `last_updated_at` (JSON, ms) is the wall clock
//! when its batch was encoded, so `client receive time − ts` is the end-to-end latency on
//! one host (resolution 1 µs; a batch holds at most [`MAX_BATCH`] frames).

use std::sync::Arc;

use paradex_proto::sbe::{self, PkgType};

use crate::config::MockConfig;
use crate::exchange::{BookSnapshot, Exchange, Level};

/// Levels per side of each synthetic book.
pub const LEVELS: usize = 64;
/// Most frames encoded per batch.
pub const MAX_BATCH: usize = 256;

/// One firehose market.
#[derive(Debug, Clone)]
struct FirehoseMarket {
    symbol: Arc<str>,
    center: i64,
    tick: i64,
    size_step: i64,
}

/// Firehose configuration shared by every session.
#[derive(Debug, Clone)]
pub struct FirehoseSettings {
    /// Messages per second per session; 0 = unlimited.
    pub rate: u64,
    /// Messages per session before the stream stops; 0 = never.
    pub count: u64,
    seed: u64,
    markets: Vec<FirehoseMarket>,
}

impl FirehoseSettings {
    /// From `--firehose-rate`, `--firehose-count`, `--seed` and the exchange's markets.
    #[must_use]
    pub fn from_config(config: &MockConfig, exchange: &Exchange) -> Self {
        let markets = exchange
            .config()
            .markets
            .iter()
            .map(|m| FirehoseMarket {
                symbol: Arc::from(m.symbol.as_str()),
                center: m.initial_price - m.initial_price % m.price_tick_size.max(1),
                tick: m.price_tick_size.max(1),
                size_step: m.order_size_increment.max(1),
            })
            .collect();
        Self {
            rate: config.firehose_rate,
            count: config.firehose_count,
            seed: config.seed,
            markets,
        }
    }

    /// The index of `symbol` among the firehose markets.
    #[must_use]
    pub fn market_index(&self, symbol: &str) -> Option<usize> {
        self.markets.iter().position(|m| &*m.symbol == symbol)
    }
}

/// What a firehose subscription receives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirehoseKind {
    /// `order_book.{m}.deltas`.
    BookDeltas,
    /// `bbo.{m}`.
    Bbo,
    /// `trades.{m}`.
    Trades,
}

/// Encoding of the frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirehoseEncoding {
    /// SBE at this schema version.
    Sbe(u16),
    /// JSON notifications.
    Json,
}

#[derive(Debug, Clone)]
struct SyntheticBook {
    market: FirehoseMarket,
    seq_no: u64,
    trade_id: u64,
    /// Sizes; `bids[i]` sits at `center - (i + 1) * tick`, `asks[i]` at `center + (i + 1) * tick`.
    bids: [i64; LEVELS],
    asks: [i64; LEVELS],
}

/// One session's firehose generator: a book per market and a fast PRNG.
#[derive(Debug, Clone)]
pub struct FirehoseStream {
    books: Vec<SyntheticBook>,
    rng: u64,
}

impl FirehoseStream {
    /// Fresh books (every level filled) for each market; `salt` varies sessions.
    #[must_use]
    pub fn new(settings: &FirehoseSettings, salt: u64) -> Self {
        let mut stream = Self {
            books: Vec::with_capacity(settings.markets.len()),
            rng: (settings.seed ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1,
        };
        for market in &settings.markets {
            let mut book = SyntheticBook {
                market: market.clone(),
                seq_no: 1_000,
                trade_id: 0,
                bids: [0; LEVELS],
                asks: [0; LEVELS],
            };
            for i in 0..LEVELS {
                book.bids[i] = market.size_step * (1 + stream.next() % 1_000) as i64;
                book.asks[i] = market.size_step * (1 + stream.next() % 1_000) as i64;
            }
            stream.books.push(book);
        }
        stream
    }

    /// xorshift64*: a few ns, good enough for synthetic sizes.
    fn next(&mut self) -> u64 {
        self.rng ^= self.rng >> 12;
        self.rng ^= self.rng << 25;
        self.rng ^= self.rng >> 27;
        self.rng.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// The whole book of market `index` at its current `seq_no`.
    #[must_use]
    pub fn snapshot(&self, index: usize, ts_us: u64) -> Option<BookSnapshot> {
        let book = self.books.get(index)?;
        let m = &book.market;
        let side = |sizes: &[i64; LEVELS], sign: i64| {
            (0..LEVELS)
                .filter(|&i| sizes[i] > 0)
                .map(|i| Level {
                    price: m.center + sign * (i as i64 + 1) * m.tick,
                    size: sizes[i],
                })
                .collect()
        };
        Some(BookSnapshot {
            market: Arc::clone(&m.symbol),
            seq_no: book.seq_no,
            timestamp_us: ts_us,
            bids: side(&book.bids, -1),
            asks: side(&book.asks, 1),
        })
    }

    /// Appends the next frame of `kind` for market `index` to `out` and returns whether it
    /// is a book delta. JSON frames name `channel`.
    ///
    /// # Errors
    /// [`sbe::EncodeError`] from the encoder (a market name over 255 bytes).
    pub fn encode_next(
        &mut self,
        index: usize,
        kind: FirehoseKind,
        channel: &str,
        encoding: FirehoseEncoding,
        ts_us: u64,
        out: &mut Vec<u8>,
    ) -> Result<bool, sbe::EncodeError> {
        let r = self.next();
        let r2 = self.next();
        let Some(book) = self.books.get_mut(index) else {
            return Ok(false);
        };
        let ts = i64::try_from(ts_us).unwrap_or(i64::MAX);
        match kind {
            FirehoseKind::BookDeltas => {
                let (price, size, is_bid, was) = book.mutate(r, r2);
                let level = [sbe::Level { price, size }];
                let (bids, asks): (&[sbe::Level], &[sbe::Level]) =
                    if is_bid { (&level, &[]) } else { (&[], &level) };
                match encoding {
                    FirehoseEncoding::Sbe(version) => crate::ws::sbe_out::book_event(
                        ts_us,
                        book.seq_no,
                        PkgType::Delta,
                        bids,
                        asks,
                        &book.market.symbol,
                    )
                    .encode(version, out)?,
                    FirehoseEncoding::Json => {
                        json_delta(out, channel, book, (price, size, is_bid, was), ts_us);
                    }
                }
                Ok(true)
            }
            FirehoseKind::Bbo => {
                let (bid, ask) = book.top();
                match encoding {
                    FirehoseEncoding::Sbe(version) => sbe::BboEvent {
                        ts_us: ts,
                        seq: book.seq_no as i64,
                        bid_price: bid.map(|l| l.price),
                        bid_size: bid.map(|l| l.size),
                        ask_price: ask.map(|l| l.price),
                        ask_size: ask.map(|l| l.size),
                        market: &book.market.symbol,
                    }
                    .encode(version, out)?,
                    FirehoseEncoding::Json => {
                        let data = crate::exchange::BboEvent {
                            market: Arc::clone(&book.market.symbol),
                            seq_no: book.seq_no,
                            timestamp_us: ts_us,
                            bid,
                            ask,
                        }
                        .to_resp();
                        out.extend_from_slice(
                            crate::ws::json_out::notification(channel, &data).as_bytes(),
                        );
                    }
                }
                Ok(false)
            }
            FirehoseKind::Trades => {
                let (bid, ask) = book.top();
                let buy = r & 1 == 0;
                let price = if buy { ask } else { bid }.map_or(book.market.center, |l| l.price);
                let size = book.market.size_step * (1 + (r2 % 100) as i64);
                book.trade_id += 1;
                let side = if buy {
                    crate::exchange::Side::Buy
                } else {
                    crate::exchange::Side::Sell
                };
                let event = crate::exchange::TradeEvent {
                    id: format!("{ts_us}{:012}", book.trade_id),
                    market: Arc::clone(&book.market.symbol),
                    seq_no: book.seq_no,
                    timestamp_us: ts_us,
                    side,
                    price,
                    size,
                };
                match encoding {
                    FirehoseEncoding::Sbe(version) => {
                        crate::ws::sbe_out::trade(&event, version, out)?
                    }
                    FirehoseEncoding::Json => {
                        out.extend_from_slice(
                            crate::ws::json_out::notification(channel, &event.to_resp()).as_bytes(),
                        );
                    }
                }
                Ok(false)
            }
        }
    }
}

impl SyntheticBook {
    /// Changes one level near the top and bumps `seq_no`; returns (price, new size, is_bid,
    /// previous size).
    fn mutate(&mut self, r: u64, r2: u64) -> (i64, i64, bool, i64) {
        let is_bid = r & 1 == 0;
        // Three quarters of changes hit the top 8 levels, like a real book.
        let index = if r & 6 != 0 {
            (r >> 8) as usize % 8
        } else {
            (r >> 8) as usize % LEVELS
        };
        let sizes = if is_bid {
            &mut self.bids
        } else {
            &mut self.asks
        };
        let size = if sizes[index] > 0 && r2.is_multiple_of(8) {
            0
        } else {
            self.market.size_step * (1 + (r2 >> 3) as i64 % 1_000)
        };
        let was = std::mem::replace(&mut sizes[index], size);
        self.seq_no += 1;
        let offset = (index as i64 + 1) * self.market.tick;
        let price = if is_bid {
            self.market.center - offset
        } else {
            self.market.center + offset
        };
        (price, size, is_bid, was)
    }

    fn top(&self) -> (Option<Level>, Option<Level>) {
        let m = &self.market;
        let bid = self.bids.iter().position(|&s| s > 0).map(|i| Level {
            price: m.center - (i as i64 + 1) * m.tick,
            size: self.bids[i],
        });
        let ask = self.asks.iter().position(|&s| s > 0).map(|i| Level {
            price: m.center + (i as i64 + 1) * m.tick,
            size: self.asks[i],
        });
        (bid, ask)
    }
}

fn json_delta(
    out: &mut Vec<u8>,
    channel: &str,
    book: &SyntheticBook,
    change: (i64, i64, bool, i64),
    ts_us: u64,
) {
    let (price, size, is_bid, was) = change;
    use crate::exchange::{BookDelta, LevelChange, LevelChangeKind, Side};
    let delta = BookDelta {
        market: Arc::clone(&book.market.symbol),
        seq_no: book.seq_no,
        timestamp_us: ts_us,
        changes: vec![LevelChange {
            side: if is_bid { Side::Buy } else { Side::Sell },
            price,
            size,
            kind: match (was, size) {
                (_, 0) => LevelChangeKind::Delete,
                (0, _) => LevelChangeKind::Insert,
                _ => LevelChangeKind::Update,
            },
        }],
    };
    out.extend_from_slice(
        crate::ws::json_out::notification(channel, &crate::ws::json_out::book_delta(&delta))
            .as_bytes(),
    );
}
