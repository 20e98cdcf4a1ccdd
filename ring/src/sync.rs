//! The one place the crate gets its atomics from.
//!
//! Under `cfg(loom)` the protocol is model-checked with loom's atomics; otherwise these are the
//! standard ones. `tests/atomics_shim.rs` fails if any other source file names
//! `sync::atomic` directly, so nothing bypasses this shim.

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicU64, Ordering, fence};

#[cfg(not(loom))]
pub(crate) use core::sync::atomic::{AtomicU64, Ordering, fence};
