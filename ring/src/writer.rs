//! The single writer: publish, claim/commit, heartbeat, and the shared tables it owns.

use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};
use std::path::{Path, PathBuf};

use crate::clock::monotonic_ns;
use crate::error::RingResult;
use crate::health::{self, HealthCounter};
use crate::layout::offset;
use crate::protocol::{RingCore, committed};
use crate::record::{ShmRecord, as_words};
use crate::registry::{self, ReaderInfo};
use crate::segment::{Attach, DataRegion, OnIncompatible, Segment, WriterState, check_name};
use crate::symbols::{self, MarketError};
use crate::sync::Ordering;

/// Default directory for segments.
pub const DEFAULT_DIR: &str = "/dev/shm";

/// Where a writer's segment lives and how big it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RingConfig {
    /// Directory holding the segment file (default [`DEFAULT_DIR`]).
    pub dir: PathBuf,
    /// File name, `[A-Za-z0-9._-]`; see [`crate::RecordKind::segment_name`].
    pub name: String,
    /// Number of slots, a power of two.
    pub capacity: u64,
    /// What to do with an existing segment that cannot be reused.
    pub on_incompatible: OnIncompatible,
}

impl RingConfig {
    /// A config for `name` in [`DEFAULT_DIR`].
    #[must_use]
    pub fn new(name: impl Into<String>, capacity: u64) -> Self {
        Self {
            dir: PathBuf::from(DEFAULT_DIR),
            name: name.into(),
            capacity,
            on_incompatible: OnIncompatible::default(),
        }
    }

    /// The same config in another directory.
    #[must_use]
    pub fn in_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.dir = dir.into();
        self
    }

    /// The segment file path.
    #[must_use]
    pub fn path(&self) -> PathBuf {
        self.dir.join(&self.name)
    }
}

/// The only writer of one segment.
///
/// Single-writer is enforced twice: `Writer` is not `Clone` and `publish` takes `&mut self`, and
/// the process holds an exclusive `flock` on the file for the writer's lifetime, so a second
/// writer process gets [`crate::RingError::WriterActive`]. The kernel drops the lock when the
/// process dies, so a crashed writer's segment can be reopened by its successor, which bumps the
/// epoch and continues the sequence.
///
/// The hot path (`publish`, `claim` + `commit`) is plain stores: no syscall, no waiting for
/// readers. The heartbeat is the owner's job: call [`Writer::heartbeat`] from the event loop
/// (once per wake-up or per millisecond), or [`Writer::heartbeat_at`] with a timestamp already
/// at hand (for instance the receive time just stamped on a record), which costs one store.
#[derive(Debug)]
pub struct Writer<R: ShmRecord> {
    segment: Segment,
    region: DataRegion,
    next_seq: u64,
    epoch: u64,
    _record: PhantomData<R>,
}

impl<R: ShmRecord> Writer<R> {
    /// Creates the segment, or reopens a compatible one left by a previous writer (bumping the
    /// epoch and continuing its sequence).
    ///
    /// # Errors
    ///
    /// [`crate::RingError::InvalidName`] / `InvalidCapacity` for a bad config,
    /// `WriterActive` if another process is writing, validation errors for an incompatible
    /// existing file when `on_incompatible` is `Fail`, `Io` for system-call failures.
    pub fn create(config: &RingConfig) -> RingResult<Self> {
        check_name(&config.name)?;
        let path = config.path();
        let (segment, attach) =
            Segment::open_writer::<R>(&path, config.capacity, config.on_incompatible)?;
        Ok(Self::attach(segment, attach))
    }

    /// A writer over a new in-memory segment (tests and Miri, which cannot map files).
    #[cfg(any(test, miri))]
    pub(crate) fn in_memory(capacity: u64) -> RingResult<Self> {
        Ok(Self::attach(
            Segment::in_memory::<R>(capacity)?,
            Attach::Created,
        ))
    }

    /// A reader of this writer's in-memory segment.
    #[cfg(any(test, miri))]
    pub(crate) fn in_memory_reader(
        &self,
        options: crate::ReaderOptions,
    ) -> RingResult<crate::Reader<R>> {
        let segment = self
            .segment
            .share()
            .expect("in_memory_reader on an in-memory writer");
        crate::Reader::from_segment(segment, options)
    }

    fn attach(segment: Segment, attach: Attach) -> Self {
        let region = DataRegion::of(&segment);
        let previous_epoch = segment.u64_at(offset::WRITER_EPOCH).load(Ordering::Acquire);
        let epoch = match attach {
            Attach::Created => 1,
            Attach::Reopened => previous_epoch + 1,
        };
        let mut writer = Self {
            segment,
            region,
            next_seq: 0,
            epoch,
            _record: PhantomData,
        };
        writer.next_seq = writer.recover_tail();
        let seg = &writer.segment;
        seg.u64_at(offset::WRITER_PID)
            .store(u64::from(std::process::id()), Ordering::Relaxed);
        seg.u64_at(offset::WRITER_STARTED_NS)
            .store(monotonic_ns().cast_unsigned(), Ordering::Relaxed);
        writer.heartbeat();
        // SYNC: readers load the epoch with Acquire; seeing the new epoch they see the new pid,
        // start time, heartbeat and recovered tail stored before it.
        seg.u64_at(offset::WRITER_EPOCH)
            .store(epoch, Ordering::Release);
        // SYNC: as above for the state.
        seg.u64_at(offset::WRITER_STATE)
            .store(WriterState::Live.to_raw(), Ordering::Release);
        writer
    }

    /// The tail a previous writer left, advanced past any record it committed but did not count
    /// (a crash between the slot's stamp and the tail store).
    fn recover_tail(&self) -> u64 {
        let core = self.core();
        let mut tail = core.published();
        let limit = tail.saturating_add(self.region.capacity());
        while tail < limit && core.stamp(tail) == committed(tail) {
            tail += 1;
        }
        // SYNC: Release, as in `RingCore::publish`.
        self.segment
            .u64_at(offset::TAIL)
            .store(tail, Ordering::Release);
        tail
    }

    #[inline]
    fn core(&self) -> RingCore<'_> {
        self.region.core(&self.segment)
    }

    /// Copies `record` into the next slot and publishes it; returns its sequence number.
    /// Never blocks: the oldest record is overwritten.
    #[inline]
    pub fn publish(&mut self, record: &R) -> u64 {
        let seq = self.next_seq;
        self.core().publish(seq, as_words(record));
        self.next_seq = seq.wrapping_add(1);
        seq
    }

    /// Starts a record in place: fill the returned [`Claim`] (it derefs to `R`, starting from
    /// `R::default()`), then [`Claim::commit`]. Dropping the claim publishes nothing.
    #[inline]
    pub fn claim(&mut self) -> Claim<'_, R> {
        Claim {
            writer: self,
            record: R::default(),
        }
    }

    /// Stores the current `CLOCK_MONOTONIC` time as the heartbeat (a vDSO read, no syscall).
    #[inline]
    pub fn heartbeat(&self) {
        self.heartbeat_at(monotonic_ns());
    }

    /// Stores `now_ns` (`CLOCK_MONOTONIC`) as the heartbeat: one store.
    #[inline]
    pub fn heartbeat_at(&self, now_ns: i64) {
        self.segment
            .u64_at(offset::HEARTBEAT)
            .store(now_ns.cast_unsigned(), Ordering::Relaxed);
    }

    /// Sequence the next record will get (= records published over the segment's life).
    #[must_use]
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// This writer's epoch: 1 for the creator of the file, +1 per restart.
    #[must_use]
    pub fn epoch(&self) -> u64 {
        self.epoch
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

    /// Maps `market_id` to `symbol` in the segment's symbol table (do it before publishing
    /// records for that market).
    ///
    /// # Errors
    ///
    /// [`MarketError::IdOutOfRange`] or [`MarketError::InvalidSymbol`].
    pub fn set_symbol(&self, market_id: u32, symbol: &str) -> Result<(), MarketError> {
        symbols::write(&self.segment, market_id, symbol)
    }

    /// The symbol of `market_id`, if set.
    ///
    /// # Errors
    ///
    /// As [`crate::Reader::symbol`].
    pub fn symbol(&self, market_id: u32) -> Result<Option<String>, MarketError> {
        symbols::read(&self.segment, market_id)
    }

    /// Adds `n` to a feed-health counter.
    #[inline]
    pub fn add_health(&self, counter: HealthCounter, n: u64) {
        health::add(&self.segment, counter, n);
    }

    /// Sets a feed-health counter.
    #[inline]
    pub fn set_health(&self, counter: HealthCounter, value: u64) {
        health::set(&self.segment, counter, value);
    }

    /// Current value of a feed-health counter.
    #[must_use]
    pub fn health(&self, counter: HealthCounter) -> u64 {
        health::get(&self.segment, counter)
    }

    /// Marks the book of `market_id` valid (after a snapshot) or invalid (after a gap).
    ///
    /// # Errors
    ///
    /// [`MarketError::IdOutOfRange`].
    pub fn set_book_valid(&self, market_id: u32, valid: bool) -> Result<(), MarketError> {
        health::set_book_valid(&self.segment, market_id, valid)
    }

    /// Readers currently registered on the segment.
    #[must_use]
    pub fn readers(&self) -> Vec<ReaderInfo> {
        registry::list(&self.segment)
    }
}

impl<R: ShmRecord> Drop for Writer<R> {
    fn drop(&mut self) {
        self.heartbeat();
        // SYNC: Release: a reader that sees `Closed` has seen every record published.
        self.segment
            .u64_at(offset::WRITER_STATE)
            .store(WriterState::Closed.to_raw(), Ordering::Release);
    }
}

/// A record being filled in place. Commit with [`Claim::commit`]; dropping it aborts (nothing is
/// published and the sequence is not consumed).
///
/// The record is staged in the claim and copied into the slot by `commit`: shared memory that
/// readers may be copying concurrently is only ever touched through atomics, and a 56-byte copy
/// is a handful of stores.
#[derive(Debug)]
pub struct Claim<'w, R: ShmRecord> {
    writer: &'w mut Writer<R>,
    record: R,
}

impl<R: ShmRecord> Claim<'_, R> {
    /// Publishes the record; returns its sequence number.
    #[inline]
    pub fn commit(self) -> u64 {
        let record = self.record;
        self.writer.publish(&record)
    }
}

impl<R: ShmRecord> Deref for Claim<'_, R> {
    type Target = R;

    fn deref(&self) -> &R {
        &self.record
    }
}

impl<R: ShmRecord> DerefMut for Claim<'_, R> {
    fn deref_mut(&mut self) -> &mut R {
        &mut self.record
    }
}
