//! The chaos suite (issue #8): every scenario runs against a real `paradex-mock` with its fault
//! injection, asserts the exact outcome, and writes what it measured (time to recover, what
//! was lost, what the user saw) as JSON into `PARADEX_CHAOS_OUT` (default
//! `target/chaos-results/`). `make chaos` runs it and regenerates
//! `tracking/chaos-test-results.md` with `scripts/chaos_report.py`.
//!
//! Run: `cargo test -p paradex-tests --test chaos -- --test-threads 1`

mod exec_kill;
mod exec_rest;
mod feed_kill;
mod feed_ws;
mod mock_restart;
mod security;
mod support;
