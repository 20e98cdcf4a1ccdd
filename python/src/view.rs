//! Zero-copy batches: read-only numpy views whose memory is the ring segment itself.
//!
//! Contract: a batch is valid until the next poll of its reader (a generation check) and only
//! while the writer has not started overwriting its slots (the seqlock stamps). Read the view,
//! then call `still_valid()`; if it returns False, what was read may be torn: discard it. The
//! writer overwrites slots in sequence order, so checking the batch's oldest slot covers all.

use std::ffi::c_void;

use numpy::PyArrayDescrMethods;
use numpy::npyffi::{NPY_ARRAY_ALIGNED, NpyTypes, PY_ARRAY_API, get_type_object, npy_intp};
use pyo3::prelude::*;

use crate::errors::{RingError, StaleViewError};
use crate::reader::RingReader;

/// New records handed out by `RingReader.poll_view()` without copying.
#[pyclass(module = "paradex_core._native", name = "ZeroCopyBatch", frozen)]
#[derive(Debug)]
pub(crate) struct ZeroCopyBatch {
    reader: Py<RingReader>,
    records: Py<PyAny>,
    first_seq: u64,
    len: usize,
    lost: u64,
    generation: u64,
}

impl ZeroCopyBatch {
    pub(crate) fn new(
        reader: &Bound<'_, RingReader>,
        first_seq: u64,
        len: usize,
        lost: u64,
        generation: u64,
    ) -> PyResult<Self> {
        Ok(Self {
            reader: reader.clone().unbind(),
            records: slot_view(reader, first_seq, len)?.unbind(),
            first_seq,
            len,
            lost,
            generation,
        })
    }

    /// The view, without the validity check (for the `LappedError` of the same poll).
    pub(crate) fn records_unchecked(&self, py: Python<'_>) -> Py<PyAny> {
        self.records.clone_ref(py)
    }

    fn why_invalid(&self, py: Python<'_>) -> PyResult<Option<&'static str>> {
        let reader = self.reader.bind(py).get();
        if reader.state()?.generation != self.generation {
            return Ok(Some("the reader has been polled since"));
        }
        if self.len > 0 && !reader.inner()?.is_intact(self.first_seq) {
            return Ok(Some("the writer has overwritten its slots"));
        }
        Ok(None)
    }
}

#[pymethods]
impl ZeroCopyBatch {
    /// The read-only structured array viewing the shared slots. Raises `StaleViewError` once
    /// the reader has been polled again.
    #[getter]
    #[pyo3(name = "records")]
    fn py_records(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        if self.reader.bind(py).get().state()?.generation != self.generation {
            return Err(StaleViewError::new_err(
                "this zero-copy batch expired at the next poll of its reader: copy what you \
                 need (batch.copy()) before polling again",
            ));
        }
        Ok(self.records.clone_ref(py))
    }

    /// Sequence number of the first record.
    #[getter]
    #[pyo3(name = "first_seq")]
    fn py_first_seq(&self) -> u64 {
        self.first_seq
    }

    /// Records lost to lapping just before this batch.
    #[getter]
    #[pyo3(name = "lost")]
    fn py_lost(&self) -> u64 {
        self.lost
    }

    /// True while the view still shows exactly the records it was created for. Call it after
    /// reading: a False means the values read may be torn.
    #[pyo3(name = "still_valid")]
    fn py_still_valid(&self, py: Python<'_>) -> PyResult<bool> {
        Ok(self.why_invalid(py)?.is_none())
    }

    /// A private, validated copy of the records (raises `StaleViewError` if the writer
    /// overwrote them during the copy).
    #[pyo3(name = "copy")]
    fn py_copy<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let copy = self.py_records(py)?.bind(py).call_method0("copy")?;
        if let Some(reason) = self.why_invalid(py)? {
            return Err(StaleViewError::new_err(format!(
                "copy of records {}..{} is not trustworthy: {reason}; poll again",
                self.first_seq,
                self.first_seq + self.len as u64
            )));
        }
        Ok(copy)
    }

    fn __len__(&self) -> usize {
        self.len
    }

    fn __repr__(&self) -> String {
        format!(
            "ZeroCopyBatch(first_seq={}, len={}, lost={})",
            self.first_seq, self.len, self.lost
        )
    }
}

/// The single place that builds a numpy array over the shared mapping.
///
/// Views `len` records starting at the slot of `first_seq`, one slot apart, read-only, with
/// `owner` as the array's base object, so the mapping outlives the view. Bounds are checked
/// against the mapping here; the raw address never leaves this function.
#[allow(unsafe_code)]
fn slot_view<'py>(
    owner: &Bound<'py, RingReader>,
    first_seq: u64,
    len: usize,
) -> PyResult<Bound<'py, PyAny>> {
    let py = owner.py();
    let reader = owner.get();
    let descr = reader.dtype(py);
    let stride = reader.slot_size();
    let (base, data, map_len) = {
        let inner = reader.inner()?;
        let (base, map_len) = inner.mapping();
        (base, inner.record_offset(first_seq), map_len)
    };
    let item = descr.itemsize();
    let end = len
        .checked_sub(1)
        .and_then(|last| last.checked_mul(stride))
        .and_then(|span| span.checked_add(data + item))
        .unwrap_or(data);
    if end > map_len || item > stride || data % 8 != 0 {
        return Err(RingError::new_err(format!(
            "internal: view of {len} records at {data:#x} does not fit the {map_len}-byte mapping"
        )));
    }
    let mut dims = [npy_intp::try_from(len)?];
    let mut strides = [npy_intp::try_from(stride)?];
    let data = base.wrapping_add(data).cast_mut().cast::<c_void>();
    // SAFETY: numpy's C API is initialised by `PY_ARRAY_API` on first use and we hold the GIL.
    let array_type = unsafe { get_type_object(py, NpyTypes::PyArray_Type) };
    // SAFETY: `data..data + (len-1)*stride + itemsize` lies inside the live mapping (checked
    // above) and is 8-byte aligned; flags lack NPY_ARRAY_WRITEABLE, so numpy never writes
    // through it; the descr reference is stolen (we pass a new one); dims/strides outlive the
    // call, which copies them.
    let raw = unsafe {
        PY_ARRAY_API.PyArray_NewFromDescr(
            py,
            array_type,
            descr.into_ptr().cast(),
            1,
            dims.as_mut_ptr(),
            strides.as_mut_ptr(),
            data,
            NPY_ARRAY_ALIGNED,
            std::ptr::null_mut(),
        )
    };
    // SAFETY: `raw` is a new (owned) reference or null with a Python error set, which
    // `from_owned_ptr_or_err` turns into `Err`.
    let array = unsafe { Bound::from_owned_ptr_or_err(py, raw)? };
    // SAFETY: `array` is the ndarray just created and has no base yet; the call steals the new
    // reference to `owner`, whose `inner` reader (and so the mapping) is never replaced or
    // dropped while this reference lives.
    let status = unsafe {
        PY_ARRAY_API.PyArray_SetBaseObject(py, array.as_ptr().cast(), owner.clone().into_ptr())
    };
    if status != 0 {
        return Err(PyErr::fetch(py));
    }
    Ok(array)
}
