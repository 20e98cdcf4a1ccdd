//! Record → little-endian 8-byte words, the byte image numpy reads through the record dtype.
//!
//! Written field by field (no transmute) so this crate stays free of `unsafe`; the dtype test
//! and the cross-process pytest catch any drift from the Rust layout.

use paradex_ring::{Bbo, BookLevel, MarkFunding, ShmRecord, Trade};

/// Words per record (every market-data record is 56 bytes).
pub(crate) const RECORD_WORDS: usize = 7;

/// A record that can be laid out as the words of its `repr(C)` image.
pub(crate) trait RecordWords: ShmRecord {
    /// The record's bytes as little-endian `u64`s, in offset order.
    fn to_words(&self) -> [u64; RECORD_WORDS];
}

/// Two 32-bit halves of one word: `lo` at the lower address.
const fn pack32(lo: u32, hi: u32) -> u64 {
    lo as u64 | (hi as u64) << 32
}

/// A `u32` then two `u16`s, at increasing addresses.
const fn pack32_16_16(a: u32, b: u16, c: u16) -> u64 {
    a as u64 | (b as u64) << 32 | (c as u64) << 48
}

impl RecordWords for Bbo {
    fn to_words(&self) -> [u64; RECORD_WORDS] {
        [
            self.ts_exchange.cast_unsigned(),
            self.ts_recv.cast_unsigned(),
            pack32(self.market_id, self.flags),
            self.bid_px.cast_unsigned(),
            self.bid_sz.cast_unsigned(),
            self.ask_px.cast_unsigned(),
            self.ask_sz.cast_unsigned(),
        ]
    }
}

impl RecordWords for Trade {
    fn to_words(&self) -> [u64; RECORD_WORDS] {
        [
            self.ts_exchange.cast_unsigned(),
            self.ts_recv.cast_unsigned(),
            pack32_16_16(self.market_id, self.side, self.trade_type),
            self.price.cast_unsigned(),
            self.size.cast_unsigned(),
            self.seq.cast_unsigned(),
            self.reserved.cast_unsigned(),
        ]
    }
}

impl RecordWords for BookLevel {
    fn to_words(&self) -> [u64; RECORD_WORDS] {
        [
            self.ts_exchange.cast_unsigned(),
            self.ts_recv.cast_unsigned(),
            pack32_16_16(self.market_id, self.side, self.flags),
            self.price.cast_unsigned(),
            self.size.cast_unsigned(),
            self.seq.cast_unsigned(),
            self.reserved.cast_unsigned(),
        ]
    }
}

impl RecordWords for MarkFunding {
    fn to_words(&self) -> [u64; RECORD_WORDS] {
        [
            self.ts_exchange.cast_unsigned(),
            self.ts_recv.cast_unsigned(),
            pack32(self.market_id, self.flags),
            self.mark_px.cast_unsigned(),
            self.index_px.cast_unsigned(),
            self.funding_rate.cast_unsigned(),
            self.open_interest.cast_unsigned(),
        ]
    }
}

#[cfg(not(target_endian = "little"))]
compile_error!("the ring layout and these word images are little-endian only");

const _: () = {
    assert!(size_of::<Bbo>() == RECORD_WORDS * 8);
    assert!(size_of::<Trade>() == RECORD_WORDS * 8);
    assert!(size_of::<BookLevel>() == RECORD_WORDS * 8);
    assert!(size_of::<MarkFunding>() == RECORD_WORDS * 8);
};

#[cfg(test)]
mod tests {
    use super::*;
    use paradex_ring::RecordKind;

    /// Reads field `name` of `kind` out of a word image, by the Rust-reported offset and type.
    fn field(words: &[u64; RECORD_WORDS], kind: RecordKind, name: &str) -> u64 {
        let f = kind.fields().iter().find(|f| f.name == name).unwrap();
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        let raw = &bytes[f.offset..f.offset + f.ty.size()];
        let mut buf = [0u8; 8];
        buf[..raw.len()].copy_from_slice(raw);
        u64::from_le_bytes(buf)
    }

    #[test]
    fn every_field_lands_at_its_rust_offset() {
        let t = Trade {
            ts_exchange: -1,
            ts_recv: 2,
            market_id: 3,
            side: 4,
            trade_type: 5,
            price: 6,
            size: 7,
            seq: 8,
            reserved: 9,
        };
        let w = t.to_words();
        for (name, v) in [
            ("ts_exchange", u64::MAX),
            ("ts_recv", 2),
            ("market_id", 3),
            ("side", 4),
            ("trade_type", 5),
            ("price", 6),
            ("size", 7),
            ("seq", 8),
            ("reserved", 9),
        ] {
            assert_eq!(field(&w, RecordKind::Trade, name), v, "{name}");
        }
        let b = BookLevel {
            market_id: 0xdead_beef,
            side: 2,
            flags: 7,
            ..BookLevel::default()
        };
        let w = b.to_words();
        assert_eq!(field(&w, RecordKind::BookLevel, "market_id"), 0xdead_beef);
        assert_eq!(field(&w, RecordKind::BookLevel, "side"), 2);
        assert_eq!(field(&w, RecordKind::BookLevel, "flags"), 7);
        let m = MarkFunding {
            market_id: 1,
            flags: 2,
            open_interest: i64::MIN,
            ..MarkFunding::default()
        };
        let w = m.to_words();
        assert_eq!(field(&w, RecordKind::MarkFunding, "flags"), 2);
        assert_eq!(field(&w, RecordKind::MarkFunding, "open_interest"), 1 << 63);
        let q = Bbo {
            market_id: 9,
            flags: 1,
            ask_sz: 5,
            ..Bbo::default()
        };
        let w = q.to_words();
        assert_eq!(field(&w, RecordKind::Bbo, "flags"), 1);
        assert_eq!(field(&w, RecordKind::Bbo, "ask_sz"), 5);
    }
}
