//! Clock reads shared by every process on the host.
//!
//! `CLOCK_MONOTONIC` is system-wide on Linux, so a heartbeat written by the writer can be compared
//! with a reader's own clock, and a send timestamp taken in one process can be subtracted from a
//! receive timestamp taken in another. Both are vDSO reads: no kernel entry.

use rustix::time::{ClockId, Timespec, clock_gettime};

/// Nanoseconds of `CLOCK_MONOTONIC` (Python: `time.monotonic_ns()`).
#[must_use]
#[inline]
pub fn monotonic_ns() -> i64 {
    to_ns(clock_gettime(ClockId::Monotonic))
}

/// Nanoseconds since the Unix epoch (`CLOCK_REALTIME`).
#[must_use]
#[inline]
pub fn realtime_ns() -> i64 {
    to_ns(clock_gettime(ClockId::Realtime))
}

#[inline]
fn to_ns(ts: Timespec) -> i64 {
    ts.tv_sec
        .saturating_mul(1_000_000_000)
        .saturating_add(ts.tv_nsec)
}
