//! The private stream as Python callbacks: a Rust thread (outside the runtime, so callbacks
//! may call blocking client methods) takes events from the stream task and calls
//! `on_event(kind, payload)` with the GIL.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{JoinHandle, ThreadId};

use paradex_exec::rest::RestClient;
use paradex_exec::stream::{PrivateStream, RawStreamEvent, StreamConfig};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use tokio::task::AbortHandle;

use crate::exec_runtime::{json_to_py, runtime};

/// Channels the Python stream subscribes to.
pub(crate) const CHANNELS: &[&str] = &[
    "orders.ALL",
    "fills.ALL",
    "positions",
    "account",
    "balance_events",
];

/// A running stream and its delivery thread.
pub(crate) struct StreamWorker {
    abort: AbortHandle,
    stopped: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    thread_id: ThreadId,
}

impl StreamWorker {
    /// Starts the stream task and the thread calling `on_event`.
    pub(crate) fn start(
        rest: RestClient,
        config: StreamConfig,
        on_event: Py<PyAny>,
    ) -> PyResult<Self> {
        let rt = runtime()?;
        let mut stream = {
            let _context = rt.enter();
            PrivateStream::spawn_raw(config, rest)
        };
        let abort = stream.abort_handle();
        let stopped = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stopped);
        let thread = std::thread::Builder::new()
            .name("paradex-stream".into())
            .spawn(move || {
                while let Some(event) = stream.blocking_next() {
                    if flag.load(Ordering::Acquire) {
                        break;
                    }
                    Python::attach(|py| {
                        if !flag.load(Ordering::Acquire) {
                            deliver(py, &on_event, event);
                        }
                    });
                }
            })
            .map_err(|e| {
                crate::errors::ExecError::new_err(format!("cannot start the stream thread: {e}"))
            })?;
        let thread_id = thread.thread().id();
        Ok(Self {
            abort,
            stopped,
            thread: Some(thread),
            thread_id,
        })
    }

    /// Stops delivering at once, stops the task, and waits for the thread unless called from
    /// it (from inside a callback). No callback runs after this returns.
    pub(crate) fn stop(mut self, py: Python<'_>) {
        self.signal();
        if std::thread::current().id() == self.thread_id {
            return;
        }
        if let Some(thread) = self.thread.take() {
            py.detach(move || {
                let _ = thread.join();
            });
        }
    }

    fn signal(&self) {
        self.stopped.store(true, Ordering::Release);
        self.abort.abort();
    }
}

impl Drop for StreamWorker {
    /// Without the GIL to release, only signal: the thread ends by itself once the task stops.
    fn drop(&mut self) {
        self.signal();
    }
}

fn deliver(py: Python<'_>, on_event: &Py<PyAny>, event: RawStreamEvent) {
    let (kind, payload) = match event {
        RawStreamEvent::Connected => ("connected".to_owned(), Ok(PyDict::new(py).into_any())),
        RawStreamEvent::Disconnected { reason } => {
            let payload = PyDict::new(py);
            (
                "disconnected".to_owned(),
                payload
                    .set_item("reason", reason)
                    .map(|()| payload.into_any()),
            )
        }
        RawStreamEvent::Data { channel, data } => (
            RawStreamEvent::kind(&channel).to_owned(),
            json_to_py(py, data.get().as_bytes()),
        ),
    };
    let outcome = payload.and_then(|payload| on_event.call1(py, (kind.as_str(), payload)));
    if let Err(err) = outcome {
        // A failing callback must not end the stream: log it with its traceback.
        let logged = py
            .import("logging")
            .and_then(|logging| logging.call_method1("getLogger", ("paradex_core.exec",)))
            .and_then(|logger| {
                let kwargs = PyDict::new(py);
                kwargs.set_item("exc_info", err.value(py))?;
                logger.call_method(
                    "error",
                    ("private stream callback failed on a %r event", kind),
                    Some(&kwargs),
                )
            });
        if let Err(e) = logged {
            e.write_unraisable(py, None);
        }
    }
}
