//! STARK signature verification of onboarding, auth and order requests; JWT issue and check.
//!
//! The message hashes come from `paradex_proto::typed_data` (the same code the client signs
//! with); this module adds the header and time-window rules and the JWTs.

mod address;
mod error;
mod jwt;
mod service;

pub use address::derive_account_address;
pub use error::{AuthError, AuthResult};
pub use jwt::TOKEN_TTL_SECS;
pub use service::{AuthService, unix_now_ms, unix_now_secs};
