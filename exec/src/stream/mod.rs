//! Private WebSocket streams (`orders.ALL`, `fills.ALL`, `positions`, `account`): JSON-RPC auth
//! with the REST client's JWT, subscription, automatic reconnect with backoff, re-auth and
//! resubscribe. Frames are parsed with simd-json into the state's types.
//!
//! After every (re)connect the stream emits [`StreamEvent::Connected`]: run the reconciler then,
//! since events sent while disconnected are lost.

mod client;
mod messages;
mod raw;

pub use client::{PrivateStream, RawPrivateStream, StreamConfig};
pub use messages::{StreamEvent, parse_frame};
pub use raw::RawStreamEvent;
