//! The `paradex_core._native` extension module: zero-copy ring readers, the numpy dtypes of the
//! ring records, and the Paradex signer.
//!
//! `unsafe` appears in exactly one item, the numpy-view constructor in `view.rs`.
#![deny(unsafe_code)]

mod any_reader;
mod dtype;
mod errors;
mod exec_client;
mod exec_orders;
mod exec_runtime;
mod exec_stream;
mod feed;
mod http_client;
mod reader;
mod signer;
mod view;
mod words;

use pyo3::prelude::*;

/// Registers the extension's contents.
#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    errors::register(module)?;
    module.add_class::<reader::RingReader>()?;
    module.add_class::<view::ZeroCopyBatch>()?;
    module.add_class::<signer::Signer>()?;
    module.add_class::<feed::FeedHandler>()?;
    module.add_class::<http_client::HttpClient>()?;
    module.add_class::<exec_client::ExecClient>()?;
    module.add_function(wrap_pyfunction!(dtype::py_record_dtype, module)?)?;
    module.add_function(wrap_pyfunction!(dtype::py_record_fields, module)?)?;
    module.add_function(wrap_pyfunction!(dtype::py_layout_info, module)?)?;
    Ok(())
}
