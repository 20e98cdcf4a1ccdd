//! Lock-free single-writer / many-reader ring buffers in shared memory.
//!
//! A segment is a file (default under `/dev/shm`) mapped by one [`Writer`] process and any
//! number of [`Reader`]s in any processes. The writer never waits for readers and makes no
//! syscall per record; each reader keeps its own cursor, and a reader the writer laps learns
//! exactly how many records it lost. Readers never see a torn record: each slot is a seqlock
//! (see [`protocol`](crate#protocol)) and every shared access is an 8-byte atomic, so the code
//! is free of data races in Rust's memory model (written to pass Miri).
//!
//! ```no_run
//! use paradex_ring::{Bbo, Read, Reader, RecordKind, RingConfig, Writer};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let config = RingConfig::new(RecordKind::Bbo.segment_name("prod"), 1 << 16);
//! let mut writer = Writer::<Bbo>::create(&config)?;
//! writer.set_symbol(0, "BTC-USD-PERP")?;
//! writer.publish(&Bbo { market_id: 0, bid_px: 9_000_000_000_000, ..Bbo::default() });
//! let mut claim = writer.claim();
//! claim.ask_px = 9_000_100_000_000;
//! claim.commit();
//!
//! let mut reader = Reader::<Bbo>::open(config.path())?;
//! match reader.try_read() {
//!     Read::Record(bbo) => println!("{:?} bid {}", reader.symbol(bbo.market_id)?, bbo.bid_px),
//!     Read::Lapped(lost) => eprintln!("lost {lost} records"),
//!     Read::Empty => {}
//! }
//! # Ok(()) }
//! ```
//!
//! # One ring per record kind
//!
//! Each kind ([`Bbo`], [`Trade`], [`BookLevel`], [`MarkFunding`]) gets its own segment, named
//! `paradex.<feed>.<kind>` by [`RecordKind::segment_name`], rather than one ring of a tagged
//! union, because:
//! - each record has real field names, so a numpy reader gets a structured dtype with `bid_px`,
//!   `price`, … instead of generic `f0..f3` columns whose meaning depends on a tag;
//! - a strategy that only wants BBOs never copies (or is lapped by) book-level bursts, and each
//!   ring can be sized for its kind's rate;
//! - every record stays 56 bytes, so a slot with its stamp is exactly one cache line and a
//!   hand-off is one line transfer.
//!
//! The cost is that there is no total order across kinds; `ts_recv` orders them when needed.
//!
//! # Layout
//!
//! Byte offsets are in [`layout`] and `docs/ring-layout.md`; [`RecordKind::fields`] describes
//! each record so Python can build the numpy dtype from Rust.
//!
//! # Protocol
//!
//! Slot stamps: `2s+1` while record `s` is written, `2s+2` once committed. The writer stores the
//! odd stamp, fences (Release), stores the payload words (Relaxed), stores the even stamp
//! (Release), then the tail (Release). A reader at cursor `s` loads the slot's stamp (Acquire):
//! below `2s+2` means not yet published; equal means copy the words, fence (Acquire) and
//! re-check the stamp; above means lapped, and it resumes one past the slot the writer may be
//! rewriting (found from the tail), counting every skipped sequence. An idle reader therefore
//! polls the very cache line the next record arrives in: one line transfer per hand-off.
//!
//! # Liveness
//!
//! The writer records its pid and epoch, holds an exclusive `flock` for its lifetime and stores a
//! heartbeat when its owner calls [`Writer::heartbeat`]. [`Reader::writer_status`] combines the
//! recorded state, `kill(pid, 0)` and the heartbeat age; [`Reader::writer_restarted`] reports a
//! new epoch.

#![deny(unsafe_op_in_unsafe_fn, missing_docs, missing_debug_implementations)]
#![warn(
    clippy::undocumented_unsafe_blocks,
    clippy::multiple_unsafe_ops_per_block,
    clippy::unnecessary_safety_comment
)]

mod sync;

#[cfg(loom)]
pub mod protocol;
#[cfg(not(loom))]
mod protocol;

#[cfg(not(loom))]
pub mod clock;
#[cfg(not(loom))]
mod error;
#[cfg(not(loom))]
mod health;
#[cfg(all(test, not(loom)))]
mod in_memory_tests;
#[cfg(not(loom))]
mod inspect;
#[cfg(not(loom))]
pub mod layout;
#[cfg(not(loom))]
mod market;
#[cfg(not(loom))]
mod reader;
#[cfg(not(loom))]
mod record;
#[cfg(not(loom))]
mod registry;
#[cfg(not(loom))]
mod segment;
#[cfg(not(loom))]
mod symbols;
#[cfg(not(loom))]
mod writer;

#[cfg(not(loom))]
pub use crate::{
    error::{RingError, RingResult},
    health::HealthCounter,
    inspect::{SegmentInfo, inspect},
    market::{
        BOOK_END_OF_UPDATE, BOOK_INVALIDATED, BOOK_SNAPSHOT_BEGIN, Bbo, BookLevel, MarkFunding,
        NULL_PRICE, RecordKind, SIDE_BUY, SIDE_NONE, SIDE_SELL, Trade,
    },
    reader::{Batch, Read, Reader, ReaderOptions, StartAt, WriterInfo, WriterStatus},
    record::{Field, FieldPrimitive, FieldType, ShmRecord, is_dense, layout_hash},
    registry::{HEARTBEAT_EVERY, ReaderInfo, pid_alive},
    segment::{OnIncompatible, WriterState},
    symbols::MarketError,
    writer::{Claim, DEFAULT_DIR, RingConfig, Writer},
};
