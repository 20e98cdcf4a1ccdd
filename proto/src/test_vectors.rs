//! The official SDK's signing vectors (`<workspace>/../shared/paradex/vectors/*.json`), for the
//! tests of this crate and of `paradex-exec` only: behind the `test-vectors` feature, never in
//! a product build (the product must not need `../shared` at run time).

use std::path::PathBuf;

use serde_json::Value;

use crate::typed_data::Felt;

/// The `vectors` array of one vector file (e.g. `orders.json`).
///
/// # Panics
/// A missing or malformed file: the tests cannot run without it.
pub fn load(file: &str) -> Vec<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/paradex/vectors")
        .join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: Value = serde_json::from_str(&text).expect("vector file is JSON");
    doc["vectors"].as_array().expect("vectors array").clone()
}

/// A string field.
///
/// # Panics
/// Not a string.
pub fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

/// A felt written in hex or decimal.
///
/// # Panics
/// Not a felt.
pub fn felt(v: &Value) -> Felt {
    let s = text(v);
    Felt::from_hex(s)
        .or_else(|_| Felt::from_dec_str(s))
        .expect("felt")
}
