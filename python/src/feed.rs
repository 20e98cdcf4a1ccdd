//! `paradex_core.FeedHandler`: start and stop the Rust feed handler thread from Python.
//!
//! The handler runs on its own (optionally pinned) Rust thread and writes the rings; Python
//! reads them with `RingReader`. This object only starts it, reports its counters and stops it.

use std::sync::{Mutex, PoisonError};

use paradex_feed::{FeedConfig, FeedError, FeedHandle, FeedStats};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::{ConfigError, ParadexError, RingError};

fn to_py_err(err: FeedError) -> PyErr {
    let message = err.to_string();
    match err {
        FeedError::Config(_) | FeedError::ConfigIo { .. } => ConfigError::new_err(message),
        FeedError::Ring(_) | FeedError::Market(_) => RingError::new_err(format!(
            "{message} (another feed handler may be writing the same rings: change feed_name)"
        )),
        _ => ParadexError::new_err(message),
    }
}

/// A running feed handler (see `docs/python.md`).
#[pyclass(module = "paradex_core._native", name = "FeedHandler", frozen)]
#[derive(Debug)]
pub(crate) struct FeedHandler {
    handle: Mutex<Option<FeedHandle>>,
    feed_name: String,
    rings_dir: String,
}

fn stats_dict<'py>(py: Python<'py>, stats: &FeedStats) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("state", format!("{:?}", stats.state).to_lowercase())?;
    d.set_item("connects", stats.connects)?;
    d.set_item("reconnects", stats.reconnects)?;
    d.set_item("stalls", stats.stalls)?;
    d.set_item("frames", stats.frames)?;
    d.set_item("published", stats.published)?;
    d.set_item("stale", stats.stale)?;
    d.set_item("unknown", stats.unknown)?;
    d.set_item("malformed", stats.malformed)?;
    d.set_item("oversized", stats.oversized)?;
    d.set_item("resnapshots", stats.resnapshots)?;
    Ok(d)
}

#[pymethods]
impl FeedHandler {
    /// Starts a feed handler from a TOML config (the same text as the `paradex-feed` binary's
    /// config file). The GIL is released while it starts.
    #[new]
    fn py_new(py: Python<'_>, config_toml: &str) -> PyResult<Self> {
        let config = FeedConfig::from_toml(config_toml).map_err(to_py_err)?;
        let feed_name = config.feed_name.clone();
        let rings_dir = config.rings_dir.display().to_string();
        let handle = py.detach(|| FeedHandle::spawn(config)).map_err(to_py_err)?;
        Ok(Self {
            handle: Mutex::new(Some(handle)),
            feed_name,
            rings_dir,
        })
    }

    /// The feed name: rings are `<rings_dir>/paradex.<feed_name>.<kind>`.
    #[getter]
    #[pyo3(name = "feed_name")]
    fn py_feed_name(&self) -> &str {
        &self.feed_name
    }

    /// Directory of the rings.
    #[getter]
    #[pyo3(name = "rings_dir")]
    fn py_rings_dir(&self) -> &str {
        &self.rings_dir
    }

    /// The feed thread's counters, or None once stopped or if it does not answer within 1 s.
    #[pyo3(name = "stats")]
    fn py_stats<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let guard = self.handle.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(handle) = guard.as_ref() else {
            return Ok(None);
        };
        match py.detach(|| handle.stats()) {
            Some(stats) => Ok(Some(stats_dict(py, &stats)?)),
            None => Ok(None),
        }
    }

    /// Whether the handler is running (not yet stopped).
    #[getter]
    #[pyo3(name = "running")]
    fn py_running(&self) -> bool {
        self.handle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_some()
    }

    /// Stops the feed thread and waits for it (GIL released). Idempotent.
    #[pyo3(name = "stop")]
    fn py_stop(&self, py: Python<'_>) -> PyResult<()> {
        let handle = self
            .handle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        match handle {
            Some(handle) => py.detach(|| handle.shutdown()).map_err(to_py_err),
            None => Ok(()),
        }
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __exit__(
        &self,
        py: Python<'_>,
        _exc_type: Option<Bound<'_, PyAny>>,
        _exc: Option<Bound<'_, PyAny>>,
        _tb: Option<Bound<'_, PyAny>>,
    ) -> PyResult<()> {
        self.py_stop(py)
    }
}
