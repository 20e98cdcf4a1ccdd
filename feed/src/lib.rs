//! The pinned-thread Paradex WebSocket feed handler.
#![forbid(unsafe_code)]
