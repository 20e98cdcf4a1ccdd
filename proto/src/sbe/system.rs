//! System templates: heartbeat (40) and the reserved binary subscription ack (41).

use super::error::{DecodeError, EncodeError};
use super::types::template;
use super::wire::{Frame, Writer};

/// `HeartbeatEvent` (template 40): keep-alive on an idle connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeartbeatEvent {
    /// Send time (µs).
    pub ts_us: i64,
    /// Sequence.
    pub seq: i64,
}

impl HeartbeatEvent {
    /// Template id.
    pub const TEMPLATE_ID: u16 = template::HEARTBEAT;
    /// Root block length.
    pub const BLOCK_LENGTH: u16 = 16;

    /// Decodes a frame carrying this template.
    ///
    /// # Errors
    /// [`DecodeError`] for another template, a short block or a truncated frame.
    pub fn decode(frame: &Frame<'_>) -> Result<Self, DecodeError> {
        let body = frame.body_for(Self::TEMPLATE_ID, 0, Self::BLOCK_LENGTH)?;
        Ok(Self {
            ts_us: body.block.i64(0),
            seq: body.block.i64(8),
        })
    }

    /// Appends this event as one frame at schema `version`.
    ///
    /// # Errors
    /// [`EncodeError::UnsupportedVersion`] above [`super::SCHEMA_VERSION`].
    pub fn encode(&self, version: u16, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let mut w = Writer::begin(out, Self::TEMPLATE_ID, 0, Self::BLOCK_LENGTH, version)?;
        w.i64(self.ts_us).i64(self.seq);
        Ok(())
    }
}

/// `SubscribedEvent` (template 41): reserved binary subscription ack (acks are JSON today).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubscribedEvent<'a> {
    /// Send time (µs).
    pub ts_us: i64,
    /// Sequence.
    pub seq: i64,
    /// 0 = ok, 1 = error.
    pub status: u8,
    /// Channel name.
    pub channel: &'a str,
}

impl<'a> SubscribedEvent<'a> {
    /// Template id.
    pub const TEMPLATE_ID: u16 = template::SUBSCRIBED;
    /// Root block length.
    pub const BLOCK_LENGTH: u16 = 17;

    /// Decodes a frame carrying this template.
    ///
    /// # Errors
    /// [`DecodeError`] for another template, a short block, a truncated frame or bad UTF-8.
    pub fn decode(frame: &Frame<'a>) -> Result<Self, DecodeError> {
        let mut body = frame.body_for(Self::TEMPLATE_ID, 0, Self::BLOCK_LENGTH)?;
        let b = body.block;
        Ok(Self {
            ts_us: b.i64(0),
            seq: b.i64(8),
            status: b.u8(16),
            channel: body.string()?,
        })
    }

    /// Appends this event as one frame at schema `version`.
    ///
    /// # Errors
    /// [`EncodeError`] for an unsupported version or a string over 255 bytes.
    pub fn encode(&self, version: u16, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let mut w = Writer::begin(out, Self::TEMPLATE_ID, 0, Self::BLOCK_LENGTH, version)?;
        w.i64(self.ts_us).i64(self.seq).u8(self.status);
        w.string(self.channel)?;
        Ok(())
    }
}
