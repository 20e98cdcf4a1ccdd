//! loom model tests of the publish/consume protocol (`ring::protocol`).
//!
//! Run with: `RUSTFLAGS="--cfg loom" cargo test -p paradex-ring --release --test loom`
//! (`make loom`). Every interleaving (up to loom's preemption bound) is explored; a torn record,
//! a record delivered twice or out of order, or a miscounted lap fails the model.

#![cfg(loom)]

use loom::sync::Arc;
use loom::sync::atomic::AtomicU64;
use loom::thread;
use paradex_ring::protocol::{Next, RingCore, seqlock_read, seqlock_write};

const PAYLOAD_WORDS: usize = 2;
const SLOT_WORDS: usize = PAYLOAD_WORDS + 1;

struct Storage {
    slots: Vec<AtomicU64>,
    tail: AtomicU64,
    capacity: u64,
}

impl Storage {
    fn new(capacity: u64) -> Arc<Self> {
        let slots = (0..capacity as usize * SLOT_WORDS)
            .map(|_| AtomicU64::new(0))
            .collect();
        Arc::new(Self {
            slots,
            tail: AtomicU64::new(0),
            capacity,
        })
    }

    fn core(&self) -> RingCore<'_> {
        RingCore::new(&self.slots, SLOT_WORDS, self.capacity, &self.tail)
    }
}

/// Payload of record `seq`: every word derived from it, so a mix of two records is detectable.
fn payload(seq: u64) -> [u64; PAYLOAD_WORDS] {
    [seq * 100 + 1, seq * 100 + 2]
}

/// Reads with `polls` attempts while the writer runs, then drains after it has finished; checks
/// every delivered record is intact and in order, and that delivered + lost == published.
fn check_reader(
    storage: &Storage,
    mut cursor: u64,
    polls: usize,
    total: u64,
    concurrent: impl FnOnce(),
) {
    let core = storage.core();
    let mut delivered = Vec::new();
    let mut lost = 0;
    let start = cursor;
    let step = |cursor: &mut u64, delivered: &mut Vec<u64>, lost: &mut u64| {
        let mut dst = [0u64; PAYLOAD_WORDS];
        let before = *cursor;
        match core.next(cursor, &mut dst) {
            Next::Record => {
                assert_eq!(dst, payload(before), "torn or wrong record at {before}");
                delivered.push(before);
            }
            Next::Lapped { lost: n } => {
                assert!(n >= 1 && *cursor == before + n);
                *lost += n;
            }
            Next::Empty => {}
        }
    };
    for _ in 0..polls {
        step(&mut cursor, &mut delivered, &mut lost);
    }
    concurrent();
    for _ in 0..(2 * total + 2) {
        step(&mut cursor, &mut delivered, &mut lost);
    }
    assert!(
        delivered.windows(2).all(|w| w[0] < w[1]),
        "out of order: {delivered:?}"
    );
    assert_eq!(
        delivered.len() as u64 + lost,
        total - start,
        "delivered {delivered:?}, lost {lost}"
    );
    assert_eq!(cursor, total);
}

#[test]
fn reader_sees_intact_records_in_order() {
    loom::model(|| {
        let storage = Storage::new(4);
        let writer = {
            let storage = Arc::clone(&storage);
            thread::spawn(move || {
                for seq in 0..2 {
                    storage.core().publish(seq, &payload(seq));
                }
            })
        };
        check_reader(&storage, 0, 2, 2, || writer.join().unwrap());
    });
}

#[test]
fn lapped_reader_counts_exactly_and_never_reads_overwritten_data() {
    loom::model(|| {
        // Capacity 2 and 3 records: the third overwrites slot 0 while the reader may be copying it.
        let storage = Storage::new(2);
        let writer = {
            let storage = Arc::clone(&storage);
            thread::spawn(move || {
                for seq in 0..3 {
                    storage.core().publish(seq, &payload(seq));
                }
            })
        };
        check_reader(&storage, 0, 1, 3, || writer.join().unwrap());
    });
}

#[test]
fn seqlock_entry_rewrite_is_never_torn() {
    // The symbol table rewrites one entry in place (odd stamp, words, even stamp).
    loom::model(|| {
        let entry = Arc::new((AtomicU64::new(2), [AtomicU64::new(7), AtomicU64::new(7)]));
        let writer = {
            let entry = Arc::clone(&entry);
            thread::spawn(move || seqlock_write(&entry.0, &entry.1, 3, 4, &[9, 9]))
        };
        let mut dst = [0u64; 2];
        for expect in [2, 4] {
            if seqlock_read(&entry.0, &entry.1, expect, &mut dst) == Ok(expect) {
                let want = if expect == 2 { [7, 7] } else { [9, 9] };
                assert_eq!(dst, want, "torn entry under stamp {expect}");
            }
        }
        writer.join().unwrap();
        assert_eq!(seqlock_read(&entry.0, &entry.1, 4, &mut dst), Ok(4));
        assert_eq!(dst, [9, 9]);
    });
}
