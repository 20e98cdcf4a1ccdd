//! Single-process behaviour: publish/read, claims, lapping, start positions, tables, locking.

// Files, mappings and processes: Miri runs the in-memory tests in `src/` instead.
#![cfg(not(miri))]

mod common;

use std::time::Duration;

use common::TempSegment;
use paradex_ring::{
    Bbo, HealthCounter, MarketError, Read, Reader, ReaderOptions, RingError, StartAt, Trade,
    Writer, WriterStatus,
};

fn bbo(seq: u64) -> Bbo {
    let s = seq as i64;
    Bbo {
        ts_exchange: s,
        ts_recv: -s,
        market_id: (seq % 7) as u32,
        flags: 0,
        bid_px: s * 3,
        bid_sz: s * 5,
        ask_px: s * 7,
        ask_sz: s * 11,
    }
}

fn opts(start: StartAt) -> ReaderOptions {
    ReaderOptions {
        start,
        register: true,
    }
}

#[test]
fn publish_then_read_in_order() {
    let seg = TempSegment::new("order", 8);
    let mut writer = Writer::<Bbo>::create(&seg.config).unwrap();
    let mut reader = Reader::<Bbo>::open_with(seg.path(), opts(StartAt::Next)).unwrap();
    assert_eq!(reader.try_read(), Read::Empty);
    for seq in 0..5 {
        assert_eq!(writer.publish(&bbo(seq)), seq);
    }
    for seq in 0..5 {
        assert_eq!(reader.try_read(), Read::Record(bbo(seq)));
    }
    assert_eq!(reader.try_read(), Read::Empty);
    assert_eq!(reader.cursor(), 5);
    assert_eq!(reader.published(), 5);
    assert_eq!(reader.behind(), 0);
}

#[test]
fn claim_commits_and_drop_aborts() {
    let seg = TempSegment::new("claim", 4);
    let mut writer = Writer::<Trade>::create(&seg.config).unwrap();
    let mut reader = Reader::<Trade>::open_with(seg.path(), opts(StartAt::Next)).unwrap();
    {
        let mut claim = writer.claim();
        claim.price = 123;
    }
    assert_eq!(writer.next_seq(), 0, "a dropped claim consumes no sequence");
    assert_eq!(reader.try_read(), Read::Empty);
    let mut claim = writer.claim();
    claim.price = 456;
    claim.size = 7;
    assert_eq!(claim.commit(), 0);
    assert_eq!(
        reader.try_read(),
        Read::Record(Trade {
            price: 456,
            size: 7,
            ..Trade::default()
        })
    );
}

#[test]
fn lapped_reader_counts_every_lost_record() {
    let seg = TempSegment::new("lap", 8);
    let mut writer = Writer::<Bbo>::create(&seg.config).unwrap();
    let mut reader = Reader::<Bbo>::open_with(seg.path(), opts(StartAt::Next)).unwrap();
    for seq in 0..30 {
        writer.publish(&bbo(seq));
    }
    // Tail 30, capacity 8: the resume point is 30 - 7 = 23, so 0..23 are lost.
    assert_eq!(reader.try_read(), Read::Lapped(23));
    let mut seen = Vec::new();
    while let Read::Record(r) = reader.try_read() {
        seen.push(r);
    }
    assert_eq!(seen, (23..30).map(bbo).collect::<Vec<_>>());
    assert_eq!(reader.lost(), 23);
    assert_eq!(reader.lost() + seen.len() as u64, 30);
}

#[test]
fn lapped_readers_add_their_loss_to_the_header_counter() {
    let seg = TempSegment::new("lapsum", 8);
    let mut writer = Writer::<Bbo>::create(&seg.config).unwrap();
    let mut first = Reader::<Bbo>::open_with(seg.path(), opts(StartAt::Next)).unwrap();
    let mut second = Reader::<Bbo>::open_with(seg.path(), opts(StartAt::Next)).unwrap();
    for seq in 0..30 {
        writer.publish(&bbo(seq));
    }
    assert_eq!(first.try_read(), Read::Lapped(23));
    assert_eq!(writer.health(HealthCounter::LapsObserved), 23);
    for seq in 30..40 {
        writer.publish(&bbo(seq));
    }
    // Tail 40: both resume at 33; `second` lost 0..33, `first` (at 23) lost 23..33.
    assert_eq!(second.try_read(), Read::Lapped(33));
    assert_eq!(first.try_read(), Read::Lapped(10));
    assert_eq!(
        writer.health(HealthCounter::LapsObserved),
        first.lost() + second.lost()
    );
    let registry: u64 = writer.readers().iter().map(|r| r.lost).sum();
    assert_eq!(registry, 23 + 10 + 33);
    drop(second);
    assert_eq!(
        first.health(HealthCounter::LapsObserved),
        66,
        "the sum outlives the reader"
    );
}

#[test]
fn advance_to_commits_zero_copy_progress_to_the_registry() {
    let seg = TempSegment::new("advance", 8);
    let mut writer = Writer::<Bbo>::create(&seg.config).unwrap();
    let mut reader = Reader::<Bbo>::open_with(seg.path(), opts(StartAt::Next)).unwrap();
    for seq in 0..6 {
        writer.publish(&bbo(seq));
    }
    assert_eq!(reader.advance_to(4, 0), 4);
    assert_eq!(writer.readers()[0].cursor, 4);
    assert_eq!(reader.try_read(), Read::Record(bbo(4)));
    assert_eq!(
        reader.advance_to(100, 0),
        6,
        "clamped to the records published"
    );
    assert_eq!(reader.advance_to(2, 0), 6, "never moves back");
    assert_eq!(reader.try_read(), Read::Empty);
    assert_eq!(reader.advance_to(6, 3), 6);
    let info = writer.readers()[0];
    assert_eq!((info.cursor, info.lost, reader.lost()), (6, 3, 3));
    assert_eq!(writer.health(HealthCounter::LapsObserved), 3);
}

#[test]
fn start_positions() {
    let seg = TempSegment::new("start", 8);
    let mut writer = Writer::<Bbo>::create(&seg.config).unwrap();
    for seq in 0..20 {
        writer.publish(&bbo(seq));
    }
    let mut oldest = Reader::<Bbo>::open_with(seg.path(), opts(StartAt::Oldest)).unwrap();
    assert_eq!(oldest.try_read(), Read::Record(bbo(12)));
    let mut newest = Reader::<Bbo>::open_with(seg.path(), opts(StartAt::Newest)).unwrap();
    assert_eq!(newest.try_read(), Read::Record(bbo(19)));
    assert_eq!(newest.try_read(), Read::Empty);
    let mut next = Reader::<Bbo>::open_with(seg.path(), opts(StartAt::Next)).unwrap();
    assert_eq!(next.try_read(), Read::Empty);
    writer.publish(&bbo(20));
    assert_eq!(next.try_read(), Read::Record(bbo(20)));
}

#[test]
fn poll_into_fills_a_batch() {
    let seg = TempSegment::new("batch", 16);
    let mut writer = Writer::<Bbo>::create(&seg.config).unwrap();
    let mut reader = Reader::<Bbo>::open_with(seg.path(), opts(StartAt::Next)).unwrap();
    for seq in 0..10 {
        writer.publish(&bbo(seq));
    }
    let mut out = [Bbo::default(); 4];
    let batch = reader.poll_into(&mut out);
    assert_eq!((batch.records, batch.lost), (4, 0));
    assert_eq!(out.to_vec(), (0..4).map(bbo).collect::<Vec<_>>());
    let mut rest = [Bbo::default(); 16];
    assert_eq!(reader.poll_into(&mut rest).records, 6);
}

#[test]
fn symbols_health_and_book_validity_are_shared() {
    let seg = TempSegment::new("tables", 4);
    let writer = Writer::<Bbo>::create(&seg.config).unwrap();
    let reader = Reader::<Bbo>::open(seg.path()).unwrap();
    assert_eq!(reader.symbol(3), Ok(None));
    writer.set_symbol(3, "BTC-USD-PERP").unwrap();
    writer.set_symbol(1023, "ETH-USD-PERP").unwrap();
    assert_eq!(reader.symbol(3), Ok(Some("BTC-USD-PERP".to_owned())));
    writer.set_symbol(3, "SOL-USD-PERP").unwrap();
    assert_eq!(reader.symbol(3), Ok(Some("SOL-USD-PERP".to_owned())));
    assert_eq!(reader.market_id("ETH-USD-PERP"), Some(1023));
    assert_eq!(reader.market_id("XRP-USD-PERP"), None);
    assert!(matches!(
        writer.set_symbol(1024, "X"),
        Err(MarketError::IdOutOfRange { .. })
    ));
    assert!(matches!(
        writer.set_symbol(0, ""),
        Err(MarketError::InvalidSymbol { .. })
    ));
    assert!(matches!(
        writer.set_symbol(0, &"A".repeat(33)),
        Err(MarketError::InvalidSymbol { .. })
    ));
    assert!(matches!(
        writer.set_symbol(0, "A\0B"),
        Err(MarketError::InvalidSymbol { .. })
    ));
    writer.set_symbol(0, &"é".repeat(16)).unwrap();
    assert_eq!(reader.symbol(0), Ok(Some("é".repeat(16))));

    writer.add_health(HealthCounter::BookGaps, 2);
    writer.add_health(HealthCounter::BookGaps, 1);
    writer.set_health(HealthCounter::Reconnects, 9);
    assert_eq!(reader.health(HealthCounter::BookGaps), 3);
    assert_eq!(reader.health(HealthCounter::Reconnects), 9);
    assert_eq!(reader.health(HealthCounter::ParseErrors), 0);

    assert_eq!(reader.book_valid(70), Ok(false));
    writer.set_book_valid(70, true).unwrap();
    writer.set_book_valid(71, true).unwrap();
    writer.set_book_valid(71, false).unwrap();
    assert_eq!(reader.book_valid(70), Ok(true));
    assert_eq!(reader.book_valid(71), Ok(false));
    assert!(reader.book_valid(5000).is_err());
}

#[test]
fn second_writer_is_refused_and_restart_bumps_epoch() {
    let seg = TempSegment::new("lock", 8);
    let mut writer = Writer::<Bbo>::create(&seg.config).unwrap();
    assert_eq!(writer.epoch(), 1);
    for seq in 0..3 {
        writer.publish(&bbo(seq));
    }
    match Writer::<Bbo>::create(&seg.config) {
        Err(RingError::WriterActive { pid, .. }) => assert_eq!(pid, u64::from(std::process::id())),
        other => panic!("expected WriterActive, got {other:?}"),
    }
    let mut reader = Reader::<Bbo>::open_with(seg.path(), opts(StartAt::Oldest)).unwrap();
    assert_eq!(
        reader.writer_status(Duration::from_secs(5)),
        WriterStatus::Alive
    );
    drop(writer);
    assert_eq!(
        reader.writer_status(Duration::from_secs(5)),
        WriterStatus::Closed
    );

    let mut writer = Writer::<Bbo>::create(&seg.config).unwrap();
    assert_eq!(writer.epoch(), 2);
    assert_eq!(
        writer.next_seq(),
        3,
        "a restarted writer continues the sequence"
    );
    assert!(reader.writer_restarted());
    assert!(!reader.writer_restarted());
    writer.publish(&bbo(3));
    let got: Vec<_> = std::iter::from_fn(|| match reader.try_read() {
        Read::Record(r) => Some(r),
        _ => None,
    })
    .collect();
    assert_eq!(got, (0..4).map(bbo).collect::<Vec<_>>());
}

#[test]
fn reader_registry_tracks_cursors() {
    let seg = TempSegment::new("registry", 8);
    let mut writer = Writer::<Bbo>::create(&seg.config).unwrap();
    let mut a = Reader::<Bbo>::open_with(seg.path(), opts(StartAt::Next)).unwrap();
    let b = Reader::<Bbo>::open_with(seg.path(), opts(StartAt::Next)).unwrap();
    let hidden = Reader::<Bbo>::open_with(
        seg.path(),
        ReaderOptions {
            start: StartAt::Next,
            register: false,
        },
    )
    .unwrap();
    assert_eq!(hidden.registry_slot(), None);
    assert_ne!(a.registry_slot(), b.registry_slot());
    for seq in 0..3 {
        writer.publish(&bbo(seq));
    }
    while let Read::Record(_) = a.try_read() {}
    let readers = writer.readers();
    assert_eq!(readers.len(), 2);
    let info_a = readers
        .iter()
        .find(|r| Some(r.slot) == a.registry_slot())
        .unwrap();
    let info_b = readers
        .iter()
        .find(|r| Some(r.slot) == b.registry_slot())
        .unwrap();
    assert_eq!((info_a.cursor, info_b.cursor), (3, 0));
    assert!(info_a.alive && info_a.pid == u64::from(std::process::id()));
    drop(b);
    assert_eq!(writer.readers().len(), 1);
}

#[test]
fn segment_file_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let seg = TempSegment::new("mode", 4);
    let _writer = Writer::<Bbo>::create(&seg.config).unwrap();
    let mode = std::fs::metadata(seg.path()).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}
