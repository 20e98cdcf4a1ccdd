//! numpy dtypes generated from the Rust record layouts, so Python never keeps a hand-written copy.

use numpy::PyArrayDescr;
use paradex_ring::{RecordKind, layout};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::errors::{BindingError, BindingResult};

/// The structured dtype of `kind`: field names, numpy formats and byte offsets from
/// [`RecordKind::fields`], itemsize from the Rust `size_of`.
pub(crate) fn record_dtype<'py>(
    py: Python<'py>,
    kind: RecordKind,
) -> PyResult<Bound<'py, PyArrayDescr>> {
    let fields = kind.fields();
    let spec = PyDict::new(py);
    spec.set_item("names", PyList::new(py, fields.iter().map(|f| f.name))?)?;
    spec.set_item(
        "formats",
        PyList::new(py, fields.iter().map(|f| f.ty.numpy()))?,
    )?;
    spec.set_item("offsets", PyList::new(py, fields.iter().map(|f| f.offset))?)?;
    spec.set_item("itemsize", kind.size())?;
    PyArrayDescr::new(py, &spec)
}

/// Parses a kind name (`"bbo"`, `"trade"`, `"book_level"`, `"mark_funding"`).
pub(crate) fn parse_kind(name: &str) -> BindingResult<RecordKind> {
    RecordKind::from_name(name).ok_or_else(|| {
        BindingError::Config(format!(
            "unknown record kind {name:?}: expected one of {}",
            kind_names().join(", ")
        ))
    })
}

fn kind_names() -> Vec<&'static str> {
    RecordKind::ALL.iter().map(|k| k.name()).collect()
}

/// `record_dtype(kind)`: the numpy dtype of one record kind.
///
/// # Errors
/// `ConfigError` for an unknown kind.
#[pyfunction]
#[pyo3(name = "record_dtype")]
pub(crate) fn py_record_dtype<'py>(
    py: Python<'py>,
    kind: &str,
) -> PyResult<Bound<'py, PyArrayDescr>> {
    record_dtype(py, parse_kind(kind)?)
}

/// `record_fields(kind)`: `[(name, offset, numpy_type, rust_type), ...]` straight from Rust.
///
/// # Errors
/// `ConfigError` for an unknown kind.
#[pyfunction]
#[pyo3(name = "record_fields")]
pub(crate) fn py_record_fields(
    kind: &str,
) -> PyResult<Vec<(&'static str, usize, &'static str, &'static str)>> {
    let kind = parse_kind(kind)?;
    Ok(kind
        .fields()
        .iter()
        .map(|f| (f.name, f.offset, f.ty.numpy(), f.ty.rust()))
        .collect())
}

/// `layout_info()`: the constants of the segment layout (version, offsets, sizes, kind ids and
/// layout hashes), for the pure-numpy reader's self-check and for tools.
///
/// # Errors
/// Only if Python cannot build the dict.
#[pyfunction]
#[pyo3(name = "layout_info")]
pub(crate) fn py_layout_info(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let info = PyDict::new(py);
    info.set_item("magic", layout::MAGIC)?;
    info.set_item("layout_version", layout::LAYOUT_VERSION)?;
    info.set_item("data_offset", layout::offset::DATA)?;
    info.set_item("tail_offset", layout::offset::TAIL)?;
    info.set_item("heartbeat_offset", layout::offset::HEARTBEAT)?;
    info.set_item("health_offset", layout::offset::HEALTH)?;
    info.set_item("symbols_offset", layout::offset::SYMBOLS)?;
    info.set_item("writer_pid_offset", layout::offset::WRITER_PID)?;
    info.set_item("writer_epoch_offset", layout::offset::WRITER_EPOCH)?;
    info.set_item("writer_state_offset", layout::offset::WRITER_STATE)?;
    info.set_item("symbol_entry_size", layout::SYMBOL_ENTRY_SIZE)?;
    info.set_item("max_markets", layout::MAX_MARKETS)?;
    let kinds = PyDict::new(py);
    for kind in RecordKind::ALL {
        let entry = PyDict::new(py);
        entry.set_item("id", kind.id())?;
        entry.set_item("size", kind.size())?;
        entry.set_item("slot_size", layout::slot_size(kind.size()))?;
        entry.set_item("layout_hash", kind.layout_hash())?;
        kinds.set_item(kind.name(), entry)?;
    }
    info.set_item("kinds", kinds)?;
    Ok(info)
}
