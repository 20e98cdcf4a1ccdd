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

/// The CPU's time-stamp counter, for measuring hand-offs of tens of nanoseconds.
///
/// A `CLOCK_MONOTONIC` read costs ~20 ns on a VM, which is a fifth of a ring hand-off; the
/// counter costs a few. Linux only exposes a TSC-backed clocksource when the counter is
/// invariant and synchronised across cores (`constant_tsc`, `nonstop_tsc`), so ticks taken on
/// different cores and in different processes compare directly. [`Tsc::calibrate`] converts
/// ticks to nanoseconds against `CLOCK_MONOTONIC`.
#[derive(Debug, Clone, Copy)]
pub struct Tsc {
    ns_per_tick: f64,
}

impl Tsc {
    /// Measures the counter's rate against `CLOCK_MONOTONIC` over `span` (tens of ms suffice).
    /// Each end pairs a counter read with the tightest bracket of two clock reads out of
    /// several tries, so a preemption during calibration does not skew the rate.
    #[must_use]
    pub fn calibrate(span: std::time::Duration) -> Self {
        let (ns0, ticks0) = bracketed_read();
        std::thread::sleep(span);
        let (ns1, ticks1) = bracketed_read();
        let ticks = ticks1.saturating_sub(ticks0).max(1);
        Self {
            ns_per_tick: (ns1 - ns0) as f64 / ticks as f64,
        }
    }

    /// Nanoseconds between two counter reads (zero if `later` is not later).
    #[must_use]
    #[inline]
    pub fn elapsed_ns(&self, earlier: u64, later: u64) -> i64 {
        (later.saturating_sub(earlier) as f64 * self.ns_per_tick) as i64
    }

    /// Nanoseconds per counter tick.
    #[must_use]
    pub fn ns_per_tick(&self) -> f64 {
        self.ns_per_tick
    }
}

/// Reads the counter once every instruction before it has executed (`rdtscp`), so a stamp
/// taken after seeing a record cannot be read early by out-of-order execution. Falls back to
/// `CLOCK_MONOTONIC` ns off x86_64 (then [`Tsc::calibrate`] yields one ns per tick).
#[must_use]
#[inline]
pub fn tsc_ticks() -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        let mut core_id = 0_u32;
        // SAFETY: `rdtscp` only reads the counter and IA32_TSC_AUX into `core_id`, a local;
        // every x86_64 CPU Linux runs on has it (`rdtscp` in /proc/cpuinfo), and it touches no
        // memory of ours besides that local.
        unsafe { core::arch::x86_64::__rdtscp(&raw mut core_id) }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        monotonic_ns().cast_unsigned()
    }
}

/// The `CLOCK_MONOTONIC` midpoint and the counter of the tightest of a few clock/counter/clock
/// brackets.
fn bracketed_read() -> (i64, u64) {
    let mut best = (i64::MAX, 0, 0);
    for _ in 0..16 {
        let before = monotonic_ns();
        let ticks = tsc_ticks();
        let after = monotonic_ns();
        if after - before < best.0 {
            best = (after - before, before + (after - before) / 2, ticks);
        }
    }
    (best.1, best.2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    #[cfg_attr(miri, ignore = "Miri has no time-stamp counter")]
    fn counter_ticks_convert_to_the_monotonic_clocks_nanoseconds() {
        let tsc = Tsc::calibrate(Duration::from_millis(20));
        let (ns0, ticks0) = bracketed_read();
        std::thread::sleep(Duration::from_millis(30));
        let (ns1, ticks1) = bracketed_read();
        let by_clock = ns1 - ns0;
        let by_counter = tsc.elapsed_ns(ticks0, ticks1);
        // A rate error shows as a proportional difference; 2 % leaves room for one bracket's
        // imprecision over 30 ms on a loaded VM.
        let error = (by_counter - by_clock).abs() as f64 / by_clock as f64;
        assert!(
            error < 0.02,
            "counter {by_counter} ns vs clock {by_clock} ns"
        );
        assert!(tsc.elapsed_ns(ticks1, ticks0) == 0);
    }
}
