//! An offline Paradex exchange for tests, demos and benchmarks.
#![forbid(unsafe_code)]
