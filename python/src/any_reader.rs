//! A ring reader whose record kind is chosen at run time, and the copy-mode read loop.

use std::path::Path;
use std::time::Duration;

use paradex_ring::{
    Bbo, BookLevel, HealthCounter, MarkFunding, MarketError, Read, Reader, ReaderInfo,
    ReaderOptions, RecordKind, RingResult, Trade, WriterInfo, WriterStatus,
};

use crate::words::{RECORD_WORDS, RecordWords};

/// One [`Reader`] of any market-data kind.
#[derive(Debug)]
pub(crate) enum AnyReader {
    Bbo(Reader<Bbo>),
    Trade(Reader<Trade>),
    BookLevel(Reader<BookLevel>),
    MarkFunding(Reader<MarkFunding>),
}

/// Runs `$body` with `$r` bound to the typed reader inside `$any`.
macro_rules! with_reader {
    ($any:expr, $r:ident => $body:expr) => {
        match $any {
            AnyReader::Bbo($r) => $body,
            AnyReader::Trade($r) => $body,
            AnyReader::BookLevel($r) => $body,
            AnyReader::MarkFunding($r) => $body,
        }
    };
}

/// What one copy-mode read produced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Copied {
    /// Records written to the front of the output.
    pub(crate) records: usize,
    /// Records lost to lapping during the call.
    pub(crate) lost: u64,
}

impl AnyReader {
    /// Opens `path` as a reader of `kind`.
    pub(crate) fn open(path: &Path, kind: RecordKind, options: ReaderOptions) -> RingResult<Self> {
        Ok(match kind {
            RecordKind::Bbo => Self::Bbo(Reader::open_with(path, options)?),
            RecordKind::Trade => Self::Trade(Reader::open_with(path, options)?),
            RecordKind::BookLevel => Self::BookLevel(Reader::open_with(path, options)?),
            RecordKind::MarkFunding => Self::MarkFunding(Reader::open_with(path, options)?),
        })
    }

    pub(crate) fn kind(&self) -> RecordKind {
        match self {
            Self::Bbo(_) => RecordKind::Bbo,
            Self::Trade(_) => RecordKind::Trade,
            Self::BookLevel(_) => RecordKind::BookLevel,
            Self::MarkFunding(_) => RecordKind::MarkFunding,
        }
    }

    /// Copies up to `out.len() / 7` records into `out` as word images, continuing past laps.
    pub(crate) fn read_words(&mut self, out: &mut [u64]) -> Copied {
        with_reader!(self, r => read_words(r, out))
    }

    /// Reads and drops records until the cursor reaches `target` (switching from zero-copy to
    /// copy mode). Returns the cursor reached (past `target` only if lapped on the way).
    pub(crate) fn skip_to(&mut self, target: u64) -> u64 {
        with_reader!(self, r => {
            while r.cursor() < target {
                if let Read::Empty = r.try_read() {
                    break;
                }
            }
            r.cursor()
        })
    }

    /// Commits zero-copy progress: the cursor moves to `next` and `lost` lapped records are
    /// counted (registry and header), as if the records had been read.
    pub(crate) fn advance_to(&mut self, next: u64, lost: u64) -> u64 {
        with_reader!(self, r => r.advance_to(next, lost))
    }

    pub(crate) fn cursor(&self) -> u64 {
        with_reader!(self, r => r.cursor())
    }
    pub(crate) fn published(&self) -> u64 {
        with_reader!(self, r => r.published())
    }
    pub(crate) fn capacity(&self) -> u64 {
        with_reader!(self, r => r.capacity())
    }
    pub(crate) fn path(&self) -> &Path {
        with_reader!(self, r => r.path())
    }
    pub(crate) fn is_intact(&self, seq: u64) -> bool {
        with_reader!(self, r => r.is_intact(seq))
    }
    pub(crate) fn record_offset(&self, seq: u64) -> usize {
        with_reader!(self, r => r.record_offset(seq))
    }
    pub(crate) fn mapping(&self) -> (*const u8, usize) {
        with_reader!(self, r => r.mapping())
    }
    pub(crate) fn writer_info(&self) -> WriterInfo {
        with_reader!(self, r => r.writer_info())
    }
    pub(crate) fn writer_status(&self, max_age: Duration) -> WriterStatus {
        with_reader!(self, r => r.writer_status(max_age))
    }
    pub(crate) fn writer_restarted(&mut self) -> bool {
        with_reader!(self, r => r.writer_restarted())
    }
    pub(crate) fn symbol(&self, market_id: u32) -> Result<Option<String>, MarketError> {
        with_reader!(self, r => r.symbol(market_id))
    }
    pub(crate) fn market_id(&self, symbol: &str) -> Option<u32> {
        with_reader!(self, r => r.market_id(symbol))
    }
    pub(crate) fn health(&self, counter: HealthCounter) -> u64 {
        with_reader!(self, r => r.health(counter))
    }
    pub(crate) fn book_valid(&self, market_id: u32) -> Result<bool, MarketError> {
        with_reader!(self, r => r.book_valid(market_id))
    }
    pub(crate) fn readers(&self) -> Vec<ReaderInfo> {
        with_reader!(self, r => r.readers())
    }
    pub(crate) fn registry_slot(&self) -> Option<usize> {
        with_reader!(self, r => r.registry_slot())
    }
    pub(crate) fn heartbeat(&self) {
        with_reader!(self, r => r.heartbeat());
    }
}

fn read_words<R: RecordWords>(reader: &mut Reader<R>, out: &mut [u64]) -> Copied {
    let mut copied = Copied::default();
    for chunk in out.chunks_exact_mut(RECORD_WORDS) {
        loop {
            match reader.try_read() {
                Read::Record(record) => {
                    chunk.copy_from_slice(&record.to_words());
                    copied.records += 1;
                    break;
                }
                Read::Lapped(lost) => copied.lost += lost,
                Read::Empty => return copied,
            }
        }
    }
    copied
}
