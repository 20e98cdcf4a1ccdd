//! Errors of the order state.

/// A local action the state machine refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    /// A client id is already used by another live or past order.
    #[error("client id {0:?} already used")]
    DuplicateClientId(String),
    /// No local order has this client id.
    #[error("unknown client id {0:?}")]
    UnknownClientId(String),
}

/// Result alias of the state module.
pub type StateResult<T> = Result<T, StateError>;
