//! The reader registry: one 128-byte slot per attached reader, so the writer and status tools can
//! see who is attached and how far behind each reader is.
//!
//! A reader claims a free slot (pid 0) by compare-and-swap, or reclaims the slot of a process
//! that no longer exists. It updates its cursor with a Relaxed store after each read (its own
//! cache line, so no contention with the writer) and its heartbeat every
//! [`HEARTBEAT_EVERY`] polls. A reader the writer laps adds its loss to the header's
//! [`HealthCounter::LapsObserved`](crate::HealthCounter::LapsObserved) cell with a `fetch_add`:
//! readers in many processes may add at once, and laps are rare enough that the shared line is
//! not a cost.

use memmap2::MmapOptions;

use crate::clock::monotonic_ns;
use crate::error::{RingError, RingResult};
use crate::health::HealthCounter;
use crate::layout::{MAX_READERS, REGISTRY_SIZE, STRIDE, offset, reader_slot};
use crate::segment::{Memory, Segment};
use crate::sync::{AtomicU64, Ordering};

/// A reader refreshes its registry heartbeat once per this many polls (a clock read each time
/// would add ~20 ns to every empty poll).
pub const HEARTBEAT_EVERY: u32 = 1024;

const SLOT_WORDS: usize = STRIDE / 8;
/// A registration maps the segment from byte 0 through the end of the registry: the header
/// page (for the laps counter) and the registry.
const MAPPED: usize = offset::REGISTRY + REGISTRY_SIZE;

/// One registered reader, as seen in the registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReaderInfo {
    /// Registry slot index.
    pub slot: usize,
    /// Reader process id.
    pub pid: u64,
    /// Sequence of the next record the reader will read.
    pub cursor: u64,
    /// `CLOCK_MONOTONIC` ns of the reader's last heartbeat.
    pub heartbeat_ns: i64,
    /// Records the reader lost to lapping.
    pub lost: u64,
    /// Writer epoch the reader last observed.
    pub epoch_seen: u64,
    /// Whether the process still exists.
    pub alive: bool,
}

/// Whether process `pid` exists (`kill(pid, 0)`; a permission error still means it exists).
#[must_use]
pub fn pid_alive(pid: u64) -> bool {
    if cfg!(miri) {
        // Miri cannot call `kill`; it runs one process, the only pid it can vouch for.
        return pid == u64::from(std::process::id());
    }
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return false;
    };
    match rustix::process::test_kill_process(pid) {
        Ok(()) => true,
        Err(e) => e == rustix::io::Errno::PERM,
    }
}

fn word(slots: &[AtomicU64], slot: usize, field: usize) -> &AtomicU64 {
    &slots[slot * SLOT_WORDS + field / 8]
}

/// Every occupied slot.
pub(crate) fn list(seg: &Segment) -> Vec<ReaderInfo> {
    let slots = seg.u64s_at(offset::REGISTRY, REGISTRY_SIZE / 8);
    (0..MAX_READERS)
        .filter_map(|slot| {
            // SYNC: pairs with the Release CAS in `Registration::claim`: the other fields were
            // initialised before the pid became visible.
            let pid = word(slots, slot, reader_slot::PID).load(Ordering::Acquire);
            (pid != 0).then(|| {
                let get = |field| word(slots, slot, field).load(Ordering::Relaxed);
                ReaderInfo {
                    slot,
                    pid,
                    cursor: get(reader_slot::CURSOR),
                    heartbeat_ns: get(reader_slot::HEARTBEAT).cast_signed(),
                    lost: get(reader_slot::LOST),
                    epoch_seen: get(reader_slot::EPOCH_SEEN),
                    alive: pid_alive(pid),
                }
            })
        })
        .collect()
}

/// A reader's claim on one registry slot, through its own read-write mapping of the header page
/// and the registry (the rest of the segment stays mapped read-only). Dropping it frees the
/// slot.
#[derive(Debug)]
pub(crate) struct Registration {
    map: Memory,
    slot: usize,
}

impl Registration {
    /// Claims a free slot, or the slot of a dead process.
    pub(crate) fn claim(seg: &Segment, cursor: u64, epoch: u64) -> RingResult<Self> {
        let map = Self::map(seg)?;
        let me = u64::from(std::process::id());
        let slots = Self::slots_of(&map);
        let claimed = (0..MAX_READERS)
            .find(|slot| Self::try_take(slots, *slot, 0, me))
            .or_else(|| {
                (0..MAX_READERS).find(|slot| {
                    let pid = word(slots, *slot, reader_slot::PID).load(Ordering::Relaxed);
                    pid != 0 && !pid_alive(pid) && Self::try_take(slots, *slot, pid, me)
                })
            });
        let Some(slot) = claimed else {
            return Err(RingError::RegistryFull {
                path: seg.path().to_path_buf(),
                slots: MAX_READERS,
            });
        };
        let reg = Self { map, slot };
        let now = monotonic_ns().cast_unsigned();
        reg.set(reader_slot::CURSOR, cursor);
        reg.set(reader_slot::HEARTBEAT, now);
        reg.set(reader_slot::LOST, 0);
        reg.set(reader_slot::EPOCH_SEEN, epoch);
        reg.set(reader_slot::REGISTERED_NS, now);
        Ok(reg)
    }

    /// A read-write view of `[0, MAPPED)` of the segment.
    fn map(seg: &Segment) -> RingResult<Memory> {
        let io_error = |source| RingError::Io {
            path: seg.path().to_path_buf(),
            op: "mmap registry",
            source,
        };
        match seg.file() {
            Some(file) => MmapOptions::new()
                .len(MAPPED)
                .map_raw(file)
                .map(Memory::Mapped)
                .map_err(io_error),
            #[cfg(any(test, miri))]
            None => match seg.memory() {
                Memory::Heap(words) => Ok(Memory::Heap(std::sync::Arc::clone(words))),
                Memory::Mapped(_) => Err(io_error(std::io::Error::other("no file"))),
            },
            #[cfg(not(any(test, miri)))]
            None => Err(io_error(std::io::Error::other("no file"))),
        }
    }

    fn try_take(slots: &[AtomicU64], slot: usize, from: u64, me: u64) -> bool {
        // SYNC: AcqRel: the winner's later field stores are ordered after its claim; the
        // previous owner's stores (if reclaimed) are visible before we overwrite them.
        word(slots, slot, reader_slot::PID)
            .compare_exchange(from, me, Ordering::AcqRel, Ordering::Relaxed)
            .is_ok()
    }

    /// The whole mapping as words: `[0, MAPPED)` of the segment.
    fn words_of(map: &Memory) -> &[AtomicU64] {
        assert!(map.len() >= MAPPED, "registry mapping too short");
        let ptr = map.as_ptr().cast::<AtomicU64>();
        // SAFETY: the memory is at least MAPPED bytes (checked above), 8-aligned, lives as long
        // as the borrow of `map`, and every process accesses these bytes only through 8-byte
        // atomics.
        unsafe { core::slice::from_raw_parts(ptr, MAPPED / 8) }
    }

    fn slots_of(map: &Memory) -> &[AtomicU64] {
        &Self::words_of(map)[offset::REGISTRY / 8..]
    }

    fn set(&self, field: usize, value: u64) {
        word(Self::slots_of(&self.map), self.slot, field).store(value, Ordering::Relaxed);
    }

    /// The registry slot index.
    pub(crate) fn slot(&self) -> usize {
        self.slot
    }

    /// Publishes the reader's cursor.
    #[inline]
    pub(crate) fn set_cursor(&self, cursor: u64) {
        self.set(reader_slot::CURSOR, cursor);
    }

    /// Publishes the reader's lost total.
    pub(crate) fn set_lost(&self, lost: u64) {
        self.set(reader_slot::LOST, lost);
    }

    /// Adds `lost` (records this reader just lost to a lap) to the header's laps counter.
    pub(crate) fn add_laps(&self, lost: u64) {
        let cell = offset::HEALTH / 8 + HealthCounter::LapsObserved.index();
        // SYNC: a read-modify-write because readers in several processes add concurrently;
        // Relaxed because the count orders nothing else (status tools only sum it).
        Self::words_of(&self.map)[cell].fetch_add(lost, Ordering::Relaxed);
    }

    /// Publishes the epoch the reader saw last.
    pub(crate) fn set_epoch_seen(&self, epoch: u64) {
        self.set(reader_slot::EPOCH_SEEN, epoch);
    }

    /// Refreshes the heartbeat.
    pub(crate) fn heartbeat(&self) {
        self.set(reader_slot::HEARTBEAT, monotonic_ns().cast_unsigned());
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let slots = Self::slots_of(&self.map);
        // SYNC: Release so a later claimant sees this slot's fields settled before reusing it.
        word(slots, self.slot, reader_slot::PID).store(0, Ordering::Release);
    }
}
