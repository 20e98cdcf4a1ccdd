//! The bridge between Python and the async Rust clients: one shared tokio runtime, blocking
//! calls that release the GIL, asyncio futures completed from the runtime, and exchange JSON
//! turned into plain Python objects.

use std::future::Future;
use std::sync::OnceLock;

use paradex_exec::rest::RestError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict};
use serde_json::value::RawValue;

use crate::errors::{BindingError, ErrorContext, rest_error};

/// Worker threads of the shared runtime: I/O-bound work only, and the machine is shared.
const WORKER_THREADS: usize = 2;

/// The module-wide runtime, created on first use.
pub(crate) fn runtime() -> PyResult<&'static tokio::runtime::Runtime> {
    static RUNTIME: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(WORKER_THREADS)
                .thread_name("paradex-io")
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| BindingError::Config(format!("cannot start the I/O runtime: {e}")).into())
}

/// Runs `work` on the runtime and waits for it with the GIL released.
pub(crate) fn block_on<T, F>(py: Python<'_>, work: F, context: &ErrorContext) -> PyResult<T>
where
    F: Future<Output = Result<T, RestError>> + Send + 'static,
    T: Send + 'static,
{
    let rt = runtime()?;
    let outcome = py.detach(move || {
        if tokio::runtime::Handle::try_current().is_err() {
            return rt.block_on(work);
        }
        // Called from some other tokio runtime's thread (e.g. a host application's): blocking
        // there is the caller's choice, but `block_on` would panic, so hop through a channel.
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        rt.spawn(async move {
            let _ = tx.send(work.await);
        });
        rx.recv()
            .unwrap_or_else(|_| Err(RestError::Transport("the I/O runtime stopped".into())))
    });
    outcome.map_err(|e| rest_error(py, e, context))
}

/// Converts a successful result into a Python object (with the GIL held).
pub(crate) type Convert<T> = fn(Python<'_>, T) -> PyResult<Py<PyAny>>;

/// Runs `work` on the runtime and returns an `asyncio.Future` of the calling thread's running
/// loop, completed from the runtime through `loop.call_soon_threadsafe`. A future cancelled
/// meanwhile is left alone; a closed loop drops the result.
pub(crate) fn spawn_future<'py, T, F>(
    py: Python<'py>,
    work: F,
    context: ErrorContext,
    convert: Convert<T>,
) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = Result<T, RestError>> + Send + 'static,
    T: Send + 'static,
{
    let rt = runtime()?;
    let event_loop = py.import("asyncio")?.call_method0("get_running_loop")?;
    let future = event_loop.call_method0("create_future")?;
    let event_loop = event_loop.unbind();
    let target = future.clone().unbind();
    rt.spawn(async move {
        let result = work.await;
        // Waiting for the GIL happens on a blocking-pool thread, never on an I/O worker: a
        // busy interpreter must not stall other requests or the streams.
        let complete = move || {
            Python::attach(|py| {
                let (ok, value) = match result
                    .map_err(|e| rest_error(py, e, &context))
                    .and_then(|v| convert(py, v))
                {
                    Ok(v) => (true, v),
                    Err(e) => (false, e.into_value(py).into_any()),
                };
                let delivered = complete_fn(py).and_then(|complete| {
                    event_loop.call_method1(
                        py,
                        "call_soon_threadsafe",
                        (complete, target, ok, value),
                    )
                });
                // A closed loop (RuntimeError) has nobody left to tell; anything else is
                // reported the way Python reports errors it cannot raise.
                if let Err(e) = delivered
                    && !e.is_instance_of::<pyo3::exceptions::PyRuntimeError>(py)
                {
                    e.write_unraisable(py, None);
                }
            });
        };
        let _ = tokio::task::spawn_blocking(complete).await;
    });
    Ok(future)
}

#[pyfunction]
fn complete_future(future: &Bound<'_, PyAny>, ok: bool, value: &Bound<'_, PyAny>) -> PyResult<()> {
    if future.call_method0("done")?.is_truthy()? {
        return Ok(());
    }
    let method = if ok { "set_result" } else { "set_exception" };
    future.call_method1(method, (value,)).map(drop)
}

fn complete_fn(py: Python<'_>) -> PyResult<Py<PyAny>> {
    static COMPLETE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    COMPLETE
        .get_or_try_init(py, || {
            wrap_pyfunction!(complete_future, py).map(|f| f.into_any().unbind())
        })
        .map(|f| f.clone_ref(py))
}

/// Parses exchange JSON into dicts/lists/str/int/bool/None, keeping every non-integer number
/// as its exact text (`json.loads(..., parse_float=str)`): prices are never floats.
pub(crate) fn json_to_py<'py>(py: Python<'py>, json: &[u8]) -> PyResult<Bound<'py, PyAny>> {
    static LOADS: PyOnceLock<(Py<PyAny>, Py<PyDict>)> = PyOnceLock::new();
    let (loads, kwargs) = LOADS.get_or_try_init(py, || {
        let loads = py.import("json")?.getattr("loads")?.unbind();
        let kwargs = PyDict::new(py);
        kwargs.set_item("parse_float", py.get_type::<pyo3::types::PyString>())?;
        Ok::<_, PyErr>((loads, kwargs.unbind()))
    })?;
    loads
        .bind(py)
        .call((PyBytes::new(py, json),), Some(kwargs.bind(py)))
}

/// [`Convert`] for a JSON body.
pub(crate) fn body_to_py(py: Python<'_>, body: bytes::Bytes) -> PyResult<Py<PyAny>> {
    json_to_py(py, &body).map(Bound::unbind)
}

/// [`Convert`] for rows gathered from several pages: one JSON array, parsed once.
pub(crate) fn rows_to_py(py: Python<'_>, rows: Vec<Box<RawValue>>) -> PyResult<Py<PyAny>> {
    json_to_py(py, join_rows(&rows).as_bytes()).map(Bound::unbind)
}

/// `[row,row,…]` from raw JSON rows.
pub(crate) fn join_rows(rows: &[Box<RawValue>]) -> String {
    let mut out = String::with_capacity(2 + rows.iter().map(|r| r.get().len() + 1).sum::<usize>());
    out.push('[');
    for (n, row) in rows.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(row.get());
    }
    out.push(']');
    out
}

/// [`Convert`] for calls without a result.
pub(crate) fn none_to_py(py: Python<'_>, (): ()) -> PyResult<Py<PyAny>> {
    Ok(py.None())
}
