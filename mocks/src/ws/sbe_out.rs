//! SBE binary frames for the public channels, encoded with `paradex_proto::sbe` at the
//! version the session negotiated. Timestamps are the exchange's µs.

use paradex_proto::sbe::{self, EncodeError, Levels, PkgType};

use crate::exchange::{
    BboEvent, BookDelta, BookSnapshot, FundingDataEvent, Level, MarketSummaryEvent, Side,
    TradeEvent,
};

/// Reused level buffers, so encoding a book frame does not allocate once warmed up.
#[derive(Debug, Default)]
pub struct LevelScratch {
    bids: Vec<sbe::Level>,
    asks: Vec<sbe::Level>,
}

fn ts(us: u64) -> i64 {
    i64::try_from(us).unwrap_or(i64::MAX)
}

fn seq(seq_no: u64) -> i64 {
    i64::try_from(seq_no).unwrap_or(i64::MAX)
}

fn side(side: Side) -> sbe::Side {
    match side {
        Side::Buy => sbe::Side::Buy,
        Side::Sell => sbe::Side::Sell,
    }
}

/// BboEvent (template 2).
///
/// # Errors
/// [`EncodeError`] from the encoder (e.g. a market name over 255 bytes).
pub fn bbo(event: &BboEvent, version: u16, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    sbe::BboEvent {
        ts_us: ts(event.timestamp_us),
        seq: seq(event.seq_no),
        bid_price: event.bid.map(|l| l.price),
        bid_size: event.bid.map(|l| l.size),
        ask_price: event.ask.map(|l| l.price),
        ask_size: event.ask.map(|l| l.size),
        market: &event.market,
    }
    .encode(version, out)
}

/// TradeEvent (template 1); `trade_id` carries the low 64 bits of the decimal id.
///
/// # Errors
/// [`EncodeError`] from the encoder.
pub fn trade(event: &TradeEvent, version: u16, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    let low_bits = event.id.parse::<u128>().map_or(0, |id| id as u64 as i64);
    sbe::TradeEvent {
        ts_us: ts(event.timestamp_us),
        seq: seq(event.seq_no),
        trade_id: low_bits,
        side: side(event.side),
        price: event.price,
        size: event.size,
        created_at_us: ts(event.timestamp_us),
        trade_type: sbe::FillType::Fill,
        market: &event.market,
        trade_id_str: Some(&event.id),
    }
    .encode(version, out)
}

/// A BookEvent without the interactive-feed fields.
pub(crate) fn book_event<'a>(
    ts_us: u64,
    seq_no: u64,
    pkg_type: PkgType,
    bids: &'a [sbe::Level],
    asks: &'a [sbe::Level],
    market: &'a str,
) -> sbe::BookEvent<'a> {
    sbe::BookEvent {
        ts_us: ts(ts_us),
        seq: seq(seq_no),
        pkg_type,
        bids: Levels::from_slice(bids),
        asks: Levels::from_slice(asks),
        market,
        ..sbe::BookEvent::default()
    }
}

fn copy_levels(levels: &[Level], into: &mut Vec<sbe::Level>) {
    into.clear();
    into.extend(levels.iter().map(|l| sbe::Level {
        price: l.price,
        size: l.size,
    }));
}

/// BookEvent (template 3) SNAPSHOT with the whole given book.
///
/// # Errors
/// [`EncodeError`] from the encoder (e.g. more than 65535 levels).
pub fn book_snapshot(
    snapshot: &BookSnapshot,
    scratch: &mut LevelScratch,
    version: u16,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    copy_levels(&snapshot.bids, &mut scratch.bids);
    copy_levels(&snapshot.asks, &mut scratch.asks);
    book_event(
        snapshot.timestamp_us,
        snapshot.seq_no,
        PkgType::Snapshot,
        &scratch.bids,
        &scratch.asks,
        &snapshot.market,
    )
    .encode(version, out)
}

/// BookEvent (template 3) DELTA; a removed level has size 0.
///
/// # Errors
/// [`EncodeError`] from the encoder.
pub fn book_delta(
    delta: &BookDelta,
    scratch: &mut LevelScratch,
    version: u16,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    scratch.bids.clear();
    scratch.asks.clear();
    for change in &delta.changes {
        let level = sbe::Level {
            price: change.price,
            size: change.size,
        };
        match change.side {
            Side::Buy => scratch.bids.push(level),
            Side::Sell => scratch.asks.push(level),
        }
    }
    book_event(
        delta.timestamp_us,
        delta.seq_no,
        PkgType::Delta,
        &scratch.bids,
        &scratch.asks,
        &delta.market,
    )
    .encode(version, out)
}

/// MarketSummaryEvent (template 4).
///
/// # Errors
/// [`EncodeError`] from the encoder.
pub fn market_summary(
    event: &MarketSummaryEvent,
    version: u16,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    sbe::MarketSummaryEvent {
        ts_us: ts(event.timestamp_us),
        seq: seq(event.seq_no),
        mark_price: event.mark_price,
        index_price: event.index_price,
        last_price: event.last_price,
        volume_usd_24h: event.volume_24h,
        open_interest: event.open_interest,
        funding_rate: event.funding_rate,
        bid: event.bid.map(|l| l.price),
        ask: event.ask.map(|l| l.price),
        total_volume: event.total_volume,
        price_change_rate_24h: event.price_change_rate_24h,
        bid_size: event.bid.map(|l| l.size),
        ask_size: event.ask.map(|l| l.size),
        funding_rate_precise: event.funding_rate.checked_mul(10_000),
        market: &event.market,
        ..sbe::MarketSummaryEvent::default()
    }
    .encode(version, out)
}

/// FundingDataEvent (template 5).
///
/// # Errors
/// [`EncodeError`] from the encoder.
pub fn funding_data(
    event: &FundingDataEvent,
    version: u16,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    sbe::FundingDataEvent {
        ts_us: ts(event.timestamp_us),
        seq: 0,
        funding_rate: event.funding_rate,
        funding_index: event.funding_index,
        created_at_us: ts(event.timestamp_us),
        funding_premium: event.funding_premium,
        funding_rate_8h: event.funding_rate_8h,
        funding_period_hours: i16::try_from(event.funding_period_hours).unwrap_or(i16::MAX),
        impact_premium_rate: None,
        market: &event.market,
    }
    .encode(version, out)
}

/// HeartbeatEvent (template 40).
///
/// # Errors
/// [`EncodeError`] from the encoder.
pub fn heartbeat(
    ts_us: u64,
    seq_no: u64,
    version: u16,
    out: &mut Vec<u8>,
) -> Result<(), EncodeError> {
    sbe::HeartbeatEvent {
        ts_us: ts(ts_us),
        seq: seq(seq_no),
    }
    .encode(version, out)
}
