//! Helpers for the cross-crate integration and chaos tests.
#![forbid(unsafe_code)]
