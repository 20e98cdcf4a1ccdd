//! Parsing private-channel frames (protocol.md §7.4, §7.5); samples `ws_orders.json`,
//! `ws_fills.json`, `ws_positions.json`, `ws_account.json`.

use serde::Deserialize;

use crate::rest::models::{AccountResp, FillResp, OrderResp, PositionResp};
use crate::state::{Fill, OrderUpdate, Position};

/// What the private stream delivers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamEvent {
    /// (Re)connected, authenticated and subscribed: reconcile now.
    Connected,
    /// An order changed.
    Order(OrderUpdate),
    /// A fill.
    Fill(Fill),
    /// A position changed.
    Position(Position),
    /// Account summary (account value × 10^8, seq_no).
    Account {
        /// Account value × 10^8.
        account_value_e8: Option<i64>,
        /// Sequence number.
        seq_no: u64,
    },
    /// A JSON-RPC reply to one of our requests.
    Reply {
        /// Request id.
        id: u64,
        /// Error code and message, if it failed.
        error: Option<(i64, String)>,
    },
    /// A frame we do not use (other channels, heartbeats).
    Ignored,
}

/// One frame as the stream task sees it.
pub(crate) enum Frame<E> {
    /// A JSON-RPC reply to one of our requests.
    Reply {
        /// Request id.
        id: u64,
        /// Error code and message, if it failed.
        error: Option<(i64, String)>,
    },
    /// Something to deliver.
    Event(E),
    /// Nothing to deliver.
    Ignored,
}

impl super::client::Delivery for StreamEvent {
    fn parse(frame: &mut [u8]) -> Result<Frame<Self>, String> {
        Ok(match parse_frame(frame)? {
            StreamEvent::Reply { id, error } => Frame::Reply { id, error },
            StreamEvent::Connected | StreamEvent::Ignored => Frame::Ignored,
            event => Frame::Event(event),
        })
    }

    fn connected() -> Self {
        Self::Connected
    }

    fn disconnected(_reason: String) -> Option<Self> {
        None
    }
}

/// A JSON-RPC frame whose notification data is a `D`.
#[derive(Deserialize)]
pub(super) struct Envelope<D> {
    #[serde(default)]
    pub(super) method: Option<String>,
    #[serde(default)]
    pub(super) id: Option<u64>,
    #[serde(default = "none")]
    pub(super) params: Option<Notification<D>>,
    #[serde(default)]
    pub(super) error: Option<RpcError>,
}

fn none<T>() -> Option<T> {
    None
}

/// `params` of a subscription notification.
#[derive(Deserialize)]
pub(super) struct Notification<D> {
    pub(super) channel: String,
    pub(super) data: D,
}

/// A JSON-RPC error.
#[derive(Deserialize)]
pub(super) struct RpcError {
    pub(super) code: i64,
    #[serde(default)]
    pub(super) message: String,
}

/// Parses one text frame (simd-json parses in place, hence `&mut`).
///
/// # Errors
/// A frame that is not JSON or whose data does not match its channel's model.
pub fn parse_frame(frame: &mut [u8]) -> Result<StreamEvent, String> {
    let env: Envelope<simd_json::OwnedValue> =
        simd_json::serde::from_slice(frame).map_err(|e| format!("frame: {e}"))?;
    if let Some(id) = env.id {
        return Ok(StreamEvent::Reply {
            id,
            error: env.error.map(|e| (e.code, e.message)),
        });
    }
    let (Some("subscription"), Some(n)) = (env.method.as_deref(), env.params) else {
        return Ok(StreamEvent::Ignored);
    };
    let channel = n.channel.split('.').next().unwrap_or_default();
    let data = n.data;
    let err = |e: simd_json::Error| format!("{} data: {e}", n.channel);
    Ok(match channel {
        "orders" => StreamEvent::Order(
            simd_json::serde::from_owned_value::<OrderResp>(data)
                .map_err(err)?
                .to_update()
                .map_err(|e| e.to_string())?,
        ),
        "fills" => StreamEvent::Fill(
            simd_json::serde::from_owned_value::<FillResp>(data)
                .map_err(err)?
                .to_fill()
                .map_err(|e| e.to_string())?,
        ),
        "positions" => StreamEvent::Position(
            simd_json::serde::from_owned_value::<PositionResp>(data)
                .map_err(err)?
                .to_position(),
        ),
        "account" => {
            let a: AccountResp = simd_json::serde::from_owned_value(data).map_err(err)?;
            StreamEvent::Account {
                account_value_e8: a.account_value,
                seq_no: a.seq_no,
            }
        }
        _ => StreamEvent::Ignored,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(name: &str) -> Vec<u8> {
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/paradex/samples")
            .join(name);
        std::fs::read(path).expect("sample")
    }

    #[test]
    fn tc0_samples_parse() {
        assert!(matches!(
            parse_frame(&mut sample("ws_orders.json")),
            Ok(StreamEvent::Order(_))
        ));
        assert!(matches!(
            parse_frame(&mut sample("ws_fills.json")),
            Ok(StreamEvent::Fill(_))
        ));
        assert!(matches!(
            parse_frame(&mut sample("ws_positions.json")),
            Ok(StreamEvent::Position(_))
        ));
        assert!(matches!(
            parse_frame(&mut sample("ws_account.json")),
            Ok(StreamEvent::Account { .. })
        ));
        assert!(matches!(
            parse_frame(&mut sample("ws_auth_response.json")),
            Ok(StreamEvent::Reply { error: None, .. })
        ));
        assert!(matches!(
            parse_frame(&mut sample("ws_error_invalid_bearer.json")),
            Ok(StreamEvent::Reply { error: Some(_), .. })
        ));
    }

    #[test]
    fn tc1_malformed_frames_are_errors() {
        for bad in [
            &b"not json"[..],
            br#"{"method":"subscription","params":{"channel":"orders.ALL","data":{"id":"x"}}}"#,
        ] {
            assert!(parse_frame(&mut bad.to_vec()).is_err());
        }
        let mut other =
            br#"{"method":"subscription","params":{"channel":"bbo.BTC-USD-PERP","data":{}}}"#
                .to_vec();
        assert_eq!(parse_frame(&mut other), Ok(StreamEvent::Ignored));
    }
}
