//! Lenient field decoding for Paradex bodies: integers as numbers or strings, `""` as absent,
//! decimals as strings parsed exactly into `i64` mantissas at 10^-8, ids as decimal strings.

use paradex_proto::decimal::parse_e8;
use serde::Deserialize;
use serde::de::{self, Deserializer};

/// A JSON value that may carry an integer in any of its real-world spellings.
#[derive(Deserialize)]
#[serde(untagged)]
enum IntLike<'a> {
    Unsigned(u64),
    Signed(i64),
    Text(std::borrow::Cow<'a, str>),
    Null(()),
}

fn int_from<'a, E: de::Error>(v: IntLike<'a>) -> Result<Option<u64>, E> {
    match v {
        IntLike::Unsigned(n) => Ok(Some(n)),
        IntLike::Signed(n) => u64::try_from(n)
            .map(Some)
            .map_err(|_| E::custom(format!("negative integer {n}"))),
        IntLike::Text(s) if s.is_empty() => Ok(None),
        IntLike::Text(s) => s
            .parse()
            .map(Some)
            .map_err(|_| E::custom(format!("not an integer: {s:?}"))),
        IntLike::Null(()) => Ok(None),
    }
}

/// `u64` from a number or a numeric string; `""`/`null`/absent → 0.
pub(crate) fn u64_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Ok(int_from(IntLike::deserialize(d)?)?.unwrap_or(0))
}

/// Optional `u64` from a number or a numeric string; `""`/`null` → `None`.
pub(crate) fn opt_u64_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    int_from(IntLike::deserialize(d)?)
}

/// A decimal string (or number) as a mantissa at 10^-8; `""`/`null`/absent → `None`.
pub(crate) fn opt_e8<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum DecLike<'a> {
        Text(std::borrow::Cow<'a, str>),
        Int(i64),
        Null(()),
    }
    match DecLike::deserialize(d)? {
        DecLike::Text(s) if s.is_empty() => Ok(None),
        DecLike::Text(s) => parse_e8(&s)
            .map(Some)
            .map_err(|e| de::Error::custom(format!("decimal {s:?}: {e}"))),
        DecLike::Int(n) => n
            .checked_mul(100_000_000)
            .map(Some)
            .ok_or_else(|| de::Error::custom("decimal overflow")),
        DecLike::Null(()) => Ok(None),
    }
}

/// A decimal as a mantissa at 10^-8; absent → 0.
pub(crate) fn e8_or_zero<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    Ok(opt_e8(d)?.unwrap_or(0))
}

/// A string that may be `""` or `null` (→ `None`).
pub(crate) fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<String>::deserialize(d)?.filter(|s| !s.is_empty()))
}

/// A decimal id string (or number) as `u128`.
pub(crate) fn id_u128<'de, D: Deserializer<'de>>(d: D) -> Result<u128, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum IdLike<'a> {
        Text(std::borrow::Cow<'a, str>),
        Int(u64),
    }
    match IdLike::deserialize(d)? {
        IdLike::Text(s) => s
            .parse()
            .map_err(|_| de::Error::custom(format!("not a decimal id: {s:?}"))),
        IdLike::Int(n) => Ok(u128::from(n)),
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    struct Probe {
        #[serde(default, deserialize_with = "super::u64_lenient")]
        n: u64,
        #[serde(default, deserialize_with = "super::opt_e8")]
        d: Option<i64>,
        #[serde(default, deserialize_with = "super::opt_string")]
        s: Option<String>,
    }

    #[test]
    fn tc0_to_tc5_lenient_forms() {
        let p = |j: &str| serde_json::from_str::<Probe>(j);
        let v = p(r#"{"n":"1681471234972000001","d":"29500.12","s":""}"#).unwrap();
        assert_eq!(
            (v.n, v.d, v.s),
            (1_681_471_234_972_000_001, Some(2_950_012_000_000), None)
        );
        let v = p(r#"{"n":1681471234972000001,"d":"","s":"x"}"#).unwrap();
        assert_eq!(
            (v.n, v.d, v.s.as_deref()),
            (1_681_471_234_972_000_001, None, Some("x"))
        );
        let v = p(r#"{"n":"","d":null}"#).unwrap();
        assert_eq!((v.n, v.d), (0, None));
        assert!(p(r#"{"n":"abc"}"#).is_err());
        assert!(p(r#"{"d":"1.000000001"}"#).is_err());
        assert!(p(r#"{"n":-1}"#).is_err());
    }
}
