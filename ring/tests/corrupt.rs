//! Corrupt, truncated and foreign files: `open` refuses each with a clear error, never a panic.

// Files, mappings and processes: Miri runs the in-memory tests in `src/` instead.
#![cfg(not(miri))]

mod common;

use std::fs::OpenOptions;
use std::os::unix::fs::FileExt;

use common::TempSegment;
use paradex_ring::layout::offset;
use paradex_ring::{
    Bbo, OnIncompatible, Read, Reader, ReaderOptions, RingConfig, RingError, StartAt, Trade,
    Writer, WriterStatus, inspect,
};
use proptest::prelude::*;

/// A closed, valid Bbo segment with 8 slots and 3 records.
fn valid_segment(tag: &str) -> TempSegment {
    let seg = TempSegment::new(tag, 8);
    let mut writer = Writer::<Bbo>::create(&seg.config).unwrap();
    for i in 0..3 {
        writer.publish(&Bbo {
            bid_px: i,
            ..Bbo::default()
        });
    }
    seg
}

fn patch_u64(seg: &TempSegment, at: usize, value: u64) {
    let file = OpenOptions::new().write(true).open(seg.path()).unwrap();
    file.write_all_at(&value.to_le_bytes(), at as u64).unwrap();
}

fn set_len(seg: &TempSegment, len: u64) {
    OpenOptions::new()
        .write(true)
        .open(seg.path())
        .unwrap()
        .set_len(len)
        .unwrap();
}

fn open(seg: &TempSegment) -> Result<Reader<Bbo>, RingError> {
    Reader::<Bbo>::open_with(
        seg.path(),
        ReaderOptions {
            start: StartAt::Oldest,
            register: false,
        },
    )
}

#[test]
fn valid_segment_opens() {
    let seg = valid_segment("valid");
    let mut reader = open(&seg).unwrap();
    assert_eq!(
        reader.try_read(),
        Read::Record(Bbo {
            bid_px: 0,
            ..Bbo::default()
        })
    );
    let info = inspect(seg.path()).unwrap();
    assert_eq!(
        (info.capacity, info.published, info.writer.epoch),
        (8, 3, 1)
    );
    assert_eq!(
        reader.writer_status(std::time::Duration::from_secs(1)),
        WriterStatus::Closed
    );
}

#[test]
fn empty_and_short_files_are_truncated() {
    let seg = valid_segment("short");
    for len in [0, 8, offset::DATA as u64 - 1] {
        set_len(&seg, len);
        assert!(
            matches!(open(&seg), Err(RingError::Truncated { actual, .. }) if actual == len),
            "len {len}"
        );
        assert!(matches!(
            inspect(seg.path()),
            Err(RingError::Truncated { .. })
        ));
    }
}

#[test]
fn missing_slots_are_truncated_and_extra_bytes_are_a_size_mismatch() {
    let seg = valid_segment("size");
    let full = std::fs::metadata(seg.path()).unwrap().len();
    set_len(&seg, full - 64);
    assert!(matches!(open(&seg), Err(RingError::Truncated { expected, .. }) if expected == full));
    set_len(&seg, full + 4096);
    assert!(matches!(open(&seg), Err(RingError::SizeMismatch { .. })));
}

#[test]
fn wrong_magic_version_and_layout_are_refused() {
    let seg = valid_segment("magic");
    patch_u64(&seg, offset::MAGIC, 0xdead_beef);
    let err = open(&seg).unwrap_err();
    assert!(matches!(
        err,
        RingError::BadMagic {
            found: 0xdead_beef,
            ..
        }
    ));
    assert!(err.to_string().contains("not a ring segment"), "{err}");

    let seg = valid_segment("version");
    patch_u64(&seg, offset::VERSION, 99);
    assert!(matches!(
        open(&seg),
        Err(RingError::VersionMismatch { found: 99, .. })
    ));

    let seg = valid_segment("layout");
    let err = Reader::<Trade>::open(seg.path()).unwrap_err();
    assert!(
        matches!(&err, RingError::LayoutMismatch { found_name, .. } if found_name == "bbo"),
        "{err}"
    );
    patch_u64(&seg, offset::LAYOUT_HASH, 1);
    assert!(matches!(
        open(&seg),
        Err(RingError::LayoutMismatch { found_hash: 1, .. })
    ));
}

#[test]
fn capacity_must_be_a_power_of_two_matching_the_file_size() {
    let seg = valid_segment("cap3");
    patch_u64(&seg, offset::CAPACITY, 3);
    assert!(matches!(
        open(&seg),
        Err(RingError::CorruptHeader {
            field: "capacity",
            value: 3,
            ..
        })
    ));

    let seg = valid_segment("cap16");
    patch_u64(&seg, offset::CAPACITY, 16);
    assert!(matches!(
        open(&seg),
        Err(RingError::CorruptHeader {
            field: "segment_size",
            ..
        })
    ));

    // Capacity and segment size agree with each other but not with the file.
    let seg = valid_segment("cap16b");
    patch_u64(&seg, offset::CAPACITY, 16);
    patch_u64(&seg, offset::SEGMENT_SIZE, offset::DATA as u64 + 16 * 64);
    assert!(matches!(open(&seg), Err(RingError::Truncated { .. })));

    let seg = valid_segment("capbig");
    patch_u64(&seg, offset::CAPACITY, 1 << 62);
    assert!(matches!(
        open(&seg),
        Err(RingError::CorruptHeader {
            field: "capacity",
            ..
        })
    ));
}

#[test]
fn foreign_file_is_refused() {
    let seg = TempSegment::new("foreign", 8);
    std::fs::write(seg.path(), vec![0xA5u8; 200_000]).unwrap();
    assert!(matches!(open(&seg), Err(RingError::BadMagic { .. })));
    std::fs::write(seg.path(), vec![0u8; 200_000]).unwrap();
    let err = open(&seg).unwrap_err();
    assert!(matches!(err, RingError::BadMagic { found: 0, .. }) && err.is_retryable());
}

#[test]
fn writer_replaces_or_refuses_an_incompatible_file() {
    let seg = valid_segment("replace");
    let old_reader = open(&seg).unwrap();
    let fail = RingConfig {
        on_incompatible: OnIncompatible::Fail,
        ..seg.config.clone()
    };
    assert!(matches!(
        Writer::<Trade>::create(&fail),
        Err(RingError::LayoutMismatch { .. })
    ));
    let bigger = RingConfig {
        capacity: 16,
        ..fail.clone()
    };
    assert!(matches!(
        Writer::<Bbo>::create(&bigger),
        Err(RingError::CapacityMismatch { found: 8, .. })
    ));

    let writer = Writer::<Trade>::create(&seg.config).unwrap();
    assert_eq!((writer.epoch(), writer.next_seq()), (1, 0));
    assert_eq!(
        old_reader.writer_status(std::time::Duration::from_secs(1)),
        WriterStatus::Replaced
    );
    assert!(Reader::<Trade>::open(seg.path()).is_ok());

    patch_u64(&seg, offset::MAGIC, 7);
    drop(writer);
    let again = Writer::<Trade>::create(&seg.config).unwrap();
    assert_eq!(
        again.epoch(),
        1,
        "a corrupt file is replaced by a fresh segment"
    );
}

#[test]
fn invalid_names_and_capacities_are_refused() {
    for name in ["", ".hidden", "a/b", "../x", "sp ace"] {
        let config = RingConfig::new(name, 8);
        assert!(
            matches!(
                Writer::<Bbo>::create(&config),
                Err(RingError::InvalidName { .. })
            ),
            "{name:?}"
        );
    }
    for capacity in [0, 1, 3, 1 << 31] {
        let seg = TempSegment::new("badcap", capacity);
        assert!(matches!(
            Writer::<Bbo>::create(&seg.config),
            Err(RingError::InvalidCapacity { .. })
        ));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Overwriting any header word, writer word or counter with any value never panics or
    /// crashes `open`, `inspect` or a read: it is either accepted or refused with an error.
    #[test]
    fn any_header_word_corruption_is_handled(word in 0usize..(offset::REGISTRY / 8), value in any::<u64>()) {
        let seg = valid_segment("prop");
        patch_u64(&seg, word * 8, value);
        let _ = inspect(seg.path());
        if let Ok(mut reader) = open(&seg) {
            for _ in 0..16 {
                let _ = reader.try_read();
            }
            let _ = reader.writer_status(std::time::Duration::from_secs(1));
            let _ = reader.symbol(0);
        }
    }
}

#[test]
fn absurd_tail_is_refused_and_a_writer_replaces_the_file() {
    for tail in [u64::MAX, (1 << 62) + 1, 1 << 63] {
        let seg = valid_segment("tail");
        patch_u64(&seg, offset::TAIL, tail);
        assert!(
            matches!(
                open(&seg),
                Err(RingError::CorruptHeader { field: "tail", .. })
            ),
            "{tail}"
        );
        assert!(inspect(seg.path()).is_err());
        let writer = Writer::<Bbo>::create(&seg.config).unwrap();
        assert_eq!(writer.next_seq(), 0);
    }
}
