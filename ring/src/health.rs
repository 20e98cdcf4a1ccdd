//! Feed-health counters and per-market book validity, visible to every reader.
//!
//! Single writer, so updates are a load and a store (no locked read-modify-write): a few
//! nanoseconds and no syscall. The exception is [`HealthCounter::LapsObserved`], which lapped
//! readers add to from their own processes, so every update of it is an atomic `fetch_add`.

use crate::layout::{HEALTH_CELLS, MAX_MARKETS, offset};
use crate::segment::Segment;
use crate::symbols::MarketError;
use crate::sync::Ordering;

/// Names of the feed-health counter cells (cells 8..16 are reserved, zero).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HealthCounter {
    /// Market-data messages decoded.
    Messages,
    /// WebSocket reconnects.
    Reconnects,
    /// Order-book sequence gaps detected (each invalidates that market's book).
    BookGaps,
    /// Messages that failed to parse.
    ParseErrors,
    /// SBE frames with a template id the decoder does not know.
    UnknownTemplates,
    /// Frames too short or otherwise malformed.
    MalformedFrames,
    /// Records lost to lapping, summed over every registered reader (each adds its own loss
    /// with an atomic `fetch_add` when lapped; unregistered read-only readers cannot).
    LapsObserved,
    /// Updates dropped because their exchange sequence went backwards.
    StaleDropped,
}

impl HealthCounter {
    /// Every named counter, in cell order.
    pub const ALL: [Self; 8] = [
        Self::Messages,
        Self::Reconnects,
        Self::BookGaps,
        Self::ParseErrors,
        Self::UnknownTemplates,
        Self::MalformedFrames,
        Self::LapsObserved,
        Self::StaleDropped,
    ];

    /// Cell index (byte offset `0x200 + 8 * index`).
    #[must_use]
    pub const fn index(self) -> usize {
        self as usize
    }

    /// snake_case name, as the Python side and the status tool print it.
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Self::Messages => "messages",
            Self::Reconnects => "reconnects",
            Self::BookGaps => "book_gaps",
            Self::ParseErrors => "parse_errors",
            Self::UnknownTemplates => "unknown_templates",
            Self::MalformedFrames => "malformed_frames",
            Self::LapsObserved => "laps_observed",
            Self::StaleDropped => "stale_dropped",
        }
    }
}

const _: () = assert!(HealthCounter::ALL.len() <= HEALTH_CELLS);

fn cell(seg: &Segment, counter: HealthCounter) -> &crate::sync::AtomicU64 {
    seg.u64_at(offset::HEALTH + 8 * counter.index())
}

pub(crate) fn add(seg: &Segment, counter: HealthCounter, n: u64) {
    let cell = cell(seg, counter);
    if counter == HealthCounter::LapsObserved {
        // Readers add to this one too (see `registry`), so only an atomic add is safe.
        cell.fetch_add(n, Ordering::Release);
        return;
    }
    // Only the writer stores here, so load + store cannot lose an update.
    let value = cell.load(Ordering::Relaxed).wrapping_add(n);
    // SYNC: Release so a reader that sees the count also sees the records published before it.
    cell.store(value, Ordering::Release);
}

pub(crate) fn set(seg: &Segment, counter: HealthCounter, value: u64) {
    // SYNC: as in `add`.
    cell(seg, counter).store(value, Ordering::Release);
}

pub(crate) fn get(seg: &Segment, counter: HealthCounter) -> u64 {
    // SYNC: pairs with the Release stores in `add` / `set`.
    cell(seg, counter).load(Ordering::Acquire)
}

fn bit(market_id: u32) -> Result<(usize, u64), MarketError> {
    let id = market_id as usize;
    if id >= MAX_MARKETS {
        return Err(MarketError::IdOutOfRange {
            id: market_id,
            max: MAX_MARKETS,
        });
    }
    Ok((offset::BOOK_VALID + 8 * (id / 64), 1 << (id % 64)))
}

pub(crate) fn set_book_valid(
    seg: &Segment,
    market_id: u32,
    valid: bool,
) -> Result<(), MarketError> {
    let (at, mask) = bit(market_id)?;
    let word = seg.u64_at(at);
    let old = word.load(Ordering::Relaxed);
    let new = if valid { old | mask } else { old & !mask };
    // SYNC: Release: a reader that sees the flag also sees the book records published before it.
    word.store(new, Ordering::Release);
    Ok(())
}

pub(crate) fn book_valid(seg: &Segment, market_id: u32) -> Result<bool, MarketError> {
    let (at, mask) = bit(market_id)?;
    // SYNC: pairs with the Release store in `set_book_valid`.
    Ok(seg.u64_at(at).load(Ordering::Acquire) & mask != 0)
}
