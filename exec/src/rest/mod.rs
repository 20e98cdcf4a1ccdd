//! REST client for Paradex: signed order operations, queries with cursor pagination, JWT
//! management, timeouts and safe retries (protocol.md §2, §3, §5).

mod auth;
mod client;
mod error;
mod key_file;
mod lenient;
pub mod models;
mod orders;
mod public;
mod queries;
pub(crate) mod transport;

pub use auth::Credentials;
pub use client::{ClientConfig, NewOrder, RestClient};
pub use error::{RestError, RestResult};
pub use orders::{BatchItem, SentOrder};
pub use public::PublicClient;
pub use queries::{encode as encode_component, path_with_query};
