//! Paradex wire formats shared by the feed, the execution path and the mock exchange.
#![forbid(unsafe_code)]

pub mod decimal;
pub mod sbe;
#[cfg(feature = "test-vectors")]
pub mod test_vectors;
pub mod typed_data;
