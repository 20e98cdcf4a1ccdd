//! The writer, readers and shared tables over an in-memory segment: the same header, slot,
//! record and registry code (every `unsafe` block of the crate but the file mapping) without a
//! file, so `make miri` can run it under Miri, which cannot map files.

use crate::sync::{AtomicU64, Ordering};
use crate::{
    Bbo, HealthCounter, Read, ReaderOptions, StartAt, Trade, Writer, WriterState, WriterStatus,
};

fn bbo(seq: u64) -> Bbo {
    let s = seq as i64;
    Bbo {
        ts_exchange: s,
        ts_recv: s.wrapping_mul(31),
        market_id: (seq % 5) as u32,
        flags: (seq % 3) as u32,
        bid_px: s * 3,
        bid_sz: s * 5,
        ask_px: s * 7,
        ask_sz: s * 11,
    }
}

fn options(start: StartAt, register: bool) -> ReaderOptions {
    ReaderOptions { start, register }
}

#[test]
fn publish_claim_and_read_in_order() {
    let mut writer = Writer::<Bbo>::in_memory(8).unwrap();
    let mut reader = writer
        .in_memory_reader(options(StartAt::Next, true))
        .unwrap();
    assert_eq!(reader.try_read(), Read::Empty);
    for seq in 0..5 {
        assert_eq!(writer.publish(&bbo(seq)), seq);
    }
    {
        let mut aborted = writer.claim();
        aborted.bid_px = -1;
    }
    let mut claim = writer.claim();
    *claim = bbo(5);
    assert_eq!(claim.commit(), 5);
    for seq in 0..6 {
        assert_eq!(reader.try_read(), Read::Record(bbo(seq)));
    }
    assert_eq!(reader.try_read(), Read::Empty);
    assert_eq!(writer.readers()[0].cursor, 6);
}

#[test]
fn laps_are_counted_exactly_in_the_reader_registry_and_header() {
    let mut writer = Writer::<Trade>::in_memory(4).unwrap();
    let mut reader = writer
        .in_memory_reader(options(StartAt::Next, true))
        .unwrap();
    for seq in 0..11 {
        writer.publish(&Trade {
            seq: seq as i64,
            ..Trade::default()
        });
    }
    // Tail 11, capacity 4: resume at 11 - 3 = 8.
    assert_eq!(reader.try_read(), Read::Lapped(8));
    for seq in 8..11 {
        assert!(matches!(reader.try_read(), Read::Record(t) if t.seq == seq));
    }
    assert_eq!(reader.advance_to(11, 2), 11);
    assert_eq!(writer.readers()[0].lost, 10);
    assert_eq!(writer.health(HealthCounter::LapsObserved), 10);
}

#[test]
fn tables_counters_and_writer_state_are_shared() {
    let writer = Writer::<Bbo>::in_memory(2).unwrap();
    let reader = writer
        .in_memory_reader(options(StartAt::Oldest, false))
        .unwrap();
    writer.set_symbol(3, "ETH-USD-PERP").unwrap();
    writer.add_health(HealthCounter::Messages, 7);
    writer.set_book_valid(3, true).unwrap();
    assert_eq!(reader.symbol(3).unwrap().as_deref(), Some("ETH-USD-PERP"));
    assert_eq!(reader.market_id("ETH-USD-PERP"), Some(3));
    assert_eq!(reader.health(HealthCounter::Messages), 7);
    assert!(reader.book_valid(3).unwrap());
    assert_eq!(reader.writer_info().state, WriterState::Live);
    drop(writer);
    assert_eq!(
        reader.writer_status(std::time::Duration::from_secs(1)),
        WriterStatus::Closed
    );
}

/// A writer thread laps a reader thread through a tiny ring: every delivered record is intact
/// and in order, and delivered + lost accounts for every record (Miri checks the accesses).
#[test]
fn concurrent_writer_and_reader_never_see_a_torn_record() {
    const RECORDS: u64 = if cfg!(miri) { 24 } else { 100_000 };
    let mut writer = Writer::<Bbo>::in_memory(4).unwrap();
    let mut reader = writer
        .in_memory_reader(options(StartAt::Next, true))
        .unwrap();
    let done = AtomicU64::new(0);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            for seq in 0..RECORDS {
                writer.publish(&bbo(seq));
            }
            done.store(1, Ordering::Release);
        });
        let (mut expected, mut delivered, mut lost) = (0, 0, 0);
        loop {
            let finished = done.load(Ordering::Acquire) == 1;
            match reader.try_read() {
                Read::Record(record) => {
                    assert_eq!(record, bbo(expected), "torn or out of order");
                    expected += 1;
                    delivered += 1;
                }
                Read::Lapped(n) => {
                    expected += n;
                    lost += n;
                }
                Read::Empty if finished => break,
                Read::Empty => std::thread::yield_now(),
            }
        }
        assert_eq!(delivered + lost, RECORDS);
        assert_eq!(reader.lost(), lost);
    });
}
