//! Byte layout of a segment (documented byte by byte in `docs/ring-layout.md`).
//!
//! ```text
//! 0x00000  header (static after creation)          128 B
//! 0x00080  writer identity: pid, epoch, state       128 B
//! 0x00100  tail: records published (Release)       128 B
//! 0x00180  writer heartbeat (CLOCK_MONOTONIC ns)    128 B
//! 0x00200  feed-health counters, 16 × u64           128 B
//! 0x00280  book-valid bitmap, 1024 bits             128 B
//! 0x00300  reserved (zero)
//! 0x01000  reader registry, 64 slots × 128 B       8 KiB
//! 0x03000  symbol table, 1024 entries × 64 B      64 KiB
//! 0x13000  data: capacity slots × slot_size
//! ```
//!
//! Every field is a little-endian `u64`, so the whole header reads as 8-byte atomics, and each
//! value another process writes sits on its own 128-byte stride (the x86 prefetcher pulls
//! 64-byte lines in pairs).

/// `b"PDXRING\0"` read as a little-endian `u64`.
pub const MAGIC: u64 = u64::from_le_bytes(*b"PDXRING\0");
/// Bumped on any change to this file's offsets or to the slot protocol.
pub const LAYOUT_VERSION: u64 = 1;
/// Stride that keeps two independently written values off each other's cache lines.
pub const STRIDE: usize = 128;
/// Slots are whole numbers of these.
pub const CACHE_LINE: usize = 64;
/// Reader registry capacity.
pub const MAX_READERS: usize = 64;
/// Market ids `0..MAX_MARKETS` have a symbol-table entry and a book-valid bit.
pub const MAX_MARKETS: usize = 1024;
/// Longest symbol, in UTF-8 bytes.
pub const SYMBOL_BYTES: usize = 32;
/// Number of feed-health counter cells (named by [`crate::HealthCounter`]).
pub const HEALTH_CELLS: usize = 16;
/// Smallest accepted capacity.
pub const MIN_CAPACITY: u64 = 2;
/// Largest accepted capacity (2^30 slots).
pub const MAX_CAPACITY: u64 = 1 << 30;
/// Longest record type name stored in the header.
pub const RECORD_NAME_BYTES: usize = 32;

/// Byte offsets of every field.
pub mod offset {
    /// `u64` [`super::MAGIC`]; written last at creation (Release).
    pub const MAGIC: usize = 0x00;
    /// `u64` [`super::LAYOUT_VERSION`].
    pub const VERSION: usize = 0x08;
    /// `u64` FNV-1a hash of the record layout (see `ShmRecord::LAYOUT_HASH`).
    pub const LAYOUT_HASH: usize = 0x10;
    /// `u64` record size in bytes.
    pub const RECORD_SIZE: usize = 0x18;
    /// `u64` slot stride in bytes (8-byte stamp + record, rounded up to 64).
    pub const SLOT_SIZE: usize = 0x20;
    /// `u64` number of slots, a power of two.
    pub const CAPACITY: usize = 0x28;
    /// `u64` total file size in bytes.
    pub const SEGMENT_SIZE: usize = 0x30;
    /// `u64` offset of slot 0.
    pub const DATA_OFFSET: usize = 0x38;
    /// `u64` record kind id (`RecordKind` as a number).
    pub const KIND_ID: usize = 0x40;
    /// `i64` `CLOCK_REALTIME` ns when the file was created.
    pub const CREATED_NS: usize = 0x48;
    /// `[u8; 32]` record type name, NUL-padded ASCII.
    pub const RECORD_NAME: usize = 0x50;

    /// `u64` pid of the current (or last) writer.
    pub const WRITER_PID: usize = 0x80;
    /// `u64` writer epoch: 1 for the creator, +1 on every writer restart.
    pub const WRITER_EPOCH: usize = 0x88;
    /// `u64` [`crate::WriterState`] as a number.
    pub const WRITER_STATE: usize = 0x90;
    /// `i64` `CLOCK_MONOTONIC` ns when the current writer attached.
    pub const WRITER_STARTED_NS: usize = 0x98;

    /// `u64` records published so far = sequence of the next record (Release).
    pub const TAIL: usize = 0x100;
    /// `i64` `CLOCK_MONOTONIC` ns of the writer's last heartbeat.
    pub const HEARTBEAT: usize = 0x180;
    /// `[u64; 16]` feed-health counters.
    pub const HEALTH: usize = 0x200;
    /// `[u64; 16]` book-valid bitmap: bit `id % 64` of word `id / 64`.
    pub const BOOK_VALID: usize = 0x280;

    /// Reader registry: [`super::MAX_READERS`] slots of [`super::STRIDE`] bytes.
    pub const REGISTRY: usize = 0x1000;
    /// Symbol table: [`super::MAX_MARKETS`] entries of [`super::SYMBOL_ENTRY_SIZE`] bytes.
    pub const SYMBOLS: usize = 0x3000;
    /// Slot 0.
    pub const DATA: usize = 0x13000;
}

/// Fields of one reader-registry slot, relative to the slot's start.
pub mod reader_slot {
    /// `u64` pid of the reader owning the slot; 0 = free.
    pub const PID: usize = 0x00;
    /// `u64` the reader's cursor: sequence of the next record it will read.
    pub const CURSOR: usize = 0x08;
    /// `i64` `CLOCK_MONOTONIC` ns of the reader's last heartbeat.
    pub const HEARTBEAT: usize = 0x10;
    /// `u64` records this reader lost to lapping.
    pub const LOST: usize = 0x18;
    /// `u64` writer epoch the reader last observed.
    pub const EPOCH_SEEN: usize = 0x20;
    /// `i64` `CLOCK_MONOTONIC` ns when the reader registered.
    pub const REGISTERED_NS: usize = 0x28;
}

/// Bytes of one symbol-table entry: `u64` stamp, 32 name bytes, 24 reserved.
pub const SYMBOL_ENTRY_SIZE: usize = 64;
/// Bytes of the reader registry.
pub const REGISTRY_SIZE: usize = MAX_READERS * STRIDE;
/// Bytes of the symbol table.
pub const SYMBOLS_SIZE: usize = MAX_MARKETS * SYMBOL_ENTRY_SIZE;

/// Slot stride for a record of `record_size` bytes: the 8-byte stamp plus the record, rounded up to
/// whole cache lines.
#[must_use]
pub const fn slot_size(record_size: usize) -> usize {
    (8 + record_size).div_ceil(CACHE_LINE) * CACHE_LINE
}

/// Total bytes of a segment holding `capacity` slots of `slot_size` bytes, or `None` on overflow.
#[must_use]
pub const fn segment_size(capacity: u64, slot_size: usize) -> Option<usize> {
    if capacity > MAX_CAPACITY {
        return None;
    }
    match (capacity as usize).checked_mul(slot_size) {
        Some(data) => offset::DATA.checked_add(data),
        None => None,
    }
}

const _: () = {
    assert!(offset::RECORD_NAME + RECORD_NAME_BYTES <= offset::WRITER_PID);
    assert!(offset::WRITER_STARTED_NS + 8 <= offset::TAIL);
    assert!(offset::TAIL + STRIDE == offset::HEARTBEAT);
    assert!(offset::HEARTBEAT + STRIDE == offset::HEALTH);
    assert!(HEALTH_CELLS * 8 == STRIDE);
    assert!(offset::HEALTH + STRIDE == offset::BOOK_VALID);
    assert!(MAX_MARKETS / 8 == STRIDE);
    assert!(offset::BOOK_VALID + STRIDE <= offset::REGISTRY);
    assert!(offset::REGISTRY.is_multiple_of(4096));
    assert!(offset::REGISTRY + REGISTRY_SIZE == offset::SYMBOLS);
    assert!(offset::SYMBOLS + SYMBOLS_SIZE == offset::DATA);
    assert!(offset::DATA.is_multiple_of(4096));
    assert!(reader_slot::REGISTERED_NS + 8 <= STRIDE);
    assert!(8 + SYMBOL_BYTES <= SYMBOL_ENTRY_SIZE);
    assert!(slot_size(56) == 64);
    assert!(slot_size(64) == 128);
};
