//! Feed health read from the rings by any process: what `paradex-feed status` shows.
//!
//! Readers are opened unregistered (read-only), so watching a feed never appears as a reader
//! that falls behind.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use paradex_ring::clock::monotonic_ns;
use paradex_ring::{
    Bbo, BookLevel, HealthCounter, MarkFunding, Reader, ReaderOptions, RecordKind, ShmRecord,
    StartAt, Trade, WriterStatus,
};

use crate::config::FeedConfig;

/// A read-only view of one ring.
trait RingView {
    fn published(&self) -> u64;
    fn health(&self, counter: HealthCounter) -> u64;
    fn writer(&self) -> WriterStatus;
    /// (registered readers, largest backlog).
    fn readers(&self) -> (usize, u64);
}

impl<R: ShmRecord> RingView for Reader<R> {
    fn published(&self) -> u64 {
        Reader::published(self)
    }
    fn health(&self, counter: HealthCounter) -> u64 {
        Reader::health(self, counter)
    }
    fn writer(&self) -> WriterStatus {
        self.writer_status(Duration::from_secs(2))
    }
    fn readers(&self) -> (usize, u64) {
        let published = Reader::published(self);
        let readers = Reader::readers(self);
        let behind = readers
            .iter()
            .map(|r| published.saturating_sub(r.cursor))
            .max()
            .unwrap_or(0);
        (readers.len(), behind)
    }
}

/// One ring's row of the status table.
#[derive(Debug, Clone, PartialEq)]
pub struct RingStatus {
    /// Record kind.
    pub kind: RecordKind,
    /// Records published over the ring's life.
    pub published: u64,
    /// Records per second since the previous sample.
    pub rate: f64,
    /// Time since the published count last moved, in ms (sampling granularity), if ever seen.
    pub last_update_ms: Option<i64>,
    /// Book gaps.
    pub gaps: u64,
    /// Reconnects.
    pub reconnects: u64,
    /// Parse errors + malformed frames + unknown templates.
    pub bad_frames: u64,
    /// Records lost to lapping by every registered reader, including readers that have since
    /// closed (the header's `laps_observed` counter, which lapped readers add to).
    pub laps: u64,
    /// Registered readers.
    pub readers: usize,
    /// Largest backlog of any registered reader, in records.
    pub max_behind: u64,
    /// Writer liveness.
    pub writer: WriterStatus,
}

/// Samples the four rings of a feed; call [`StatusMonitor::sample`] periodically.
pub struct StatusMonitor {
    rings: Vec<(RecordKind, Box<dyn RingView>)>,
    previous: Vec<(u64, i64, Option<i64>)>,
}

impl std::fmt::Debug for StatusMonitor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StatusMonitor")
            .field("rings", &self.rings.len())
            .finish()
    }
}

fn open<R: ShmRecord>(path: &Path) -> Result<Box<dyn RingView>, paradex_ring::RingError> {
    let options = ReaderOptions {
        start: StartAt::Next,
        register: false,
    };
    Ok(Box::new(Reader::<R>::open_with(path, options)?))
}

impl StatusMonitor {
    /// Opens every ring of the feed `config` describes.
    ///
    /// # Errors
    /// The ring error of the first ring that cannot be opened.
    pub fn open(config: &FeedConfig) -> Result<Self, paradex_ring::RingError> {
        let path = |kind: RecordKind| config.rings_dir.join(kind.segment_name(&config.feed_name));
        let rings = vec![
            (RecordKind::Bbo, open::<Bbo>(&path(RecordKind::Bbo))?),
            (RecordKind::Trade, open::<Trade>(&path(RecordKind::Trade))?),
            (
                RecordKind::BookLevel,
                open::<BookLevel>(&path(RecordKind::BookLevel))?,
            ),
            (
                RecordKind::MarkFunding,
                open::<MarkFunding>(&path(RecordKind::MarkFunding))?,
            ),
        ];
        let now = monotonic_ns();
        let previous = rings
            .iter()
            .map(|(_, r)| (r.published(), now, None))
            .collect();
        Ok(Self { rings, previous })
    }

    /// Reads every ring once.
    pub fn sample(&mut self) -> Vec<RingStatus> {
        let now = monotonic_ns();
        let mut rows = Vec::with_capacity(self.rings.len());
        for ((kind, ring), previous) in self.rings.iter().zip(&mut self.previous) {
            let published = ring.published();
            let (count, at, changed_at) = *previous;
            let elapsed = (now - at).max(1) as f64 / 1e9;
            let changed_at = if published != count {
                Some(now)
            } else {
                changed_at
            };
            *previous = (published, now, changed_at);
            let (readers, max_behind) = ring.readers();
            rows.push(RingStatus {
                kind: *kind,
                published,
                rate: published.saturating_sub(count) as f64 / elapsed,
                last_update_ms: changed_at.map(|t| (now - t) / 1_000_000),
                gaps: ring.health(HealthCounter::BookGaps),
                reconnects: ring.health(HealthCounter::Reconnects),
                bad_frames: ring.health(HealthCounter::ParseErrors)
                    + ring.health(HealthCounter::MalformedFrames)
                    + ring.health(HealthCounter::UnknownTemplates),
                laps: ring.health(HealthCounter::LapsObserved),
                readers,
                max_behind,
                writer: ring.writer(),
            });
        }
        rows
    }
}

/// Renders rows as a fixed-width table.
#[must_use]
pub fn render(rows: &[RingStatus]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<12} {:>12} {:>11} {:>10} {:>6} {:>6} {:>6} {:>8} {:>7} {:>9} {:>8}",
        "ring",
        "published",
        "msg/s",
        "last(ms)",
        "gaps",
        "reconn",
        "bad",
        "laps",
        "readers",
        "behind",
        "writer"
    );
    for row in rows {
        let last = row
            .last_update_ms
            .map_or_else(|| "-".to_owned(), |ms| ms.to_string());
        let _ = writeln!(
            out,
            "{:<12} {:>12} {:>11.0} {:>10} {:>6} {:>6} {:>6} {:>8} {:>7} {:>9} {:>8}",
            row.kind.name(),
            row.published,
            row.rate,
            last,
            row.gaps,
            row.reconnects,
            row.bad_frames,
            row.laps,
            row.readers,
            row.max_behind,
            format!("{:?}", row.writer),
        );
    }
    out
}
