//! Helpers shared by the integration tests: unique segment names removed on drop.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use paradex_ring::RingConfig;

/// A unique segment name under `/dev/shm` (pid + counter), removed (with any temp files) on drop.
#[derive(Debug)]
pub struct TempSegment {
    pub config: RingConfig,
}

impl TempSegment {
    pub fn new(tag: &str, capacity: u64) -> Self {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!("paradex-test.{}.{n}.{tag}", std::process::id());
        Self {
            config: RingConfig::new(name, capacity),
        }
    }

    pub fn path(&self) -> PathBuf {
        self.config.path()
    }
}

impl Drop for TempSegment {
    fn drop(&mut self) {
        remove_segment(&self.path());
    }
}

/// Removes a segment file and any temp file a writer left beside it.
pub fn remove_segment(path: &Path) {
    let _ = std::fs::remove_file(path);
    if let (Some(dir), Some(name)) = (path.parent(), path.file_name()) {
        let prefix = format!(".{}.", name.to_string_lossy());
        if let Ok(entries) = std::fs::read_dir(dir) {
            for entry in entries.flatten() {
                if entry.file_name().to_string_lossy().starts_with(&prefix) {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
    }
}
