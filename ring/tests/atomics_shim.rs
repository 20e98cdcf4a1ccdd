//! Every atomic in `src/` must come from `crate::sync`, the loom shim; otherwise the loom model
//! would silently check something other than what ships.

// Files, mappings and processes: Miri runs the in-memory tests in `src/` instead.
#![cfg(not(miri))]

use std::path::Path;

#[test]
fn only_the_shim_names_std_atomics() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    for entry in std::fs::read_dir(&src).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n == "sync.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        if text.contains("sync::atomic") {
            offenders.push(path.display().to_string());
        }
    }
    assert!(
        offenders.is_empty(),
        "atomics used outside crate::sync: {offenders:?}"
    );
}
