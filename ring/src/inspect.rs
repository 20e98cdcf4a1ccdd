//! Read-only inspection of any segment, whatever its record kind (status tools, Python).

use std::path::{Path, PathBuf};

use crate::error::RingResult;
use crate::health::{self, HealthCounter};
use crate::layout::offset;
use crate::market::RecordKind;
use crate::reader::WriterInfo;
use crate::registry::{self, ReaderInfo};
use crate::segment::Segment;
use crate::sync::Ordering;

/// A snapshot of a segment's header, counters and registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SegmentInfo {
    /// The file.
    pub path: PathBuf,
    /// Record kind stored.
    pub kind: RecordKind,
    /// Number of slots.
    pub capacity: u64,
    /// Slot stride in bytes.
    pub slot_size: u64,
    /// File size in bytes.
    pub segment_size: u64,
    /// `CLOCK_REALTIME` ns when the file was created.
    pub created_ns: i64,
    /// Records published over the segment's life.
    pub published: u64,
    /// Writer identity and liveness.
    pub writer: WriterInfo,
    /// Every named feed-health counter with its value.
    pub health: Vec<(HealthCounter, u64)>,
    /// Registered readers.
    pub readers: Vec<ReaderInfo>,
}

/// Opens `path` read-only, validates it and takes a snapshot. Registers nothing.
///
/// # Errors
///
/// As [`crate::Reader::open_with`], plus `CorruptHeader` for an unknown record kind.
pub fn inspect(path: impl AsRef<Path>) -> RingResult<SegmentInfo> {
    let (seg, kind) = Segment::open_any(path.as_ref())?;
    let header = seg.header();
    Ok(SegmentInfo {
        path: path.as_ref().to_path_buf(),
        kind,
        capacity: header.capacity,
        slot_size: header.slot_size,
        segment_size: header.segment_size,
        created_ns: header.created_ns.cast_signed(),
        // SYNC: pairs with the writer's Release store of the tail.
        published: seg.u64_at(offset::TAIL).load(Ordering::Acquire),
        writer: seg.writer_info(),
        health: HealthCounter::ALL
            .into_iter()
            .map(|c| (c, health::get(&seg, c)))
            .collect(),
        readers: registry::list(&seg),
    })
}
