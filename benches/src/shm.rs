//! Unique shared-memory segment names for benches, removed on drop.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// A `/dev/shm` name unique to this process (`<prefix>.<pid>.<n>`), whose file is removed when
/// the guard drops.
#[derive(Debug)]
pub struct TempShm {
    dir: PathBuf,
    name: String,
}

impl TempShm {
    /// A fresh name under `/dev/shm`.
    #[must_use]
    pub fn new(prefix: &str) -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        Self {
            dir: PathBuf::from("/dev/shm"),
            name: format!("{prefix}.{}.{n}", std::process::id()),
        }
    }

    /// The directory.
    #[must_use]
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The file name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The full path.
    #[must_use]
    pub fn path(&self) -> PathBuf {
        self.dir.join(&self.name)
    }
}

impl Drop for TempShm {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(self.path());
    }
}
