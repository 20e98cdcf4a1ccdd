//! The segment file: creation, locking, mapping and header validation.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use memmap2::{MmapOptions, MmapRaw};
use rustix::fs::{FlockOperation, flock};

use crate::error::{RingError, RingResult};
use crate::layout::{self, MAX_CAPACITY, MIN_CAPACITY, RECORD_NAME_BYTES, offset};
use crate::market::{Bbo, BookLevel, MarkFunding, RecordKind, Trade};
use crate::protocol::{MAX_SEQ, RingCore};
use crate::reader::WriterInfo;
use crate::record::ShmRecord;
use crate::sync::{AtomicU64, Ordering};

/// A mapped segment file. Writers map it read-write and hold an exclusive `flock` on `file` for
/// their lifetime; readers map it read-only.
#[derive(Debug)]
pub(crate) struct Segment {
    path: PathBuf,
    /// `None` only for an in-memory segment (tests and Miri).
    file: Option<File>,
    map: Memory,
}

/// The memory a segment's words live in.
#[derive(Debug)]
pub(crate) enum Memory {
    /// A shared mapping of the file.
    Mapped(MmapRaw),
    /// Heap words standing in for the file, so the same unsafe header, slot and registry code
    /// runs under Miri (which cannot map files). Shared by the in-memory writer and readers.
    #[cfg(any(test, miri))]
    Heap(std::sync::Arc<[AtomicU64]>),
}

impl Memory {
    /// Base address (page-aligned for a mapping, 8-aligned for heap words).
    pub(crate) fn as_ptr(&self) -> *const u8 {
        match self {
            Self::Mapped(map) => map.as_ptr(),
            #[cfg(any(test, miri))]
            Self::Heap(words) => words.as_ptr().cast(),
        }
    }

    /// Length in bytes.
    pub(crate) fn len(&self) -> usize {
        match self {
            Self::Mapped(map) => map.len(),
            #[cfg(any(test, miri))]
            Self::Heap(words) => words.len() * 8,
        }
    }
}

/// Static header fields, as stored at `offset::MAGIC..offset::WRITER_PID`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) magic: u64,
    pub(crate) version: u64,
    pub(crate) layout_hash: u64,
    pub(crate) record_size: u64,
    pub(crate) slot_size: u64,
    pub(crate) capacity: u64,
    pub(crate) segment_size: u64,
    pub(crate) data_offset: u64,
    pub(crate) kind_id: u64,
    pub(crate) created_ns: u64,
    pub(crate) record_name: [u8; RECORD_NAME_BYTES],
}

impl Header {
    /// The header a new segment of `R` with `capacity` slots gets.
    pub(crate) fn for_record<R: ShmRecord>(capacity: u64) -> Option<Self> {
        let slot = layout::slot_size(size_of::<R>());
        let size = layout::segment_size(capacity, slot)?;
        let mut record_name = [0; RECORD_NAME_BYTES];
        record_name[..R::NAME.len()].copy_from_slice(R::NAME.as_bytes());
        Some(Self {
            magic: layout::MAGIC,
            version: layout::LAYOUT_VERSION,
            layout_hash: R::LAYOUT_HASH,
            record_size: size_of::<R>() as u64,
            slot_size: slot as u64,
            capacity,
            segment_size: size as u64,
            data_offset: offset::DATA as u64,
            kind_id: R::KIND_ID,
            created_ns: crate::clock::realtime_ns().cast_unsigned(),
            record_name,
        })
    }

    /// The record name as text (lossy: it is only used in messages).
    pub(crate) fn name(&self) -> String {
        let end = self
            .record_name
            .iter()
            .position(|b| *b == 0)
            .unwrap_or(RECORD_NAME_BYTES);
        String::from_utf8_lossy(&self.record_name[..end]).into_owned()
    }

    /// Checks every field against `R` and the file length; the first problem found is returned.
    pub(crate) fn validate<R: ShmRecord>(&self, path: &Path, file_len: u64) -> RingResult<()> {
        let path = || path.to_path_buf();
        if self.magic != layout::MAGIC {
            return Err(RingError::BadMagic {
                path: path(),
                found: self.magic,
            });
        }
        if self.version != layout::LAYOUT_VERSION {
            return Err(RingError::VersionMismatch {
                path: path(),
                found: self.version,
                expected: layout::LAYOUT_VERSION,
            });
        }
        if self.layout_hash != R::LAYOUT_HASH
            || self.kind_id != R::KIND_ID
            || self.record_size != size_of::<R>() as u64
        {
            return Err(RingError::LayoutMismatch {
                path: path(),
                found_name: self.name(),
                found_kind: self.kind_id,
                found_size: self.record_size,
                found_hash: self.layout_hash,
                expected_name: R::NAME,
                expected_kind: R::KIND_ID,
                expected_size: size_of::<R>() as u64,
                expected_hash: R::LAYOUT_HASH,
            });
        }
        let corrupt = |field, value, reason| RingError::CorruptHeader {
            path: path(),
            field,
            value,
            reason,
        };
        if self.slot_size != layout::slot_size(size_of::<R>()) as u64 {
            return Err(corrupt(
                "slot_size",
                self.slot_size,
                "does not match the record size",
            ));
        }
        if !self.capacity.is_power_of_two()
            || !(MIN_CAPACITY..=MAX_CAPACITY).contains(&self.capacity)
        {
            return Err(corrupt(
                "capacity",
                self.capacity,
                "not a power of two in range",
            ));
        }
        if self.data_offset != offset::DATA as u64 {
            return Err(corrupt(
                "data_offset",
                self.data_offset,
                "not this layout's data offset",
            ));
        }
        let expected = layout::segment_size(self.capacity, self.slot_size as usize)
            .map_or(u64::MAX, |s| s as u64);
        if self.segment_size != expected {
            return Err(corrupt(
                "segment_size",
                self.segment_size,
                "does not match capacity × slot size",
            ));
        }
        if file_len < expected {
            return Err(RingError::Truncated {
                path: path(),
                actual: file_len,
                expected,
            });
        }
        if file_len > expected {
            return Err(RingError::SizeMismatch {
                path: path(),
                actual: file_len,
                expected,
            });
        }
        Ok(())
    }
}

/// Liveness state the writer records in the header.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WriterState {
    /// No writer has attached yet (never seen in a complete segment).
    None,
    /// A writer attached and has not shut down cleanly (it may have crashed: check liveness).
    Live,
    /// The last writer shut down cleanly.
    Closed,
    /// A newer writer replaced this file with an incompatible segment under the same name:
    /// reopen by name.
    Replaced,
}

impl WriterState {
    pub(crate) const fn to_raw(self) -> u64 {
        match self {
            Self::None => 0,
            Self::Live => 1,
            Self::Closed => 2,
            Self::Replaced => 3,
        }
    }

    pub(crate) const fn from_raw(raw: u64) -> Option<Self> {
        match raw {
            0 => Some(Self::None),
            1 => Some(Self::Live),
            2 => Some(Self::Closed),
            3 => Some(Self::Replaced),
            _ => None,
        }
    }
}

/// Whether `create` may replace an existing segment that cannot be reused.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnIncompatible {
    /// Replace it atomically (new inode under the same name); readers of the old file see
    /// [`WriterState::Replaced`]. The default: a restarted feed with a new capacity just works.
    #[default]
    Replace,
    /// Refuse with the validation error.
    Fail,
}

/// Checks a segment name: `[A-Za-z0-9._-]{1,200}`, not starting with `.`.
pub(crate) fn check_name(name: &str) -> RingResult<()> {
    let ok = !name.is_empty()
        && name.len() <= 200
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(RingError::InvalidName {
            name: name.to_owned(),
        })
    }
}

/// Checks a requested capacity.
pub(crate) fn check_capacity(capacity: u64) -> RingResult<()> {
    if capacity.is_power_of_two() && (MIN_CAPACITY..=MAX_CAPACITY).contains(&capacity) {
        Ok(())
    } else {
        Err(RingError::InvalidCapacity {
            capacity,
            min: MIN_CAPACITY,
            max: MAX_CAPACITY,
        })
    }
}

fn io_err<'a>(path: &'a Path, op: &'static str) -> impl FnOnce(io::Error) -> RingError + 'a {
    move |source| RingError::Io {
        path: path.to_path_buf(),
        op,
        source,
    }
}

/// How a writer came to hold its segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Attach {
    /// A new file was created (epoch starts at 1).
    Created,
    /// An existing compatible segment was reopened (a restart: the epoch is bumped).
    Reopened,
}

impl Segment {
    /// Creates or reopens the writer's segment at `path` and takes the writer lock.
    pub(crate) fn open_writer<R: ShmRecord>(
        path: &Path,
        capacity: u64,
        on_incompatible: OnIncompatible,
    ) -> RingResult<(Self, Attach)> {
        check_capacity(capacity)?;
        // Another writer may create the file between our attempts; each pass either attaches or
        // sees a file that appeared meanwhile, so a few passes always settle.
        for _ in 0..8 {
            match OpenOptions::new().read(true).write(true).open(path) {
                Ok(file) => return Self::take_existing::<R>(path, file, capacity, on_incompatible),
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    let (fresh, tmp) = Self::create_fresh::<R>(path, capacity)?;
                    let linked = fs::hard_link(&tmp, path);
                    let _ = fs::remove_file(&tmp);
                    match linked {
                        Ok(()) => return Ok((fresh.renamed(path), Attach::Created)),
                        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                        Err(e) => return Err(io_err(path, "link new segment")(e)),
                    }
                }
                Err(e) => return Err(io_err(path, "open")(e)),
            }
        }
        Err(RingError::WriterActive {
            path: path.to_path_buf(),
            pid: 0,
        })
    }

    fn take_existing<R: ShmRecord>(
        path: &Path,
        file: File,
        capacity: u64,
        on_incompatible: OnIncompatible,
    ) -> RingResult<(Self, Attach)> {
        lock_writer(path, &file)?;
        let len = file.metadata().map_err(io_err(path, "stat"))?.len();
        let mut existing = if len >= offset::DATA as u64 {
            let map = MmapOptions::new()
                .map_raw(&file)
                .map_err(io_err(path, "mmap"))?;
            Some(Self {
                path: path.to_path_buf(),
                file: Some(file),
                map: Memory::Mapped(map),
            })
        } else {
            None
        };
        let problem = match existing {
            None => RingError::Truncated {
                path: path.to_path_buf(),
                actual: len,
                expected: offset::DATA as u64,
            },
            Some(seg) => {
                let header = seg.header();
                match header
                    .validate::<R>(path, len)
                    .and_then(|()| seg.check_tail())
                {
                    Ok(()) if header.capacity == capacity => {
                        return Ok((seg.remap_populated()?, Attach::Reopened));
                    }
                    Ok(()) => {
                        existing = Some(seg);
                        RingError::CapacityMismatch {
                            path: path.to_path_buf(),
                            found: header.capacity,
                            requested: capacity,
                        }
                    }
                    Err(e) => {
                        existing = Some(seg);
                        e
                    }
                }
            }
        };
        if on_incompatible == OnIncompatible::Fail {
            return Err(problem);
        }
        let (fresh, tmp) = Self::create_fresh::<R>(path, capacity)?;
        fs::rename(&tmp, path).map_err(io_err(path, "replace segment"))?;
        if let Some(old) = existing
            && old.header().magic == layout::MAGIC
        {
            // SYNC: readers of the old inode load the state with Acquire and reopen by name.
            old.u64_at(offset::WRITER_STATE)
                .store(WriterState::Replaced.to_raw(), Ordering::Release);
        }
        Ok((fresh.renamed(path), Attach::Created))
    }

    /// Creates, locks, sizes and initialises a new file beside `path`; returns it and its name.
    fn create_fresh<R: ShmRecord>(path: &Path, capacity: u64) -> RingResult<(Self, PathBuf)> {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let header = Header::for_record::<R>(capacity).ok_or(RingError::InvalidCapacity {
            capacity,
            min: MIN_CAPACITY,
            max: MAX_CAPACITY,
        })?;
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let tmp = path.with_file_name(format!(
            ".{file_name}.{}.{}.tmp",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(io_err(path, "create"))?;
        let result = (|| {
            file.set_permissions(fs::Permissions::from_mode(0o600))
                .map_err(io_err(path, "chmod"))?;
            lock_writer(path, &file)?;
            file.set_len(header.segment_size)
                .map_err(io_err(path, "resize"))?;
            let map = MmapOptions::new()
                .populate()
                .map_raw(&file)
                .map_err(io_err(path, "mmap"))?;
            let seg = Self {
                path: tmp.clone(),
                file: Some(file),
                map: Memory::Mapped(map),
            };
            seg.write_header(&header);
            Ok(seg)
        })();
        match result {
            Ok(seg) => Ok((seg, tmp)),
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                Err(e)
            }
        }
    }

    /// Opens `path` for a reader: read-only mapping, full validation against `R`.
    pub(crate) fn open_reader<R: ShmRecord>(path: &Path, writable: bool) -> RingResult<Self> {
        let file = OpenOptions::new()
            .read(true)
            .write(writable)
            .open(path)
            .map_err(io_err(path, "open"))?;
        let len = file.metadata().map_err(io_err(path, "stat"))?.len();
        if len < offset::DATA as u64 {
            return Err(RingError::Truncated {
                path: path.to_path_buf(),
                actual: len,
                expected: offset::DATA as u64,
            });
        }
        let map = MmapOptions::new()
            .populate()
            .map_raw_read_only(&file)
            .map_err(io_err(path, "mmap"))?;
        let seg = Self {
            path: path.to_path_buf(),
            file: Some(file),
            map: Memory::Mapped(map),
        };
        seg.header().validate::<R>(path, len)?;
        seg.check_tail()?;
        Ok(seg)
    }

    /// Opens `path` read-only whatever its record kind, validating the header against the kind
    /// it names.
    pub(crate) fn open_any(path: &Path) -> RingResult<(Self, RecordKind)> {
        let file = OpenOptions::new()
            .read(true)
            .open(path)
            .map_err(io_err(path, "open"))?;
        let len = file.metadata().map_err(io_err(path, "stat"))?.len();
        if len < offset::DATA as u64 {
            return Err(RingError::Truncated {
                path: path.to_path_buf(),
                actual: len,
                expected: offset::DATA as u64,
            });
        }
        let map = MmapOptions::new()
            .map_raw_read_only(&file)
            .map_err(io_err(path, "mmap"))?;
        let seg = Self {
            path: path.to_path_buf(),
            file: Some(file),
            map: Memory::Mapped(map),
        };
        let header = seg.header();
        let kind = RecordKind::from_id(header.kind_id).filter(|_| header.magic == layout::MAGIC);
        let validated = match kind {
            Some(RecordKind::Bbo) => header.validate::<Bbo>(path, len),
            Some(RecordKind::Trade) => header.validate::<Trade>(path, len),
            Some(RecordKind::BookLevel) => header.validate::<BookLevel>(path, len),
            Some(RecordKind::MarkFunding) => header.validate::<MarkFunding>(path, len),
            // Reports a bad magic or version first; a good header with an unknown kind after.
            None => header
                .validate::<Bbo>(path, len)
                .and(Err(RingError::CorruptHeader {
                    path: path.to_path_buf(),
                    field: "kind_id",
                    value: header.kind_id,
                    reason: "not a known record kind",
                })),
        };
        validated?;
        seg.check_tail()?;
        let kind = kind.ok_or_else(|| RingError::BadMagic {
            path: path.to_path_buf(),
            found: header.magic,
        })?;
        Ok((seg, kind))
    }

    fn renamed(mut self, path: &Path) -> Self {
        self.path = path.to_path_buf();
        self
    }

    fn remap_populated(self) -> RingResult<Self> {
        let Some(file) = &self.file else {
            return Ok(self);
        };
        let map = MmapOptions::new()
            .populate()
            .map_raw(file)
            .map_err(io_err(&self.path, "mmap"))?;
        Ok(Self {
            map: Memory::Mapped(map),
            ..self
        })
    }

    /// A zeroed in-memory segment of `R` with `capacity` slots and a valid header, for tests
    /// and Miri. Share it with [`Segment::share`].
    #[cfg(any(test, miri))]
    pub(crate) fn in_memory<R: ShmRecord>(capacity: u64) -> RingResult<Self> {
        check_capacity(capacity)?;
        let header = Header::for_record::<R>(capacity).ok_or(RingError::InvalidCapacity {
            capacity,
            min: MIN_CAPACITY,
            max: MAX_CAPACITY,
        })?;
        let words = (0..header.segment_size / 8)
            .map(|_| AtomicU64::new(0))
            .collect();
        let seg = Self {
            path: PathBuf::from("<memory>"),
            file: None,
            map: Memory::Heap(words),
        };
        seg.write_header(&header);
        Ok(seg)
    }

    /// Another handle on the same in-memory segment (`None` for a mapped file).
    #[cfg(any(test, miri))]
    pub(crate) fn share(&self) -> Option<Self> {
        match &self.map {
            Memory::Heap(words) => Some(Self {
                path: self.path.clone(),
                file: None,
                map: Memory::Heap(std::sync::Arc::clone(words)),
            }),
            Memory::Mapped(_) => None,
        }
    }

    /// The file path.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The open file (readers map their registry slot through it); `None` in memory.
    pub(crate) fn file(&self) -> Option<&File> {
        self.file.as_ref()
    }

    /// Refuses a tail no real writer could have reached (a corrupt counter).
    pub(crate) fn check_tail(&self) -> RingResult<()> {
        let tail = self.u64_at(offset::TAIL).load(Ordering::Acquire);
        if tail > MAX_SEQ {
            return Err(RingError::CorruptHeader {
                path: self.path.clone(),
                field: "tail",
                value: tail,
                reason: "beyond any reachable sequence",
            });
        }
        Ok(())
    }

    /// Base address of the mapping.
    pub(crate) fn base(&self) -> *const u8 {
        self.map.as_ptr()
    }

    /// The segment's memory, for a registration on an in-memory segment.
    #[cfg(any(test, miri))]
    pub(crate) fn memory(&self) -> &Memory {
        &self.map
    }

    /// Length of the mapping in bytes.
    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    /// Writer identity and liveness fields.
    pub(crate) fn writer_info(&self) -> WriterInfo {
        WriterInfo {
            // SYNC: pairs with the writer's Release store of the epoch after its pid.
            epoch: self.u64_at(offset::WRITER_EPOCH).load(Ordering::Acquire),
            pid: self.u64_at(offset::WRITER_PID).load(Ordering::Relaxed),
            // SYNC: pairs with the Release stores of the state (live, closed, replaced).
            state: WriterState::from_raw(self.u64_at(offset::WRITER_STATE).load(Ordering::Acquire))
                .unwrap_or(WriterState::None),
            heartbeat_ns: self
                .u64_at(offset::HEARTBEAT)
                .load(Ordering::Relaxed)
                .cast_signed(),
        }
    }

    /// The 8-byte atomic at `at`.
    ///
    /// # Panics
    ///
    /// If `at` is unaligned or outside the mapping (offsets are layout constants, so this is a
    /// programming error).
    pub(crate) fn u64_at(&self, at: usize) -> &AtomicU64 {
        assert!(
            at.is_multiple_of(8) && at + 8 <= self.map.len(),
            "offset {at:#x} outside the segment"
        );
        let ptr = self.map.as_ptr().wrapping_add(at).cast::<AtomicU64>();
        // SAFETY: in bounds and 8-aligned (checked above; the memory is at least 8-aligned), and the
        // mapping lives as long as `self`. `AtomicU64` has `u64`'s layout, and every process
        // accesses these bytes only atomically. Loads through a read-only mapping are allowed for
        // 8-byte atomics on this platform; only writers store.
        unsafe { &*ptr }
    }

    /// `count` consecutive 8-byte atomics starting at `at`.
    ///
    /// # Panics
    ///
    /// As [`Self::u64_at`].
    pub(crate) fn u64s_at(&self, at: usize, count: usize) -> &[AtomicU64] {
        assert!(
            at.is_multiple_of(8)
                && count
                    .checked_mul(8)
                    .and_then(|n| n.checked_add(at))
                    .is_some_and(|end| end <= self.map.len())
        );
        let ptr = self.map.as_ptr().wrapping_add(at).cast::<AtomicU64>();
        // SAFETY: as in `u64_at`, for the whole in-bounds range checked above.
        unsafe { core::slice::from_raw_parts(ptr, count) }
    }

    /// Reads the static header.
    pub(crate) fn header(&self) -> Header {
        let get = |at| self.u64_at(at).load(Ordering::Relaxed);
        let mut record_name = [0; RECORD_NAME_BYTES];
        for (i, chunk) in record_name.chunks_exact_mut(8).enumerate() {
            chunk.copy_from_slice(&get(offset::RECORD_NAME + 8 * i).to_le_bytes());
        }
        Header {
            // SYNC: pairs with the Release store of the magic in `write_header`: a reader that sees
            // the magic sees every other header field.
            magic: self.u64_at(offset::MAGIC).load(Ordering::Acquire),
            version: get(offset::VERSION),
            layout_hash: get(offset::LAYOUT_HASH),
            record_size: get(offset::RECORD_SIZE),
            slot_size: get(offset::SLOT_SIZE),
            capacity: get(offset::CAPACITY),
            segment_size: get(offset::SEGMENT_SIZE),
            data_offset: get(offset::DATA_OFFSET),
            kind_id: get(offset::KIND_ID),
            created_ns: get(offset::CREATED_NS),
            record_name,
        }
    }

    fn write_header(&self, h: &Header) {
        let set = |at, v| self.u64_at(at).store(v, Ordering::Relaxed);
        set(offset::VERSION, h.version);
        set(offset::LAYOUT_HASH, h.layout_hash);
        set(offset::RECORD_SIZE, h.record_size);
        set(offset::SLOT_SIZE, h.slot_size);
        set(offset::CAPACITY, h.capacity);
        set(offset::SEGMENT_SIZE, h.segment_size);
        set(offset::DATA_OFFSET, h.data_offset);
        set(offset::KIND_ID, h.kind_id);
        set(offset::CREATED_NS, h.created_ns);
        for (i, chunk) in h.record_name.chunks_exact(8).enumerate() {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
            set(offset::RECORD_NAME + 8 * i, word);
        }
        // SYNC: the magic goes last: a reader that sees it (Acquire) sees every field above.
        self.u64_at(offset::MAGIC).store(h.magic, Ordering::Release);
    }
}

/// Takes the exclusive writer lock without blocking.
fn lock_writer(path: &Path, file: &File) -> RingResult<()> {
    match flock(file, FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(()),
        Err(e) if e == rustix::io::Errno::WOULDBLOCK => Err(RingError::WriterActive {
            path: path.to_path_buf(),
            pid: read_pid(file),
        }),
        Err(e) => Err(io_err(path, "flock")(e.into())),
    }
}

/// Best-effort read of the writer pid from a file we could not lock (for the error message).
fn read_pid(file: &File) -> u64 {
    use std::os::unix::fs::FileExt;
    let mut buf = [0; 8];
    match file.read_exact_at(&mut buf, offset::WRITER_PID as u64) {
        Ok(()) => u64::from_le_bytes(buf),
        Err(_) => 0,
    }
}

/// The slots of a validated segment, cached so the hot path builds a [`RingCore`] without
/// re-reading the header or re-checking bounds.
#[derive(Debug)]
pub(crate) struct DataRegion {
    slots: *const AtomicU64,
    slot_words: usize,
    capacity: u64,
}

// SAFETY: `slots` points into a mapping that the owner of this region also owns and moves with
// it; the memory is only accessed through atomics, so using it from another thread is sound.
unsafe impl Send for DataRegion {}

impl DataRegion {
    /// The data region of `seg`, whose header has been validated.
    pub(crate) fn of(seg: &Segment) -> Self {
        let header = seg.header();
        let slot_words = header.slot_size as usize / 8;
        let slots = seg
            .u64s_at(offset::DATA, header.capacity as usize * slot_words)
            .as_ptr();
        Self {
            slots,
            slot_words,
            capacity: header.capacity,
        }
    }

    /// Number of slots.
    pub(crate) fn capacity(&self) -> u64 {
        self.capacity
    }

    /// Offset from the segment base of the record part of the slot holding `seq`.
    pub(crate) fn record_offset(&self, seq: u64) -> usize {
        offset::DATA + (seq & (self.capacity - 1)) as usize * self.slot_words * 8 + 8
    }

    /// The ring over this region; `seg` must be the segment the region was taken from.
    #[inline]
    pub(crate) fn core<'a>(&'a self, seg: &'a Segment) -> RingCore<'a> {
        let len = self.capacity as usize * self.slot_words;
        // SAFETY: `slots` came from `seg.u64s_at(DATA, len)` with this same length, and `seg`
        // (borrowed for 'a) keeps the mapping alive.
        let slots = unsafe { core::slice::from_raw_parts(self.slots, len) };
        RingCore::new(
            slots,
            self.slot_words,
            self.capacity,
            seg.u64_at(offset::TAIL),
        )
    }
}
