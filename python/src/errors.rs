//! Every Python exception the package raises, and the mapping from Rust errors to them.
//!
//! `ParadexError` is the base; each domain has a subclass so callers can catch narrowly. Messages
//! say what to do, not only what failed.

use paradex_exec::sign::SignError as SignFailure;
use paradex_proto::typed_data::TypedDataError;
use paradex_ring::{MarketError, RingError as RingFailure};
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::{PyErr, create_exception};

create_exception!(
    paradex_core,
    ParadexError,
    PyException,
    "Base class of every error raised by paradex_core."
);
create_exception!(
    paradex_core,
    RingError,
    ParadexError,
    "A ring segment could not be opened or read (missing, corrupt, wrong kind)."
);
create_exception!(
    paradex_core,
    LappedError,
    RingError,
    "The writer overwrote records before this reader read them. `lost` is the exact count; \
     `records` holds what the call did read; the reader has already moved on."
);
create_exception!(
    paradex_core,
    WriterDeadError,
    RingError,
    "The ring's writer crashed, exited, hung, or its segment was replaced."
);
create_exception!(
    paradex_core,
    StaleViewError,
    RingError,
    "A zero-copy batch was used after the next poll, or its slots were overwritten."
);
create_exception!(
    paradex_core,
    SignError,
    ParadexError,
    "A key or an order could not be signed. Messages never contain key material."
);
create_exception!(
    paradex_core,
    ExecError,
    ParadexError,
    "The execution path (REST client, order handling) failed."
);
create_exception!(
    paradex_core,
    ConfigError,
    ParadexError,
    "An argument or configuration value is invalid."
);

/// Adds every exception class to the module (they also appear in `paradex_core.errors`).
pub(crate) fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    module.add("ParadexError", py.get_type::<ParadexError>())?;
    module.add("RingError", py.get_type::<RingError>())?;
    module.add("LappedError", py.get_type::<LappedError>())?;
    module.add("WriterDeadError", py.get_type::<WriterDeadError>())?;
    module.add("StaleViewError", py.get_type::<StaleViewError>())?;
    module.add("SignError", py.get_type::<SignError>())?;
    module.add("ExecError", py.get_type::<ExecError>())?;
    module.add("ConfigError", py.get_type::<ConfigError>())?;
    Ok(())
}

/// Errors raised by this crate's own Rust code, before they become Python exceptions.
#[derive(Debug, thiserror::Error)]
pub(crate) enum BindingError {
    /// Opening or validating a segment failed.
    #[error("{0}{hint}", hint = ring_hint(.0))]
    Ring(#[from] RingFailure),
    /// A symbol-table access failed.
    #[error("symbol table: {0}")]
    Market(#[from] MarketError),
    /// Signing failed.
    #[error("{0}")]
    Sign(#[from] SignFailure),
    /// A message could not be encoded for signing.
    #[error("{0}; markets and order types are ASCII of at most 31 bytes, amounts are decimals")]
    Message(#[from] TypedDataError),
    /// A bad argument.
    #[error("{0}")]
    Config(String),
}

fn ring_hint(err: &RingFailure) -> &'static str {
    match err {
        RingFailure::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            " (is the writer running? segments live in /dev/shm unless a directory is given)"
        }
        RingFailure::LayoutMismatch { .. } => " (open it with the kind it holds, or kind=None)",
        RingFailure::VersionMismatch { .. } => {
            " (the writer and this package were built from different versions: upgrade one)"
        }
        RingFailure::BadMagic { found: 0, .. } => " (the writer may still be creating it: retry)",
        RingFailure::RegistryFull { .. } => " (pass register=False to read without a slot)",
        _ => "",
    }
}

impl From<BindingError> for PyErr {
    fn from(err: BindingError) -> Self {
        let message = err.to_string();
        match err {
            BindingError::Ring(_) | BindingError::Market(_) => RingError::new_err(message),
            BindingError::Sign(SignFailure::Message(_)) | BindingError::Message(_) => {
                ConfigError::new_err(message)
            }
            BindingError::Sign(_) => SignError::new_err(message),
            BindingError::Config(_) => ConfigError::new_err(message),
        }
    }
}

/// Shorthand for fallible binding code.
pub(crate) type BindingResult<T> = Result<T, BindingError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ring_not_found_says_what_to_do() {
        let err = BindingError::from(RingFailure::Io {
            path: "/dev/shm/x".into(),
            op: "open",
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        });
        assert!(err.to_string().contains("is the writer running"), "{err}");
    }

    #[test]
    fn sign_errors_never_echo_input() {
        let err = BindingError::from(SignFailure::InvalidPrivateKey);
        assert!(!err.to_string().contains("0x"));
    }
}
