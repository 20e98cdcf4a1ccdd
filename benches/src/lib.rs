//! Shared helpers for the benches and the end-to-end latency harness.
#![forbid(unsafe_code)]

pub mod affinity;
pub mod cpu;
pub mod latency;
pub mod results;
pub mod shm;
