//! Errors of creating and opening segments.

use std::io;
use std::path::PathBuf;

/// Why a segment could not be created or opened. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum RingError {
    /// The segment name is empty, too long, or has characters other than `[A-Za-z0-9._-]`.
    #[error(
        "invalid ring name {name:?}: use 1-200 characters from [A-Za-z0-9._-], not starting with '.'"
    )]
    InvalidName {
        /// The rejected name.
        name: String,
    },
    /// The requested capacity is not a power of two in the accepted range.
    #[error("invalid capacity {capacity}: must be a power of two from {min} to {max}")]
    InvalidCapacity {
        /// The rejected capacity.
        capacity: u64,
        /// Smallest accepted.
        min: u64,
        /// Largest accepted.
        max: u64,
    },
    /// A system call on the file failed.
    #[error("{path}: {op}: {source}")]
    Io {
        /// The segment file.
        path: PathBuf,
        /// What was being done.
        op: &'static str,
        /// The OS error.
        source: io::Error,
    },
    /// Another live process holds the writer lock.
    #[error("{path}: another writer (pid {pid}) holds the segment")]
    WriterActive {
        /// The segment file.
        path: PathBuf,
        /// Pid recorded in the header (0 if unreadable).
        pid: u64,
    },
    /// The file is shorter than its header says, or too short to hold a header.
    #[error("{path}: file is truncated: {actual} bytes, expected {expected}")]
    Truncated {
        /// The segment file.
        path: PathBuf,
        /// Bytes on disk.
        actual: u64,
        /// Bytes required.
        expected: u64,
    },
    /// The file is longer than its header says.
    #[error("{path}: file is {actual} bytes but its header describes {expected}")]
    SizeMismatch {
        /// The segment file.
        path: PathBuf,
        /// Bytes on disk.
        actual: u64,
        /// Bytes the header implies.
        expected: u64,
    },
    /// The magic number is wrong: not a ring segment, or its creator died before finishing.
    #[error("{path}: bad magic {found:#018x}: not a ring segment (or not initialised)")]
    BadMagic {
        /// The segment file.
        path: PathBuf,
        /// Value found.
        found: u64,
    },
    /// Written by an incompatible version of this crate.
    #[error("{path}: layout version {found}, this build understands {expected}")]
    VersionMismatch {
        /// The segment file.
        path: PathBuf,
        /// Version found.
        found: u64,
        /// Version this build writes.
        expected: u64,
    },
    /// Holds another record type (or another version of it).
    #[error(
        "{path}: holds {found_name:?} records (kind {found_kind}, {found_size} bytes, layout hash {found_hash:#018x}); expected {expected_name:?} (kind {expected_kind}, {expected_size} bytes, {expected_hash:#018x})"
    )]
    LayoutMismatch {
        /// The segment file.
        path: PathBuf,
        /// Record name in the header.
        found_name: String,
        /// Kind id in the header.
        found_kind: u64,
        /// Record size in the header.
        found_size: u64,
        /// Layout hash in the header.
        found_hash: u64,
        /// Record name expected.
        expected_name: &'static str,
        /// Kind id expected.
        expected_kind: u64,
        /// Record size expected.
        expected_size: u64,
        /// Layout hash expected.
        expected_hash: u64,
    },
    /// A header field is out of range or inconsistent with the others.
    #[error("{path}: corrupt header: {field} = {value} ({reason})")]
    CorruptHeader {
        /// The segment file.
        path: PathBuf,
        /// Field name.
        field: &'static str,
        /// Value found.
        value: u64,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The existing segment has another capacity and the config forbids replacing it.
    #[error("{path}: existing segment has capacity {found}, requested {requested}")]
    CapacityMismatch {
        /// The segment file.
        path: PathBuf,
        /// Capacity in the file.
        found: u64,
        /// Capacity requested.
        requested: u64,
    },
    /// Every reader-registry slot is held by a live process.
    #[error("{path}: all {slots} reader slots are held by live processes")]
    RegistryFull {
        /// The segment file.
        path: PathBuf,
        /// Number of slots.
        slots: usize,
    },
}

impl RingError {
    /// True for conditions that may clear by themselves (a writer still starting or still alive).
    #[must_use]
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::WriterActive { .. } | Self::BadMagic { found: 0, .. } | Self::RegistryFull { .. }
        )
    }
}

/// Result alias for segment operations.
pub type RingResult<T> = Result<T, RingError>;
