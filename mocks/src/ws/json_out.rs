//! JSON notifications: `{"jsonrpc":"2.0","method":"subscription","params":{"channel","data"}}`.

use serde::Serialize;

use crate::exchange::{BookDelta, BookSnapshot, Level, LevelChangeKind, Side};

#[derive(Serialize)]
struct Notification<'a, T: Serialize> {
    jsonrpc: &'static str,
    method: &'static str,
    params: Params<'a, T>,
}

#[derive(Serialize)]
struct Params<'a, T: Serialize> {
    channel: &'a str,
    data: &'a T,
}

/// The notification text carrying `data` on `channel`.
#[must_use]
pub fn notification<T: Serialize>(channel: &str, data: &T) -> String {
    let note = Notification {
        jsonrpc: "2.0",
        method: "subscription",
        params: Params { channel, data },
    };
    // The payloads are plain structs of strings and numbers: serialising cannot fail.
    serde_json::to_string(&note).unwrap_or_default()
}

/// One level in a PriceBookUpdate.
#[derive(Debug, Serialize)]
pub struct BookLevelJson {
    /// `BUY` / `SELL`.
    pub side: &'static str,
    /// Decimal string.
    pub price: String,
    /// Decimal string; "0" in `deletes`.
    pub size: String,
}

/// Paradex's PriceBookUpdate (`order_book.*` data).
#[derive(Debug, Serialize)]
pub struct BookUpdateJson<'a> {
    /// Book counter.
    pub seq_no: u64,
    /// Market.
    pub market: &'a str,
    /// ms.
    pub last_updated_at: u64,
    /// `s` (snapshot) or `d` (delta).
    pub update_type: &'static str,
    /// Added levels (every level of a snapshot).
    pub inserts: Vec<BookLevelJson>,
    /// Levels whose size changed.
    pub updates: Vec<BookLevelJson>,
    /// Removed levels.
    pub deletes: Vec<BookLevelJson>,
}

fn level(side: Side, price: i64, size: i64) -> BookLevelJson {
    BookLevelJson {
        side: side.as_str(),
        price: paradex_proto::decimal::format_e8(price).as_str().to_owned(),
        size: paradex_proto::decimal::format_e8(size).as_str().to_owned(),
    }
}

/// A snapshot frame (`update_type "s"`): bids then asks, best first, all in `inserts`.
#[must_use]
pub fn book_snapshot(snapshot: &BookSnapshot) -> BookUpdateJson<'_> {
    let inserts = side_levels(Side::Buy, &snapshot.bids)
        .chain(side_levels(Side::Sell, &snapshot.asks))
        .collect();
    BookUpdateJson {
        seq_no: snapshot.seq_no,
        market: &snapshot.market,
        last_updated_at: snapshot.timestamp_us / 1000,
        update_type: "s",
        inserts,
        updates: Vec::new(),
        deletes: Vec::new(),
    }
}

fn side_levels(side: Side, levels: &[Level]) -> impl Iterator<Item = BookLevelJson> + '_ {
    levels.iter().map(move |l| level(side, l.price, l.size))
}

/// A delta frame (`update_type "d"`).
#[must_use]
pub fn book_delta(delta: &BookDelta) -> BookUpdateJson<'_> {
    let mut update = BookUpdateJson {
        seq_no: delta.seq_no,
        market: &delta.market,
        last_updated_at: delta.timestamp_us / 1000,
        update_type: "d",
        inserts: Vec::new(),
        updates: Vec::new(),
        deletes: Vec::new(),
    };
    for change in &delta.changes {
        let json = level(change.side, change.price, change.size);
        match change.kind {
            LevelChangeKind::Insert => update.inserts.push(json),
            LevelChangeKind::Update => update.updates.push(json),
            LevelChangeKind::Delete => update.deletes.push(json),
        }
    }
    update
}
