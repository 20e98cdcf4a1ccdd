//! Shared helpers for the benches and the end-to-end latency harness.
#![forbid(unsafe_code)]

pub mod affinity;
pub mod latency;
pub mod shm;
