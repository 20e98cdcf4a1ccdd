//! `paradex_core.RingReader`: copy-mode and zero-copy reads of one ring from Python.
//!
//! Two cursors live here: the Rust [`paradex_ring::Reader`]'s and `position`, the next sequence
//! this object hands out in either mode. A zero-copy poll commits `position` (and any lap loss)
//! to the Rust reader with `advance_to`, so the registry shows status tools where a zero-copy
//! reader really is; a copy poll reads from the Rust cursor, first bringing it up to `position`.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, TryLockError};
use std::time::{Duration, Instant};

use numpy::{PyArray1, PyArrayDescr, PyArrayMethods};
use paradex_ring::{
    DEFAULT_DIR, HealthCounter, ReaderOptions, RecordKind, StartAt, WriterStatus, inspect, layout,
};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PySlice};

use crate::any_reader::AnyReader;
use crate::dtype::{parse_kind, record_dtype};
use crate::errors::{BindingError, ConfigError, LappedError, RingError, WriterDeadError};
use crate::view::ZeroCopyBatch;
use crate::words::RECORD_WORDS;

/// How often a waiting `poll(timeout=…)` checks that the writer is still alive.
const WRITER_CHECK_EVERY: Duration = Duration::from_millis(50);
/// A waiting poll spins this long before it starts yielding the CPU.
const SPIN_FOR: Duration = Duration::from_micros(50);
/// How long a waiting poll spins (then yields) before it parks, unless told otherwise.
const DEFAULT_SPIN: Duration = Duration::from_millis(1);
/// A parked poll sleeps this long between looks at the ring.
const PARK_STEP: Duration = Duration::from_micros(100);

/// A reader of one ring segment (see the module docs of `paradex_core`).
#[pyclass(module = "paradex_core._native", name = "RingReader", frozen)]
#[derive(Debug)]
pub(crate) struct RingReader {
    /// Never replaced after construction: zero-copy views point into its mapping.
    inner: Mutex<AnyReader>,
    state: Mutex<ReadState>,
    kind: RecordKind,
    slot_size: usize,
    dtype: Py<PyArrayDescr>,
    empty: Py<PyAny>,
}

/// Mutable per-reader bookkeeping.
#[derive(Debug, Default)]
pub(crate) struct ReadState {
    /// Next sequence handed out (either mode).
    pub(crate) position: u64,
    /// Records lost to lapping, both modes.
    pub(crate) lost: u64,
    /// Lost in the last poll.
    pub(crate) last_lost: u64,
    /// Bumped by every poll; a zero-copy batch is valid only while it is unchanged.
    pub(crate) generation: u64,
}

/// Takes `mutex` without waiting: a reader is used by one thread at a time, and waiting here
/// while holding the GIL could deadlock against a `poll(timeout=…)` that released it.
fn lock<T>(mutex: &Mutex<T>) -> PyResult<MutexGuard<'_, T>> {
    match mutex.try_lock() {
        Ok(guard) => Ok(guard),
        // Nothing panics while holding these locks; a poisoned one still holds consistent data.
        Err(TryLockError::Poisoned(poisoned)) => Ok(poisoned.into_inner()),
        Err(TryLockError::WouldBlock) => Err(RingError::new_err(
            "this RingReader is busy in another thread (a waiting poll?): use one reader per thread",
        )),
    }
}

fn resolve(name_or_path: &str, directory: Option<PathBuf>) -> PathBuf {
    if name_or_path.contains('/') {
        PathBuf::from(name_or_path)
    } else {
        directory
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DIR))
            .join(name_or_path)
    }
}

fn parse_start(start: &str) -> Result<StartAt, BindingError> {
    match start {
        "oldest" => Ok(StartAt::Oldest),
        "newest" => Ok(StartAt::Newest),
        "next" => Ok(StartAt::Next),
        other => Err(BindingError::Config(format!(
            "start={other:?}: expected \"oldest\", \"newest\" or \"next\""
        ))),
    }
}

fn check_on_lap(on_lap: &str) -> PyResult<bool> {
    match on_lap {
        "raise" => Ok(true),
        "count" => Ok(false),
        other => Err(ConfigError::new_err(format!(
            "on_lap={other:?}: expected \"raise\" or \"count\""
        ))),
    }
}

fn seconds(value: f64, what: &str) -> PyResult<Duration> {
    Duration::try_from_secs_f64(value)
        .map_err(|_| ConfigError::new_err(format!("{what}={value}: expected seconds >= 0")))
}

fn status_name(status: WriterStatus) -> &'static str {
    match status {
        WriterStatus::Alive => "alive",
        WriterStatus::Stale => "stale",
        WriterStatus::Dead => "dead",
        WriterStatus::Closed => "closed",
        WriterStatus::Replaced => "replaced",
    }
}

/// Builds a `LappedError` carrying the exact loss and what was read anyway.
pub(crate) fn lapped_error(py: Python<'_>, lost: u64, records: &Bound<'_, PyAny>) -> PyErr {
    let err = LappedError::new_err(format!(
        "the writer lapped this reader: {lost} records lost; the reader resumed at the oldest \
         safe record. Poll more often, enlarge the ring, or pass on_lap=\"count\" to only count"
    ));
    let value = err.value(py);
    // Setting attributes on a fresh exception instance cannot fail in practice; if it did, the
    // message above still carries the count.
    let _ = value.setattr("lost", lost);
    let _ = value.setattr("records", records);
    err
}

impl RingReader {
    pub(crate) fn inner(&self) -> PyResult<MutexGuard<'_, AnyReader>> {
        lock(&self.inner)
    }

    pub(crate) fn state(&self) -> PyResult<MutexGuard<'_, ReadState>> {
        lock(&self.state)
    }

    pub(crate) fn slot_size(&self) -> usize {
        self.slot_size
    }

    pub(crate) fn dtype<'py>(&self, py: Python<'py>) -> Bound<'py, PyArrayDescr> {
        self.dtype.bind(py).clone()
    }

    /// Blocks (GIL released) until a record past `position` is published or `timeout` passes:
    /// spins for the first `spin` (a pure spin, then yielding the CPU), then parks in
    /// [`PARK_STEP`] sleeps.
    fn wait(
        &self,
        py: Python<'_>,
        position: u64,
        timeout: Duration,
        spin: Duration,
    ) -> PyResult<()> {
        let mut guard = self.inner()?;
        let waiting: &mut AnyReader = &mut guard;
        let outcome = py.detach(move || {
            let inner = waiting;
            let start = Instant::now();
            let mut last_check = start;
            loop {
                if inner.published() > position {
                    return None;
                }
                let now = Instant::now();
                let waited = now - start;
                if waited >= timeout {
                    return Some(inner.writer_status(Duration::MAX));
                }
                if now - last_check >= WRITER_CHECK_EVERY {
                    last_check = now;
                    let status = inner.writer_status(Duration::MAX);
                    if !matches!(status, WriterStatus::Alive | WriterStatus::Stale) {
                        return Some(status);
                    }
                }
                if waited >= spin {
                    std::thread::sleep(PARK_STEP);
                } else if waited < SPIN_FOR {
                    std::hint::spin_loop();
                } else {
                    std::thread::yield_now();
                }
            }
        });
        let inner = &guard;
        match outcome {
            Some(status @ (WriterStatus::Dead | WriterStatus::Closed | WriterStatus::Replaced)) => {
                let info = inner.writer_info();
                Err(WriterDeadError::new_err(format!(
                    "{}: writer pid {} is {} and nothing new arrived; restart the feed handler \
                     (a restarted writer continues the sequence and this reader resumes), or \
                     reopen by name if the segment was replaced",
                    inner.path().display(),
                    info.pid,
                    status_name(status)
                )))
            }
            _ => Ok(()),
        }
    }
}

#[pymethods]
impl RingReader {
    /// Opens a ring by name (in `directory`, default `/dev/shm`) or by path.
    #[new]
    #[pyo3(signature = (name_or_path, kind=None, *, start="newest", register=true, directory=None))]
    fn py_new(
        py: Python<'_>,
        name_or_path: PathBuf,
        kind: Option<&str>,
        start: &str,
        register: bool,
        directory: Option<PathBuf>,
    ) -> PyResult<Self> {
        let path = resolve(&name_or_path.to_string_lossy(), directory);
        let options = ReaderOptions {
            start: parse_start(start)?,
            register,
        };
        let inner = py.detach(|| {
            let kind = match kind {
                Some(name) => parse_kind(name)?,
                None => inspect(&path)?.kind,
            };
            AnyReader::open(&path, kind, options).map_err(BindingError::from)
        })?;
        let kind = inner.kind();
        let dtype = record_dtype(py, kind)?;
        let numpy = py.import(intern!(py, "numpy"))?;
        let empty = numpy.call_method1(intern!(py, "empty"), (0, &dtype))?;
        empty
            .getattr(intern!(py, "flags"))?
            .setattr(intern!(py, "writeable"), false)?;
        let state = ReadState {
            position: inner.cursor(),
            ..ReadState::default()
        };
        Ok(Self {
            inner: Mutex::new(inner),
            state: Mutex::new(state),
            kind,
            slot_size: layout::slot_size(kind.size()),
            dtype: dtype.unbind(),
            empty: empty.unbind(),
        })
    }

    /// Record kind name: `bbo`, `trade`, `book_level` or `mark_funding`.
    #[getter]
    #[pyo3(name = "kind")]
    fn py_kind(&self) -> &'static str {
        self.kind.name()
    }

    /// The structured numpy dtype of the records (generated from the Rust layout).
    #[getter]
    #[pyo3(name = "dtype")]
    fn py_dtype<'py>(&self, py: Python<'py>) -> Bound<'py, PyArrayDescr> {
        self.dtype(py)
    }

    /// The segment file.
    #[getter]
    #[pyo3(name = "path")]
    fn py_path(&self) -> PyResult<PathBuf> {
        Ok(self.inner()?.path().to_path_buf())
    }

    /// Number of slots.
    #[getter]
    #[pyo3(name = "capacity")]
    fn py_capacity(&self) -> PyResult<u64> {
        Ok(self.inner()?.capacity())
    }

    /// Sequence of the next record this reader returns.
    #[getter]
    #[pyo3(name = "cursor")]
    fn py_cursor(&self) -> PyResult<u64> {
        Ok(self.state()?.position)
    }

    /// Records published over the segment's life.
    #[getter]
    #[pyo3(name = "published")]
    fn py_published(&self) -> PyResult<u64> {
        Ok(self.inner()?.published())
    }

    /// Published records not read yet.
    #[getter]
    #[pyo3(name = "behind")]
    fn py_behind(&self) -> PyResult<u64> {
        let position = self.state()?.position;
        Ok(self.inner()?.published().saturating_sub(position))
    }

    /// Records lost to lapping since this reader opened.
    #[getter]
    #[pyo3(name = "lost")]
    fn py_lost(&self) -> PyResult<u64> {
        Ok(self.state()?.lost)
    }

    /// Records lost to lapping during the last poll.
    #[getter]
    #[pyo3(name = "last_lost")]
    fn py_last_lost(&self) -> PyResult<u64> {
        Ok(self.state()?.last_lost)
    }

    /// Copies every new record (at most `max_records`) into a new structured array.
    ///
    /// With `timeout` (seconds) and nothing new, waits with the GIL released; raises
    /// `WriterDeadError` if the writer is dead, closed or replaced while waiting. The wait
    /// spins for `spin` seconds (default 0.001; it burns a core meanwhile), then parks in
    /// 100 µs sleeps: `spin=0` parks at once, `spin >= timeout` never parks. A lap raises
    /// `LappedError` (with `.lost` and `.records`) unless `on_lap="count"`.
    #[pyo3(
        name = "poll",
        signature = (max_records=None, *, timeout=None, on_lap="raise", spin=None)
    )]
    fn py_poll<'py>(
        &self,
        py: Python<'py>,
        max_records: Option<usize>,
        timeout: Option<f64>,
        on_lap: &str,
        spin: Option<f64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let raise_on_lap = check_on_lap(on_lap)?;
        let spin = spin.map_or(Ok(DEFAULT_SPIN), |s| seconds(s, "spin"))?;
        let mut state = self.state()?;
        state.generation += 1;
        state.last_lost = 0;
        if let Some(timeout) = timeout {
            let timeout = seconds(timeout, "timeout")?;
            self.wait(py, state.position, timeout, spin)?;
        }
        let mut inner = self.inner()?;
        let mut lost = 0;
        if inner.cursor() < state.position {
            let reached = inner.skip_to(state.position);
            lost += reached.saturating_sub(state.position);
        }
        let available = inner.published().saturating_sub(inner.cursor());
        let capacity = usize::try_from(inner.capacity()).unwrap_or(usize::MAX);
        let wanted = usize::try_from(available)
            .unwrap_or(usize::MAX)
            .min(capacity)
            .min(max_records.unwrap_or(usize::MAX));
        let result = if wanted == 0 {
            self.empty.bind(py).clone()
        } else {
            let words = PyArray1::<u64>::zeros(py, wanted * RECORD_WORDS, false);
            let copied = {
                let mut out = words.try_readwrite()?;
                inner.read_words(out.as_slice_mut()?)
            };
            lost += copied.lost;
            let records = words.call_method1(intern!(py, "view"), (self.dtype.bind(py),))?;
            if copied.records < wanted {
                records.get_item(PySlice::new(py, 0, copied.records.cast_signed(), 1))?
            } else {
                records
            }
        };
        state.position = inner.cursor();
        state.lost += lost;
        state.last_lost = lost;
        if lost > 0 && raise_on_lap {
            return Err(lapped_error(py, lost, &result));
        }
        Ok(result)
    }

    /// Hands out the new records as a read-only view of the shared memory itself (no copy).
    ///
    /// The returned `ZeroCopyBatch` is valid until the next poll of this reader and only while
    /// the writer has not wrapped around onto its slots: read it, then call `still_valid()`.
    /// A batch never wraps around the ring end, so a poll may return fewer than are available.
    #[pyo3(name = "poll_view", signature = (max_records=None, *, on_lap="raise"))]
    fn py_poll_view(
        slf: &Bound<'_, Self>,
        max_records: Option<usize>,
        on_lap: &str,
    ) -> PyResult<ZeroCopyBatch> {
        let py = slf.py();
        let raise_on_lap = check_on_lap(on_lap)?;
        let this = slf.get();
        let (first, len, lost, generation) = {
            let mut inner = this.inner()?;
            let mut state = this.state()?;
            state.generation += 1;
            let capacity = inner.capacity();
            let mut lost = 0;
            let mut published = inner.published();
            while published > state.position && !inner.is_intact(state.position) {
                let resume = (state.position + 1).max(published.saturating_sub(capacity - 1));
                lost += resume - state.position;
                state.position = resume;
                published = inner.published();
            }
            let to_ring_end = capacity - state.position % capacity;
            let len = published
                .saturating_sub(state.position)
                .min(to_ring_end)
                .min(max_records.map_or(u64::MAX, |m| m as u64));
            let first = state.position;
            state.position += len;
            inner.advance_to(state.position, lost);
            state.lost += lost;
            state.last_lost = lost;
            (
                first,
                usize::try_from(len).unwrap_or(0),
                lost,
                state.generation,
            )
        };
        let batch = ZeroCopyBatch::new(slf, first, len, lost, generation)?;
        if lost > 0 && raise_on_lap {
            let records = batch.records_unchecked(py);
            return Err(lapped_error(py, lost, records.bind(py)));
        }
        Ok(batch)
    }

    /// The writer's state: `alive`, `stale` (heartbeat older than `max_age` seconds), `dead`
    /// (crashed), `closed` (exited cleanly) or `replaced` (reopen by name). One `kill(pid, 0)`.
    #[pyo3(name = "writer_status", signature = (max_age=5.0))]
    fn py_writer_status(&self, max_age: f64) -> PyResult<&'static str> {
        let max_age = seconds(max_age, "max_age")?;
        Ok(status_name(self.inner()?.writer_status(max_age)))
    }

    /// Raises `WriterDeadError` unless the writer is alive with a heartbeat at most `max_age`
    /// seconds old.
    #[pyo3(name = "check_writer", signature = (max_age=5.0))]
    fn py_check_writer(&self, max_age: f64) -> PyResult<()> {
        let max_age = seconds(max_age, "max_age")?;
        let inner = self.inner()?;
        let status = inner.writer_status(max_age);
        if status == WriterStatus::Alive {
            return Ok(());
        }
        let info = inner.writer_info();
        let advice = match status {
            WriterStatus::Stale => "it is hung or does not heartbeat; check the feed handler",
            WriterStatus::Replaced => "the segment was replaced; open a new RingReader by name",
            _ => "restart the feed handler; this reader resumes when it reopens the segment",
        };
        Err(WriterDeadError::new_err(format!(
            "{}: writer pid {} (epoch {}) is {}: {advice}",
            inner.path().display(),
            info.pid,
            info.epoch,
            status_name(status)
        )))
    }

    /// True once after each writer restart (a new writer epoch), then False until the next.
    #[pyo3(name = "writer_restarted")]
    fn py_writer_restarted(&self) -> PyResult<bool> {
        Ok(self.inner()?.writer_restarted())
    }

    /// Writer identity: `{"pid", "epoch", "state", "heartbeat_ns"}`.
    #[pyo3(name = "writer_info")]
    fn py_writer_info<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let info = self.inner()?.writer_info();
        let dict = PyDict::new(py);
        dict.set_item("pid", info.pid)?;
        dict.set_item("epoch", info.epoch)?;
        dict.set_item("state", format!("{:?}", info.state).to_lowercase())?;
        dict.set_item("heartbeat_ns", info.heartbeat_ns)?;
        Ok(dict)
    }

    /// The symbol of `market_id`, or None if the writer has not set one.
    #[pyo3(name = "symbol")]
    fn py_symbol(&self, market_id: u32) -> PyResult<Option<String>> {
        Ok(self
            .inner()?
            .symbol(market_id)
            .map_err(BindingError::from)?)
    }

    /// Every market id with a symbol: `{market_id: symbol}`.
    #[pyo3(name = "symbols")]
    fn py_symbols(&self) -> PyResult<std::collections::BTreeMap<u32, String>> {
        let inner = self.inner()?;
        let mut symbols = std::collections::BTreeMap::new();
        for id in 0..u32::try_from(layout::MAX_MARKETS).unwrap_or(u32::MAX) {
            if let Some(symbol) = inner.symbol(id).map_err(BindingError::from)? {
                symbols.insert(id, symbol);
            }
        }
        Ok(symbols)
    }

    /// The market id of `symbol`, or None.
    #[pyo3(name = "market_id")]
    fn py_market_id(&self, symbol: &str) -> PyResult<Option<u32>> {
        Ok(self.inner()?.market_id(symbol))
    }

    /// Feed-health counters by name.
    #[pyo3(name = "health")]
    fn py_health(&self) -> PyResult<std::collections::BTreeMap<&'static str, u64>> {
        let inner = self.inner()?;
        Ok(HealthCounter::ALL
            .into_iter()
            .map(|c| (c.name(), inner.health(c)))
            .collect())
    }

    /// Whether the feed currently holds a valid book for `market_id`.
    #[pyo3(name = "book_valid")]
    fn py_book_valid(&self, market_id: u32) -> PyResult<bool> {
        Ok(self
            .inner()?
            .book_valid(market_id)
            .map_err(BindingError::from)?)
    }

    /// Registered readers: a list of dicts (slot, pid, cursor, lost, epoch_seen, alive).
    #[pyo3(name = "readers")]
    fn py_readers<'py>(&self, py: Python<'py>) -> PyResult<Vec<Bound<'py, PyDict>>> {
        let readers = self.inner()?.readers();
        readers
            .into_iter()
            .map(|r| {
                let d = PyDict::new(py);
                d.set_item("slot", r.slot)?;
                d.set_item("pid", r.pid)?;
                d.set_item("cursor", r.cursor)?;
                d.set_item("heartbeat_ns", r.heartbeat_ns)?;
                d.set_item("lost", r.lost)?;
                d.set_item("epoch_seen", r.epoch_seen)?;
                d.set_item("alive", r.alive)?;
                Ok(d)
            })
            .collect()
    }

    /// This reader's registry slot, or None when opened with `register=False`.
    #[getter]
    #[pyo3(name = "registry_slot")]
    fn py_registry_slot(&self) -> PyResult<Option<usize>> {
        Ok(self.inner()?.registry_slot())
    }

    /// Refreshes this reader's registry heartbeat (polls also do it every 1024 calls).
    #[pyo3(name = "heartbeat")]
    fn py_heartbeat(&self) -> PyResult<()> {
        self.inner()?.heartbeat();
        Ok(())
    }

    fn __repr__(&self) -> PyResult<String> {
        let inner = self.inner()?;
        Ok(format!(
            "RingReader(path={:?}, kind={:?}, capacity={}, cursor={}, published={})",
            inner.path().display().to_string(),
            self.kind.name(),
            inner.capacity(),
            self.state()?.position,
            inner.published()
        ))
    }
}
