//! The `paradex_core._native` extension module.
#![deny(unsafe_code)]

use pyo3::prelude::*;

/// Registers the extension's contents.
#[pymodule]
fn _native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
