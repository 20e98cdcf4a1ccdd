//! The lock-free publish/consume protocol, independent of where its memory lives.
//!
//! Each slot is a seqlock: an 8-byte stamp followed by the record's words. For sequence `s`:
//! - `writing(s) = 2s + 1` (odd) while the writer copies record `s` in;
//! - `committed(s) = 2s + 2` (even) once record `s` is complete;
//! - `0` for a slot never written.
//!
//! Every payload access is a Relaxed 8-byte atomic (a plain `mov` on x86), so there is no data
//! race in Rust's model even when a reader copies a slot the writer is overwriting: the stamp
//! re-check then rejects the copy. After committing a slot the writer release-stores the tail
//! (records published), which readers use to start at either end and to resynchronise after
//! being lapped.
//!
//! Sequence arithmetic wraps instead of panicking: a real sequence never nears 2^62 (146 years at
//! 10^9 records/s), and `open` refuses a tail beyond [`MAX_SEQ`], so wrapping only matters for a
//! file corrupted while mapped, where it must not panic.
//!
//! The segment code builds a [`RingCore`] over mapped memory; the loom tests build one over
//! loom atomics.

use crate::sync::{AtomicU64, Ordering, fence};

/// Largest tail `open` accepts.
pub const MAX_SEQ: u64 = 1 << 62;

/// Stamp of a slot while record `seq` is being written.
#[must_use]
#[inline]
pub const fn writing(seq: u64) -> u64 {
    seq.wrapping_shl(1) | 1
}

/// Stamp of a slot holding the complete record `seq`.
#[must_use]
#[inline]
pub const fn committed(seq: u64) -> u64 {
    seq.wrapping_add(1).wrapping_shl(1)
}

/// Seqlock write: odd `busy` stamp, payload, then even `done` stamp.
#[inline]
pub fn seqlock_write(stamp: &AtomicU64, words: &[AtomicU64], busy: u64, done: u64, src: &[u64]) {
    debug_assert!(busy & 1 == 1 && done & 1 == 0 && words.len() >= src.len());
    stamp.store(busy, Ordering::Relaxed);
    // SYNC: orders the odd stamp before the payload stores. A reader whose copy saw any of the
    // new words fences (Acquire) before re-loading the stamp, so it sees at least `busy` and
    // rejects the copy.
    fence(Ordering::Release);
    for (word, value) in words.iter().zip(src) {
        word.store(*value, Ordering::Relaxed);
    }
    // SYNC: publishes the payload. A reader whose Acquire load of the stamp sees `done` sees
    // every word stored above.
    stamp.store(done, Ordering::Release);
}

/// Seqlock read of a slot expected to hold stamp `expect`.
///
/// Returns the stamp seen first; the copy in `dst` is valid only when the result is
/// `Ok(expect)`. `Err(stamp)` means the stamp changed while copying.
#[inline]
pub fn seqlock_read(
    stamp: &AtomicU64,
    words: &[AtomicU64],
    expect: u64,
    dst: &mut [u64],
) -> Result<u64, u64> {
    // SYNC: pairs with the writer's Release store of the even stamp: seeing it makes that
    // write's payload visible to the loads below.
    let before = stamp.load(Ordering::Acquire);
    if before != expect {
        return Ok(before);
    }
    for (out, word) in dst.iter_mut().zip(words) {
        *out = word.load(Ordering::Relaxed);
    }
    // SYNC: pairs with the writer's Release fence after its odd stamp: if any word above came
    // from a newer write, the re-load below sees that write's odd stamp (or later).
    fence(Ordering::Acquire);
    let after = stamp.load(Ordering::Relaxed);
    if after == before {
        Ok(before)
    } else {
        Err(after)
    }
}

/// What a read of one slot found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlotRead {
    /// The record was copied intact.
    Ready,
    /// The record has not been published yet.
    Pending,
    /// The record was overwritten by a later lap (before or during the copy).
    Overwritten,
}

/// What the next read from a cursor produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Next {
    /// A record was copied and the cursor advanced by one.
    Record,
    /// Nothing new; the cursor is unchanged.
    Empty,
    /// The writer lapped the cursor: `lost` records are gone and the cursor moved past them.
    Lapped {
        /// Records skipped, exactly.
        lost: u64,
    },
}

/// A ring over borrowed atomics: `capacity` slots of `slot_words` words (stamp first) and the
/// tail counter.
#[derive(Debug)]
pub struct RingCore<'a> {
    slots: &'a [AtomicU64],
    slot_words: usize,
    mask: u64,
    tail: &'a AtomicU64,
}

impl<'a> RingCore<'a> {
    /// Builds the view.
    ///
    /// `capacity` must be a power of two, `slot_words` at least 2 and `slots` exactly
    /// `capacity * slot_words` long (checked in debug builds; segment code validates them once
    /// when it maps the file). Slot access is bounds-checked either way.
    #[must_use]
    #[inline]
    pub fn new(
        slots: &'a [AtomicU64],
        slot_words: usize,
        capacity: u64,
        tail: &'a AtomicU64,
    ) -> Self {
        debug_assert!(capacity.is_power_of_two() && slot_words >= 2);
        debug_assert_eq!(
            Some(slots.len() as u64),
            capacity.checked_mul(slot_words as u64)
        );
        Self {
            slots,
            slot_words,
            mask: capacity - 1,
            tail,
        }
    }

    /// Number of slots.
    #[must_use]
    #[inline]
    pub fn capacity(&self) -> u64 {
        self.mask + 1
    }

    #[inline]
    fn slot(&self, seq: u64) -> (&'a AtomicU64, &'a [AtomicU64]) {
        // `mask < capacity`, so the index times `slot_words` stays inside `slots`.
        let start = (seq & self.mask) as usize * self.slot_words;
        let slot = &self.slots[start..start + self.slot_words];
        (&slot[0], &slot[1..])
    }

    /// Writes record `seq` and publishes it. Single writer only: `seq` must be the tail.
    #[inline]
    pub fn publish(&self, seq: u64, src: &[u64]) {
        let (stamp, words) = self.slot(seq);
        seqlock_write(stamp, words, writing(seq), committed(seq), src);
        // SYNC: a reader whose Acquire load of the tail sees `seq + 1` also sees slot `seq`
        // committed (or overwritten by later laps).
        self.tail.store(seq.wrapping_add(1), Ordering::Release);
    }

    /// Copies record `seq` into `dst` if it is there.
    #[inline]
    pub fn read(&self, seq: u64, dst: &mut [u64]) -> SlotRead {
        let (stamp, words) = self.slot(seq);
        let expect = committed(seq);
        match seqlock_read(stamp, words, expect, dst) {
            Ok(seen) if seen == expect => SlotRead::Ready,
            Ok(seen) if seen < expect => SlotRead::Pending,
            Ok(_) | Err(_) => SlotRead::Overwritten,
        }
    }

    /// Reads the record at `cursor`, advancing it; on a lap, moves it to the oldest record that
    /// is safe to read and reports exactly how many were skipped.
    ///
    /// The slot's own stamp says whether record `cursor` is there yet, so a reader touches one
    /// cache line per record, the one holding the stamp and the record together: an idle reader
    /// polls that line, and the writer's commit moves it to the reader in one transfer. Polling
    /// the tail instead would cost a second transfer per record (tail line, then slot line).
    /// The tail is only read to resynchronise after a lap.
    #[inline]
    pub fn next(&self, cursor: &mut u64, dst: &mut [u64]) -> Next {
        match self.read(*cursor, dst) {
            SlotRead::Ready => {
                *cursor = cursor.wrapping_add(1);
                Next::Record
            }
            SlotRead::Pending => Next::Empty,
            SlotRead::Overwritten => {
                let resume = self.resume_after_lap(*cursor);
                let lost = resume.wrapping_sub(*cursor);
                *cursor = resume;
                Next::Lapped { lost }
            }
        }
    }

    /// Records published so far (the sequence of the next record).
    #[must_use]
    #[inline]
    pub fn published(&self) -> u64 {
        // SYNC: pairs with the Release store in `publish`.
        self.tail.load(Ordering::Acquire)
    }

    /// The sequence a lapped reader resumes at: one past the record the writer may be
    /// overwriting right now, and at least one past the lost cursor.
    #[must_use]
    #[inline]
    pub fn resume_after_lap(&self, cursor: u64) -> u64 {
        let tail = self.published();
        tail.saturating_sub(self.capacity() - 1)
            .max(cursor.wrapping_add(1))
    }

    /// The oldest record still retained (it may be overwritten at any moment).
    #[must_use]
    #[inline]
    pub fn oldest(&self) -> u64 {
        self.published().saturating_sub(self.capacity())
    }

    /// Current stamp of the slot that holds (or will hold) `seq`.
    #[must_use]
    #[inline]
    pub fn stamp(&self, seq: u64) -> u64 {
        self.slot(seq).0.load(Ordering::Acquire)
    }
}
