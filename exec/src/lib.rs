//! The signed Paradex execution path.
#![forbid(unsafe_code)]
