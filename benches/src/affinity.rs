//! Pinning threads to cores.
//!
//! `core_affinity::get_core_ids()` reports the *calling thread's* affinity mask, so once a
//! thread is pinned, threads it spawns see a single core. [`Cores::capture`] reads the list once,
//! before anything is pinned, and every later pin uses that list.

use core_affinity::CoreId;

/// The cores this process may run on, captured before any pinning.
#[derive(Debug, Clone)]
pub struct Cores(Vec<CoreId>);

impl Cores {
    /// Reads the core list (call once, at start-up, before pinning anything).
    #[must_use]
    pub fn capture() -> Self {
        Self(core_affinity::get_core_ids().unwrap_or_default())
    }

    /// Number of cores available.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when no core could be listed.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The operating system's CPU number of the `index`-th captured core (modulo the count),
    /// for pinning another process (`taskset -c`, `os.sched_setaffinity`).
    #[must_use]
    pub fn cpu(&self, index: usize) -> Option<usize> {
        (!self.0.is_empty()).then(|| self.0[index % self.0.len()].id)
    }

    /// Pins the calling thread to the `index`-th captured core (modulo the count); returns
    /// whether pinning succeeded.
    pub fn pin(&self, index: usize) -> bool {
        if self.0.is_empty() {
            return false;
        }
        core_affinity::set_for_current(self.0[index % self.0.len()])
    }
}
