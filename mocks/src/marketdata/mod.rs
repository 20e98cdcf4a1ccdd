//! The market-data generator (random walk, up to full speed) and the recorded-frame replayer.
//!
//! * [`generator`]: drives the exchange core's synthetic maker so books, trades, marks and
//!   funding move realistically and client orders match against them.
//! * [`firehose`]: per-session synthetic frames at full speed or a fixed rate (benchmarks).
//! * [`replay`]: the recording file format, recorder and loader.

pub mod firehose;
pub mod generator;
pub mod replay;

use std::path::PathBuf;
use std::sync::Arc;

use tokio::task::JoinHandle;

use crate::config::MockConfig;
use crate::exchange::Exchange;

pub use firehose::{FirehoseEncoding, FirehoseKind, FirehoseSettings, FirehoseStream};
pub use replay::{FrameKind, RecordedFrame, Recorder, Recording};

/// Errors of the replay and record files.
#[derive(Debug, thiserror::Error)]
pub enum MarketDataError {
    /// The file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not a valid recording.
    #[error("{path}: corrupt recording: {reason}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong, with the byte offset.
        reason: String,
    },
}

/// Starts the random-walk generator unless `--md-rate` is 0.
#[must_use]
pub fn spawn_generator(config: &MockConfig, exchange: Arc<Exchange>) -> Option<JoinHandle<()>> {
    let rate = config.md_rate;
    (rate > 0.0 && rate.is_finite())
        .then(|| tokio::spawn(generator::run(exchange, rate, config.seed)))
}
