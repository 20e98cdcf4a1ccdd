//! JSON text frames: JSON-RPC acks and errors, and the JSON form of the public channels (for
//! servers that still serve it, and the `json_only` mode).
//!
//! Parsed with simd-json into a tape (a flat list of nodes whose strings point into the frame
//! buffer) with the parser's buffers and the tape kept from frame to frame, so once they have
//! grown to the largest frame seen, a message costs no allocation. Fields are looked up on the
//! tape directly; nothing builds a DOM of maps and vectors.
//!
//! Sample payloads: `bbo.{m}` `{"market","bid","bid_size","ask","ask_size","last_updated_at"
//! (ms),"seq_no"}`; `order_book.{m}.deltas` `{"seq_no","market","last_updated_at","update_type":
//! "s"|"d","inserts"|"updates"|"deletes":[{"side","price","size"}]}` (Paradex WebSocket docs,
//! <https://docs.paradex.trade/ws/web-socket-channels>).

use paradex_proto::decimal::{SCALE, parse_opt_e8, parse_scaled_truncating};
use paradex_ring::{
    Bbo, HealthCounter, MarkFunding, NULL_PRICE, SIDE_BUY, SIDE_NONE, SIDE_SELL, Trade,
};
use simd_json::prelude::*;
use simd_json::tape::Value;
use simd_json::{Buffers, Tape};

use crate::publish::{BookKind, Outcome, Publisher, funding_record};

/// Converts ms to ns, saturating (JSON timestamps are ms; rings store ns).
const fn ms_to_ns(ms: i64) -> i64 {
    ms.saturating_mul(1_000_000)
}

/// The parser's scratch space, reused for every frame.
pub(crate) struct JsonScratch {
    buffers: Buffers,
    /// Empty between frames (`'static` only because it borrows nothing then).
    tape: Option<Tape<'static>>,
}

impl JsonScratch {
    /// Scratch sized for frames of about `frame_bytes`; it grows if a frame is larger.
    pub(crate) fn new(frame_bytes: usize) -> Self {
        Self {
            buffers: Buffers::new(frame_bytes),
            tape: Some(Tape(Vec::with_capacity(frame_bytes / 4))),
        }
    }
}

impl std::fmt::Debug for JsonScratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonScratch").finish_non_exhaustive()
    }
}

/// A payload field that is missing, of the wrong type, or not a valid decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct BadField;

type Parsed<T> = Result<T, BadField>;

fn text<'i>(data: &Value<'_, 'i>, key: &str) -> Parsed<&'i str> {
    data.get(key)
        .and_then(ValueIntoString::into_string)
        .ok_or(BadField)
}

/// An integer that may arrive as a number or as a decimal string (Paradex does both).
fn int(data: &Value<'_, '_>, key: &str) -> Parsed<i64> {
    let value = data.get(key).ok_or(BadField)?;
    value
        .as_i64()
        .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
        .ok_or(BadField)
}

/// A decimal string at exponent -8; `""` or a missing key is absent.
fn decimal(data: &Value<'_, '_>, key: &str) -> Parsed<Option<i64>> {
    match data.get(key) {
        None => Ok(None),
        Some(v) if v.is_null() => Ok(None),
        Some(v) => parse_opt_e8(v.as_str().ok_or(BadField)?).map_err(|_| BadField),
    }
}

fn required_decimal(data: &Value<'_, '_>, key: &str) -> Parsed<i64> {
    decimal(data, key)?.ok_or(BadField)
}

/// Funding rates carry more digits than the ring's exponent -8; they are truncated towards
/// zero exactly as the SBE feed's Rate8 `fundingRate` is, so both transports agree.
fn funding_rate(data: &Value<'_, '_>) -> Parsed<i64> {
    match data
        .get("funding_rate")
        .and_then(ValueIntoString::into_string)
    {
        None | Some("") => Ok(NULL_PRICE),
        Some(s) => parse_scaled_truncating(s, SCALE).map_err(|_| BadField),
    }
}

fn side(value: &str) -> u16 {
    match value {
        "BUY" => SIDE_BUY,
        "SELL" => SIDE_SELL,
        _ => SIDE_NONE,
    }
}

/// Paradex trade types in the SBE `FillType` numbering (0 when unknown).
fn trade_type(value: &str) -> u16 {
    match value {
        "FILL" => 1,
        "LIQUIDATION" => 2,
        "UNWIND_TRANSFER" => 3,
        "SETTLE_MARKET" => 4,
        "RPI" => 5,
        "BLOCK_TRADE" => 6,
        _ => 0,
    }
}

impl Publisher {
    /// Handles one text frame, parsed in place (the buffer is scratch afterwards).
    /// `recv_ns` is the frame's receive time.
    pub fn on_json(&mut self, bytes: &mut [u8], recv_ns: i64) -> Outcome {
        let mut tape = self.json.tape.take().unwrap_or_else(Tape::null).reset();
        let outcome = if simd_json::fill_tape(bytes, &mut self.json.buffers, &mut tape).is_ok() {
            self.on_json_value(tape.as_value(), recv_ns)
        } else {
            self.json_error()
        };
        self.json.tape = Some(tape.reset());
        outcome
    }

    fn on_json_value(&mut self, value: Value<'_, '_>, recv_ns: i64) -> Outcome {
        if let Some(error) = value.get("error") {
            tracing::warn!(
                code = error.get("code").and_then(|c| c.as_i64()),
                message = error.get("message").and_then(ValueIntoString::into_string),
                data = error.get("data").and_then(ValueIntoString::into_string),
                id = value.get("id").and_then(|i| i.as_i64()),
                "json-rpc error from venue"
            );
            return Outcome::Ignored;
        }
        if value.get("result").is_some() {
            tracing::debug!(
                id = value.get("id").and_then(|i| i.as_i64()),
                "json-rpc ack"
            );
            return Outcome::Ignored;
        }
        let params = value.get("params");
        let channel = params
            .and_then(|p| p.get("channel"))
            .and_then(ValueIntoString::into_string);
        let data = params.and_then(|p| p.get("data"));
        let (Some(channel), Some(data)) = (channel, data) else {
            return self.json_error();
        };
        let data = &data;
        let kind = channel.split('.').next().unwrap_or_default();
        let result = match kind {
            "bbo" => self.json_bbo(data, recv_ns),
            "trades" => self.json_trade(data, recv_ns),
            "order_book" => self.json_book(data, recv_ns),
            "markets_summary" => self.json_summary(data, recv_ns),
            "funding_data" => self.json_funding(data, recv_ns),
            _ => Ok(Outcome::Ignored),
        };
        result.unwrap_or_else(|BadField| self.json_error())
    }

    fn json_error(&self) -> Outcome {
        self.rings().count(HealthCounter::ParseErrors, 1);
        Outcome::Malformed
    }

    fn json_market(&self, data: &Value<'_, '_>, key: &str) -> Parsed<Option<u32>> {
        Ok(self.market_id(text(data, key)?))
    }

    fn json_bbo(&mut self, data: &Value<'_, '_>, recv_ns: i64) -> Parsed<Outcome> {
        let Some(market_id) = self.json_market(data, "market")? else {
            return Ok(Outcome::Ignored);
        };
        let record = Bbo {
            ts_exchange: ms_to_ns(int(data, "last_updated_at")?),
            ts_recv: recv_ns,
            market_id,
            flags: 0,
            bid_px: decimal(data, "bid")?.unwrap_or(NULL_PRICE),
            bid_sz: decimal(data, "bid_size")?.unwrap_or(0),
            ask_px: decimal(data, "ask")?.unwrap_or(NULL_PRICE),
            ask_sz: decimal(data, "ask_size")?.unwrap_or(0),
        };
        Ok(self.publish_bbo(market_id, int(data, "seq_no")?, &record))
    }

    fn json_trade(&mut self, data: &Value<'_, '_>, recv_ns: i64) -> Parsed<Outcome> {
        let Some(market_id) = self.json_market(data, "market")? else {
            return Ok(Outcome::Ignored);
        };
        let record = Trade {
            ts_exchange: ms_to_ns(int(data, "created_at")?),
            ts_recv: recv_ns,
            market_id,
            side: side(text(data, "side")?),
            trade_type: trade_type(text(data, "trade_type").unwrap_or("FILL")),
            price: required_decimal(data, "price")?,
            size: required_decimal(data, "size")?,
            seq: 0,
            reserved: 0,
        };
        Ok(self.publish_trade(&record))
    }

    fn json_book(&mut self, data: &Value<'_, '_>, recv_ns: i64) -> Parsed<Outcome> {
        let Some(market_id) = self.json_market(data, "market")? else {
            return Ok(Outcome::Ignored);
        };
        let kind = match text(data, "update_type")? {
            "s" => BookKind::Snapshot,
            "d" => BookKind::Delta,
            _ => return Err(BadField),
        };
        let seq = int(data, "seq_no")?;
        let ts_exchange = ms_to_ns(int(data, "last_updated_at")?);
        // Parse every level before publishing any, so a bad level cannot leave half an update
        // in the ring.
        let lists =
            ["inserts", "updates", "deletes"].map(|key| data.get(key).and_then(|v| v.as_array()));
        let mut count = 0usize;
        for (list, is_delete) in lists.iter().zip([false, false, true]) {
            for level in list.iter().flat_map(|l| l.iter()) {
                side(text(&level, "side")?);
                required_decimal(&level, "price")?;
                if !is_delete {
                    required_decimal(&level, "size")?;
                }
                count += 1;
            }
        }
        let mut batch = match self.begin_book(market_id, seq, kind, ts_exchange, recv_ns) {
            Ok(batch) => batch,
            Err(outcome) => return Ok(outcome),
        };
        for (list, is_delete) in lists.iter().zip([false, false, true]) {
            for level in list.iter().flat_map(|l| l.iter()) {
                let price = required_decimal(&level, "price").unwrap_or_default();
                // A delete's size is meaningless (venues send 0 or the old size): 0 removes.
                let size = if is_delete {
                    0
                } else {
                    required_decimal(&level, "size").unwrap_or_default()
                };
                batch.push(side(text(&level, "side").unwrap_or_default()), price, size);
            }
        }
        batch.finish();
        tracing::trace!(market_id, seq, count, "json book update");
        Ok(Outcome::Published)
    }

    fn json_summary(&mut self, data: &Value<'_, '_>, recv_ns: i64) -> Parsed<Outcome> {
        let Some(market_id) = self.json_market(data, "symbol")? else {
            return Ok(Outcome::Ignored);
        };
        let record = MarkFunding {
            ts_exchange: ms_to_ns(int(data, "created_at")?),
            ts_recv: recv_ns,
            market_id,
            flags: 0,
            mark_px: decimal(data, "mark_price")?.unwrap_or(NULL_PRICE),
            index_px: decimal(data, "underlying_price")?.unwrap_or(NULL_PRICE),
            funding_rate: funding_rate(data)?,
            open_interest: decimal(data, "open_interest")?.unwrap_or(NULL_PRICE),
        };
        Ok(self.publish_mark(&record))
    }

    fn json_funding(&mut self, data: &Value<'_, '_>, recv_ns: i64) -> Parsed<Outcome> {
        let Some(market_id) = self.json_market(data, "market")? else {
            return Ok(Outcome::Ignored);
        };
        let record = funding_record(
            market_id,
            ms_to_ns(int(data, "created_at")?),
            recv_ns,
            funding_rate(data)?,
        );
        Ok(self.publish_mark(&record))
    }
}
