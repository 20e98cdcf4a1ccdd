//! `docs/ring-layout.md` is the contract for non-Rust readers: check it against the code.

// Files, mappings and processes: Miri runs the in-memory tests in `src/` instead.
#![cfg(not(miri))]

use std::mem::{align_of, offset_of, size_of};

use paradex_ring::layout::{self, offset};
use paradex_ring::{Bbo, RecordKind, ShmRecord};

fn doc() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/ring-layout.md");
    std::fs::read_to_string(path).expect("docs/ring-layout.md")
}

/// Rows `| \`name\` | offset | type |` of the table under `### <kind> (`.
fn doc_fields(doc: &str, kind: &str) -> Vec<(String, usize, String)> {
    let start = doc
        .find(&format!("### {kind} ("))
        .unwrap_or_else(|| panic!("no section for {kind}"));
    doc[start..]
        .lines()
        .skip(1)
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| {
            let cells: Vec<_> = l
                .split('|')
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .collect();
            let name = cells.first()?.strip_prefix('`')?.strip_suffix('`')?;
            let ty = cells.get(2)?.trim_matches('`');
            Some((name.to_owned(), cells.get(1)?.parse().ok()?, ty.to_owned()))
        })
        .collect()
}

#[test]
fn record_tables_match_the_rust_layouts() {
    let doc = doc();
    for kind in RecordKind::ALL {
        let rust: Vec<_> = kind
            .fields()
            .iter()
            .map(|f| (f.name.to_owned(), f.offset, f.ty.numpy().to_owned()))
            .collect();
        assert_eq!(
            doc_fields(&doc, kind.name()),
            rust,
            "{} table differs from Rust",
            kind.name()
        );
        assert_eq!(kind.size(), 56);
        assert_eq!(layout::slot_size(kind.size()), 64);
        assert!(doc.contains(&format!("### {} (kind {})", kind.name(), kind.id())));
    }
}

#[test]
fn header_constants_match_the_doc() {
    let doc = doc();
    assert!(doc.contains(&format!("`{:#018x}`", layout::MAGIC)));
    assert!(doc.contains(&format!(
        "# Ring segment layout, version {}",
        layout::LAYOUT_VERSION
    )));
    for (at, name) in [
        (offset::TAIL, "tail"),
        (offset::HEARTBEAT, "heartbeat_ns"),
        (offset::WRITER_EPOCH, "writer_epoch"),
        (offset::WRITER_STATE, "writer_state"),
    ] {
        assert!(
            doc.contains(&format!("| `{at:#x}` | u64 | `{name}`"))
                || doc.contains(&format!("| `{at:#x}` | i64 | `{name}`")),
            "{name}"
        );
    }
    assert!(doc.contains(&format!(
        "`{:#07x}` | capacity × slot_size | slots",
        offset::DATA
    )));
}

#[test]
fn record_fields_agree_with_offset_of() {
    assert_eq!(offset_of!(Bbo, bid_px), 24);
    assert_eq!(align_of::<Bbo>(), 8);
    assert_eq!(Bbo::WORDS * 8, size_of::<Bbo>());
    let hashes: std::collections::HashSet<_> =
        RecordKind::ALL.iter().map(|k| k.layout_hash()).collect();
    assert_eq!(
        hashes.len(),
        RecordKind::ALL.len(),
        "layout hashes must differ per kind"
    );
    for kind in RecordKind::ALL {
        assert_eq!(RecordKind::from_id(kind.id()), Some(kind));
        assert_eq!(RecordKind::from_name(kind.name()), Some(kind));
    }
}
