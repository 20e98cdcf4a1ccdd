//! Private-stream events with the exchange's JSON untouched, for bindings (Python) that hand
//! every field to the caller.

use serde_json::value::RawValue;

use super::client::Delivery;
use super::messages::{Envelope, Frame};

/// What a raw private stream delivers.
#[derive(Debug, Clone)]
pub enum RawStreamEvent {
    /// (Re)connected, authenticated and subscribed: reconcile now.
    Connected,
    /// The session ended (a reconnect follows by itself).
    Disconnected {
        /// Why, in words.
        reason: String,
    },
    /// A notification: its channel (e.g. `orders.ALL`) and `data` JSON as sent.
    Data {
        /// The full channel name.
        channel: String,
        /// The `data` object as sent.
        data: Box<RawValue>,
    },
}

impl RawStreamEvent {
    /// The kind of a `Data` event's channel: `order`, `fill`, `position`, `account`,
    /// `balance`, or the channel's first segment for anything else.
    pub fn kind(channel: &str) -> &str {
        match channel.split('.').next().unwrap_or_default() {
            "orders" => "order",
            "fills" => "fill",
            "positions" => "position",
            "account" => "account",
            "balance_events" => "balance",
            other => other,
        }
    }
}

impl Delivery for RawStreamEvent {
    fn parse(frame: &mut [u8]) -> Result<Frame<Self>, String> {
        let env: Envelope<Box<RawValue>> =
            serde_json::from_slice(frame).map_err(|e| format!("frame: {e}"))?;
        if let Some(id) = env.id {
            return Ok(Frame::Reply {
                id,
                error: env.error.map(|e| (e.code, e.message)),
            });
        }
        Ok(match (env.method.as_deref(), env.params) {
            (Some("subscription"), Some(n)) => Frame::Event(Self::Data {
                channel: n.channel,
                data: n.data,
            }),
            _ => Frame::Ignored,
        })
    }

    fn connected() -> Self {
        Self::Connected
    }

    fn disconnected(reason: String) -> Option<Self> {
        Some(Self::Disconnected { reason })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_is_kept_as_sent() {
        let mut frame = br#"{"jsonrpc":"2.0","method":"subscription","params":{"channel":"orders.ALL","data":{"id":"1","price":"2950.10","x":1.50}}}"#.to_vec();
        let Ok(Frame::Event(RawStreamEvent::Data { channel, data })) =
            RawStreamEvent::parse(&mut frame)
        else {
            panic!("not a data event");
        };
        assert_eq!(RawStreamEvent::kind(&channel), "order");
        assert_eq!(data.get(), r#"{"id":"1","price":"2950.10","x":1.50}"#);
        let mut reply =
            br#"{"jsonrpc":"2.0","id":3,"error":{"code":-32600,"message":"bad"}}"#.to_vec();
        assert!(matches!(
            RawStreamEvent::parse(&mut reply),
            Ok(Frame::Reply {
                id: 3,
                error: Some(_)
            })
        ));
        assert!(RawStreamEvent::parse(&mut b"nope".to_vec()).is_err());
    }
}
