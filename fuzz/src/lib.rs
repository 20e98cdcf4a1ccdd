//! Fuzz targets for every parser that reads external input, as plain functions.
//!
//! Each target takes arbitrary bytes and must never panic, hang or read out of bounds; it
//! asserts the properties a correct parser keeps (an SBE frame that decodes re-encodes to the
//! same message). The same functions run under libFuzzer (`fuzz_targets/`, nightly, `cargo fuzz`)
//! and under the stable smoke runner (`src/bin/fuzz_smoke.rs`: seeds plus mutated inputs), so CI
//! without nightly still exercises them.
#![forbid(unsafe_code)]

mod exec;
mod feed;
mod mutate;
mod ring;
mod sbe;
pub mod seeds;

pub use exec::{exec_stream, rest_models};
pub use feed::feed_frames;
pub use mutate::Mutator;
pub use ring::ring_open;
pub use sbe::sbe_decode;

/// A fuzz target: any bytes in, a panic on a broken property.
pub type Target = fn(&[u8]);

/// Every target by name, as `cargo fuzz list` shows them.
pub const TARGETS: [(&str, Target); 5] = [
    ("sbe_decode", sbe_decode),
    ("feed_frames", feed_frames),
    ("exec_stream", exec_stream),
    ("rest_models", rest_models),
    ("ring_open", ring_open),
];
