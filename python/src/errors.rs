//! Every Python exception the package raises, and the mapping from Rust errors to them.
//!
//! `ParadexError` is the base; each domain has a subclass so callers can catch narrowly. Messages
//! say what to do, not only what failed.

use paradex_exec::rest::RestError as RestFailure;
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
    ExchangeError,
    ExecError,
    "The exchange answered with an error. `.status` is the HTTP status, `.code` the Paradex \
     error code (e.g. `ORDER_ID_NOT_FOUND`, may be empty) and `.message` its text."
);
create_exception!(
    paradex_core,
    AuthError,
    ExchangeError,
    "Authentication failed: the account is not onboarded, the key does not belong to it, or the \
     token was refused twice. Check private_key, account and chain_id."
);
create_exception!(
    paradex_core,
    RateLimitedError,
    ExchangeError,
    "HTTP 429 after the allowed retries (each waited for the server's reset hint): slow down."
);
create_exception!(
    paradex_core,
    ExecTimeoutError,
    ExecError,
    "No response in time. The request may or may not have been executed: for an order, query \
     it by client id (or reconcile) before acting again."
);
create_exception!(
    paradex_core,
    ExecTransportError,
    ExecError,
    "The connection failed (refused, reset, TLS verification): nothing was received."
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
    module.add("ExchangeError", py.get_type::<ExchangeError>())?;
    module.add("AuthError", py.get_type::<AuthError>())?;
    module.add("RateLimitedError", py.get_type::<RateLimitedError>())?;
    module.add("ExecTimeoutError", py.get_type::<ExecTimeoutError>())?;
    module.add("ExecTransportError", py.get_type::<ExecTransportError>())?;
    Ok(())
}

/// What a failed call was doing, so the exception can say what to do next.
#[derive(Debug, Clone, Default)]
pub(crate) enum ErrorContext {
    /// Nothing more to say than the error itself.
    #[default]
    None,
    /// Creating, modifying or cancelling the order with this client id.
    Order(String),
}

/// Paradex codes that mean the credentials, not the request, are wrong.
const AUTH_CODES: &[&str] = &[
    "INVALID_TOKEN",
    "NOT_ONBOARDED",
    "INVALID_STARKNET_SIGNATURE",
    "INVALID_STARKNET_ADDRESS",
    "INVALID_SIGNATURE_EXPIRATION",
    "INVALID_TIMESTAMP",
    "PUBLIC_KEY_INVALID",
];

/// The Python exception for a failed REST call.
pub(crate) fn rest_error(py: Python<'_>, err: RestFailure, context: &ErrorContext) -> PyErr {
    let text = err.to_string();
    match err {
        RestFailure::Timeout(_) => ExecTimeoutError::new_err(match context {
            ErrorContext::Order(client_id) => format!(
                "{text}: the order's true state is unknown; query it with \
                 order_by_client_id({client_id:?}) (or reconcile) before sending it again"
            ),
            ErrorContext::None => format!(
                "{text}: if this was an order operation its outcome is unknown; query the order \
                 by client id before acting again"
            ),
        }),
        RestFailure::Transport(_) => ExecTransportError::new_err(format!(
            "{text} (is the exchange URL right and reachable? for TLS, is ca_file the server's CA?)"
        )),
        RestFailure::RateLimited => exchange_error::<RateLimitedError>(
            py,
            format!("{text}: slow down; retries already waited for the server's reset time"),
            429,
            "RATE_LIMIT_EXCEEDED",
            "",
        ),
        RestFailure::Api {
            status,
            ref code,
            ref message,
        } => {
            if status == 429 {
                exchange_error::<RateLimitedError>(py, text.clone(), status, code, message)
            } else if status == 401 || AUTH_CODES.contains(&code.as_str()) {
                let hint = if code == "NOT_ONBOARDED" {
                    "; connect() onboards the account when given ethereum_account"
                } else {
                    "; check private_key, account and chain_id"
                };
                exchange_error::<AuthError>(py, format!("{text}{hint}"), status, code, message)
            } else {
                exchange_error::<ExchangeError>(py, text.clone(), status, code, message)
            }
        }
        RestFailure::Decode { .. } => ExecError::new_err(format!(
            "{text} (the exchange's reply did not have the expected shape)"
        )),
        RestFailure::Sign(e) => BindingError::from(e).into(),
        RestFailure::Invalid(_) => ConfigError::new_err(text),
    }
}

fn exchange_error<E: pyo3::PyTypeInfo>(
    py: Python<'_>,
    text: String,
    status: u16,
    code: &str,
    message: &str,
) -> PyErr {
    let err = PyErr::from_type(py.get_type::<E>(), (text,));
    let value = err.value(py);
    let attrs = [
        value.setattr("status", status),
        value.setattr("code", code),
        value.setattr("message", message),
    ];
    match attrs.into_iter().find_map(Result::err) {
        Some(e) => e,
        None => err,
    }
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
