//! The symbol table: market id → symbol, one seqlocked 64-byte entry per id.

use crate::layout::{MAX_MARKETS, SYMBOL_BYTES, SYMBOL_ENTRY_SIZE, offset};
use crate::protocol::{seqlock_read, seqlock_write};
use crate::segment::Segment;
use crate::sync::Ordering;

/// A market id or symbol that cannot be stored or read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MarketError {
    /// The id has no entry.
    #[error("market id {id} out of range: the table holds ids 0..{max}")]
    IdOutOfRange {
        /// The rejected id.
        id: u32,
        /// Number of entries.
        max: usize,
    },
    /// Symbols are 1 to 32 UTF-8 bytes without NUL.
    #[error("invalid symbol {symbol:?}: must be 1-{max} UTF-8 bytes without NUL")]
    InvalidSymbol {
        /// The rejected symbol.
        symbol: String,
        /// Longest accepted, in bytes.
        max: usize,
    },
    /// The stored bytes are not UTF-8 (a corrupt segment).
    #[error("symbol entry {id} holds invalid UTF-8")]
    CorruptEntry {
        /// The entry.
        id: u32,
    },
    /// The writer kept rewriting the entry while it was read.
    #[error("symbol entry {id} changed during every read attempt")]
    Busy {
        /// The entry.
        id: u32,
    },
}

const NAME_WORDS: usize = SYMBOL_BYTES / 8;

fn entry(id: u32) -> Result<usize, MarketError> {
    if (id as usize) < MAX_MARKETS {
        Ok(offset::SYMBOLS + id as usize * SYMBOL_ENTRY_SIZE)
    } else {
        Err(MarketError::IdOutOfRange {
            id,
            max: MAX_MARKETS,
        })
    }
}

pub(crate) fn write(seg: &Segment, id: u32, symbol: &str) -> Result<(), MarketError> {
    let at = entry(id)?;
    if symbol.is_empty() || symbol.len() > SYMBOL_BYTES || symbol.contains('\0') {
        return Err(MarketError::InvalidSymbol {
            symbol: symbol.to_owned(),
            max: SYMBOL_BYTES,
        });
    }
    let mut bytes = [0u8; SYMBOL_BYTES];
    bytes[..symbol.len()].copy_from_slice(symbol.as_bytes());
    let mut words = [0u64; NAME_WORDS];
    for (word, chunk) in words.iter_mut().zip(bytes.chunks_exact(8)) {
        let mut le = [0u8; 8];
        le.copy_from_slice(chunk);
        *word = u64::from_le_bytes(le);
    }
    let stamp = seg.u64_at(at);
    // Only the writer stores here; an odd value left by a crashed writer is reused as `busy`.
    let busy = stamp.load(Ordering::Relaxed) | 1;
    seqlock_write(
        stamp,
        seg.u64s_at(at + 8, NAME_WORDS),
        busy,
        busy + 1,
        &words,
    );
    Ok(())
}

pub(crate) fn read(seg: &Segment, id: u32) -> Result<Option<String>, MarketError> {
    let at = entry(id)?;
    let stamp = seg.u64_at(at);
    let words = seg.u64s_at(at + 8, NAME_WORDS);
    for _ in 0..1000 {
        let mut out = [0u64; NAME_WORDS];
        // SYNC: the Acquire inside `seqlock_read` pairs with the writer's Release of the stamp.
        let seen = stamp.load(Ordering::Acquire);
        if seen == 0 {
            return Ok(None);
        }
        if seen & 1 == 1 {
            core::hint::spin_loop();
            continue;
        }
        if seqlock_read(stamp, words, seen, &mut out) == Ok(seen) {
            let mut bytes = [0u8; SYMBOL_BYTES];
            for (chunk, word) in bytes.chunks_exact_mut(8).zip(out) {
                chunk.copy_from_slice(&word.to_le_bytes());
            }
            let len = bytes.iter().position(|b| *b == 0).unwrap_or(SYMBOL_BYTES);
            return match core::str::from_utf8(&bytes[..len]) {
                Ok(s) if !s.is_empty() => Ok(Some(s.to_owned())),
                _ => Err(MarketError::CorruptEntry { id }),
            };
        }
    }
    Err(MarketError::Busy { id })
}

/// Finds the id of `symbol` by scanning the table.
pub(crate) fn find(seg: &Segment, symbol: &str) -> Option<u32> {
    (0..MAX_MARKETS as u32).find(|id| matches!(read(seg, *id), Ok(Some(s)) if s == symbol))
}
