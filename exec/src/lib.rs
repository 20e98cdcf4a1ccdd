//! The signed Paradex execution path.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod reconcile;
pub mod rest;
pub mod sign;
pub mod state;
pub mod stream;
