//! System templates: heartbeat (40) and the reserved binary subscription ack (41).

use super::fields::{Byte, I64, Str, sbe_template};
use super::types::template;

sbe_template! {
    /// `HeartbeatEvent` (template 40): keep-alive on an idle connection.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct HeartbeatEvent {
        template_id: template::HEARTBEAT,
        since_version: 0,
        block_length: 16,
        decode;
        root {
            /// Send time (µs).
            ts_us @ 0: i64 = I64,
            /// Sequence.
            seq @ 8: i64 = I64,
        }
        var {}
    }
}

sbe_template! {
    /// `SubscribedEvent` (template 41): reserved binary subscription ack (acks are JSON today).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct SubscribedEvent<'a> {
        template_id: template::SUBSCRIBED,
        since_version: 0,
        block_length: 17,
        decode;
        root {
            /// Send time (µs).
            ts_us @ 0: i64 = I64,
            /// Sequence.
            seq @ 8: i64 = I64,
            /// 0 = ok, 1 = error.
            status @ 16: u8 = Byte<u8>,
        }
        var {
            /// Channel name.
            channel: &'a str = Str,
        }
    }
}
