//! A reader: its own cursor, lap accounting, writer liveness, and the shared tables.

use core::marker::PhantomData;
use std::path::Path;
use std::time::Duration;

use crate::clock::monotonic_ns;
use crate::error::RingResult;
use crate::health::{self, HealthCounter};
use crate::layout::offset;
use crate::protocol::{Next, RingCore, committed};
use crate::record::{ShmRecord, as_words_mut};
use crate::registry::{self, HEARTBEAT_EVERY, ReaderInfo, Registration, pid_alive};
use crate::segment::{DataRegion, Segment, WriterState};
use crate::symbols::{self, MarketError};
use crate::sync::Ordering;

/// Where a new reader's cursor starts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StartAt {
    /// The oldest record still in the ring.
    Oldest,
    /// The newest published record (so the first read returns the current state, if any).
    #[default]
    Newest,
    /// The next record to be published.
    Next,
}

/// How to open a reader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReaderOptions {
    /// Where the cursor starts.
    pub start: StartAt,
    /// Take a reader-registry slot (needs write access to the file). Without it the whole
    /// segment is opened read-only and the reader is invisible to status tools.
    pub register: bool,
}

impl Default for ReaderOptions {
    fn default() -> Self {
        Self {
            start: StartAt::default(),
            register: true,
        }
    }
}

/// Result of one read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Read<R> {
    /// The next record, intact.
    Record(R),
    /// Nothing new yet.
    Empty,
    /// The writer lapped this reader: exactly this many records were lost; the cursor moved past
    /// them and the next read continues from the oldest safe record.
    Lapped(u64),
}

/// Summary of a [`Reader::poll_into`] call.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Batch {
    /// Records copied to the front of the output slice.
    pub records: usize,
    /// Records lost to lapping during the call.
    pub lost: u64,
}

/// The writer as a reader sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriterStatus {
    /// Running: state live, process exists, heartbeat fresh.
    Alive,
    /// State live and the process exists, but the heartbeat is older than the allowed age (hung,
    /// or its owner does not heartbeat).
    Stale,
    /// State live but the process no longer exists: it crashed. A new writer may reopen the
    /// segment; keep reading and watch [`Reader::writer_epoch`].
    Dead,
    /// The writer shut down cleanly.
    Closed,
    /// The file was replaced by an incompatible segment: reopen by name.
    Replaced,
}

/// Writer identity and liveness fields from the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriterInfo {
    /// Pid of the current (or last) writer.
    pub pid: u64,
    /// Epoch: 1 for the creator, +1 per restart.
    pub epoch: u64,
    /// Recorded state.
    pub state: WriterState,
    /// `CLOCK_MONOTONIC` ns of the last heartbeat.
    pub heartbeat_ns: i64,
}

impl WriterInfo {
    /// Classifies the writer: a heartbeat older than `max_age` is [`WriterStatus::Stale`].
    /// Makes a `kill(pid, 0)` syscall unless the state is `Closed` or `Replaced`.
    #[must_use]
    pub fn status(&self, max_age: Duration) -> WriterStatus {
        match self.state {
            WriterState::Closed => WriterStatus::Closed,
            WriterState::Replaced => WriterStatus::Replaced,
            WriterState::None | WriterState::Live => {
                let max_age = i64::try_from(max_age.as_nanos()).unwrap_or(i64::MAX);
                if !pid_alive(self.pid) {
                    WriterStatus::Dead
                } else if monotonic_ns().saturating_sub(self.heartbeat_ns) > max_age {
                    WriterStatus::Stale
                } else {
                    WriterStatus::Alive
                }
            }
        }
    }
}

/// One reader of a segment, with its own cursor. Any number may exist, in any processes.
#[derive(Debug)]
pub struct Reader<R: ShmRecord> {
    segment: Segment,
    region: DataRegion,
    cursor: u64,
    lost: u64,
    epoch_seen: u64,
    polls: u32,
    registration: Option<Registration>,
    _record: PhantomData<R>,
}

impl<R: ShmRecord> Reader<R> {
    /// Opens `path` with default options (start at the newest record, registered).
    ///
    /// # Errors
    ///
    /// As [`Reader::open_with`].
    pub fn open(path: impl AsRef<Path>) -> RingResult<Self> {
        Self::open_with(path, ReaderOptions::default())
    }

    /// Opens `path`, validating the whole header against `R` and the file size.
    ///
    /// # Errors
    ///
    /// `Io` if the file cannot be opened or mapped; `Truncated`, `SizeMismatch`, `BadMagic`,
    /// `VersionMismatch`, `LayoutMismatch` or `CorruptHeader` for a file that is not a valid
    /// segment of `R`; `RegistryFull` when registering and every slot is held by a live reader.
    pub fn open_with(path: impl AsRef<Path>, options: ReaderOptions) -> RingResult<Self> {
        let segment = Segment::open_reader::<R>(path.as_ref(), options.register)?;
        Self::from_segment(segment, options)
    }

    /// A reader over a validated segment.
    pub(crate) fn from_segment(segment: Segment, options: ReaderOptions) -> RingResult<Self> {
        let region = DataRegion::of(&segment);
        let epoch_seen = segment.u64_at(offset::WRITER_EPOCH).load(Ordering::Acquire);
        let mut reader = Self {
            segment,
            region,
            cursor: 0,
            lost: 0,
            epoch_seen,
            polls: 0,
            registration: None,
            _record: PhantomData,
        };
        let core = reader.core();
        reader.cursor = match options.start {
            StartAt::Oldest => core.oldest(),
            StartAt::Newest => core.published().saturating_sub(1),
            StartAt::Next => core.published(),
        };
        if options.register {
            reader.registration = Some(Registration::claim(
                &reader.segment,
                reader.cursor,
                epoch_seen,
            )?);
        }
        Ok(reader)
    }

    #[inline]
    fn core(&self) -> RingCore<'_> {
        self.region.core(&self.segment)
    }

    /// Reads the next record. Never returns a torn or overwritten record.
    #[inline]
    pub fn try_read(&mut self) -> Read<R> {
        let mut record = R::default();
        let mut cursor = self.cursor;
        let next = self.core().next(&mut cursor, as_words_mut(&mut record));
        self.cursor = cursor;
        self.tick();
        match next {
            Next::Record => {
                if let Some(reg) = &self.registration {
                    reg.set_cursor(cursor);
                }
                Read::Record(record)
            }
            Next::Empty => Read::Empty,
            Next::Lapped { lost } => {
                self.count_lost(lost);
                Read::Lapped(lost)
            }
        }
    }

    /// Records a lap: this reader's total, its registry slot and the header's
    /// [`HealthCounter::LapsObserved`] sum over all readers.
    #[cold]
    fn count_lost(&mut self, lost: u64) {
        self.lost = self.lost.saturating_add(lost);
        if let Some(reg) = &self.registration {
            reg.set_cursor(self.cursor);
            reg.set_lost(self.lost);
            reg.add_laps(lost);
        }
    }

    /// Commits progress made without copying: a zero-copy consumer that has read records
    /// `cursor()..next` in place (through [`Reader::mapping`] and [`Reader::record_offset`],
    /// checking [`Reader::is_intact`]) and skipped `lost` of them to laps moves the cursor to
    /// `next`, so the registry (and status tools) see its real position and loss.
    ///
    /// `next` is clamped to the records published so far; a `next` at or before the cursor
    /// only records `lost`. Returns the new cursor.
    pub fn advance_to(&mut self, next: u64, lost: u64) -> u64 {
        let target = next.min(self.published());
        if target > self.cursor {
            self.cursor = target;
            if let Some(reg) = &self.registration {
                reg.set_cursor(target);
            }
        }
        if lost > 0 {
            self.count_lost(lost);
        }
        self.tick();
        self.cursor
    }

    /// Copies up to `out.len()` available records to the front of `out`, continuing past laps.
    pub fn poll_into(&mut self, out: &mut [R]) -> Batch {
        let mut batch = Batch::default();
        while batch.records < out.len() {
            match self.try_read() {
                Read::Record(record) => {
                    out[batch.records] = record;
                    batch.records += 1;
                }
                Read::Lapped(lost) => batch.lost += lost,
                Read::Empty => break,
            }
        }
        batch
    }

    #[inline]
    fn tick(&mut self) {
        self.polls = self.polls.wrapping_add(1);
        if self.polls.is_multiple_of(HEARTBEAT_EVERY)
            && let Some(reg) = &self.registration
        {
            reg.heartbeat();
        }
    }

    /// Sequence of the next record this reader will return.
    #[must_use]
    pub fn cursor(&self) -> u64 {
        self.cursor
    }

    /// Records lost to lapping since this reader opened.
    #[must_use]
    pub fn lost(&self) -> u64 {
        self.lost
    }

    /// Records published over the segment's life.
    #[must_use]
    pub fn published(&self) -> u64 {
        self.core().published()
    }

    /// Published records this reader has not read yet.
    #[must_use]
    pub fn behind(&self) -> u64 {
        self.published().saturating_sub(self.cursor)
    }

    /// Number of slots.
    #[must_use]
    pub fn capacity(&self) -> u64 {
        self.region.capacity()
    }

    /// The segment file.
    #[must_use]
    pub fn path(&self) -> &Path {
        self.segment.path()
    }

    /// Base address and length of the read-only mapping of the whole segment, for zero-copy
    /// views (the Python bindings). The memory changes under the view as the writer publishes:
    /// read it only as the layout documents (stamp, copy, re-check; see `docs/ring-layout.md`),
    /// check a viewed record with [`Reader::is_intact`] after using it, and never write to it.
    #[must_use]
    pub fn mapping(&self) -> (*const u8, usize) {
        (self.segment.base(), self.segment.len())
    }

    /// Byte offset (from the mapping base) of the record part of the slot that holds `seq`.
    #[must_use]
    pub fn record_offset(&self, seq: u64) -> usize {
        self.region.record_offset(seq)
    }

    /// Whether the slot of `seq` still holds record `seq`, committed (a view of it is valid).
    #[must_use]
    pub fn is_intact(&self, seq: u64) -> bool {
        self.core().stamp(seq) == committed(seq)
    }

    /// Registry slot index, if registered.
    #[must_use]
    pub fn registry_slot(&self) -> Option<usize> {
        self.registration.as_ref().map(Registration::slot)
    }

    /// Writer identity and liveness fields.
    #[must_use]
    pub fn writer_info(&self) -> WriterInfo {
        self.segment.writer_info()
    }

    /// The current writer epoch.
    #[must_use]
    pub fn writer_epoch(&self) -> u64 {
        self.writer_info().epoch
    }

    /// True once per writer restart: when the epoch differs from the one this reader last saw.
    pub fn writer_restarted(&mut self) -> bool {
        let epoch = self.writer_epoch();
        if epoch == self.epoch_seen {
            return false;
        }
        self.epoch_seen = epoch;
        if let Some(reg) = &self.registration {
            reg.set_epoch_seen(epoch);
        }
        true
    }

    /// Classifies the writer: a heartbeat older than `max_age` is [`WriterStatus::Stale`].
    /// Makes a `kill(pid, 0)` syscall: call it from a timer, not per record.
    #[must_use]
    pub fn writer_status(&self, max_age: Duration) -> WriterStatus {
        self.writer_info().status(max_age)
    }

    /// Refreshes this reader's registry heartbeat now (reads also do it every
    /// [`HEARTBEAT_EVERY`] polls).
    pub fn heartbeat(&self) {
        if let Some(reg) = &self.registration {
            reg.heartbeat();
        }
    }

    /// Readers registered on the segment.
    #[must_use]
    pub fn readers(&self) -> Vec<ReaderInfo> {
        registry::list(&self.segment)
    }

    /// The symbol of `market_id`, if the writer set one.
    ///
    /// # Errors
    ///
    /// `IdOutOfRange`; `CorruptEntry` if the stored bytes are not UTF-8; `Busy` if the writer kept
    /// rewriting the entry.
    pub fn symbol(&self, market_id: u32) -> Result<Option<String>, MarketError> {
        symbols::read(&self.segment, market_id)
    }

    /// The market id of `symbol` (a scan of the table: cache the result).
    #[must_use]
    pub fn market_id(&self, symbol: &str) -> Option<u32> {
        symbols::find(&self.segment, symbol)
    }

    /// A feed-health counter.
    #[must_use]
    pub fn health(&self, counter: HealthCounter) -> u64 {
        health::get(&self.segment, counter)
    }

    /// Whether the feed currently holds a valid book for `market_id`.
    ///
    /// # Errors
    ///
    /// [`MarketError::IdOutOfRange`].
    pub fn book_valid(&self, market_id: u32) -> Result<bool, MarketError> {
        health::book_valid(&self.segment, market_id)
    }
}
