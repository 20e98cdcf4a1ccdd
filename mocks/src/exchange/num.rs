//! Fixed-point numbers: i64 mantissas at exponent -8, as Paradex signs and SBE encodes them.
//!
//! Products of two mantissas go through i128 so a price (~1e13) times a size (~1e10) never
//! overflows.

pub use paradex_proto::decimal::DecimalError;

/// One unit (1.0) as a mantissa.
pub const ONE: i64 = 100_000_000;

/// Parses a Paradex decimal string (`"-12.5"`, `"0.00001"`) exactly into a mantissa at -8.
///
/// # Errors
/// [`DecimalError`] on syntax, more than 8 significant fractional digits, or overflow.
pub fn parse(text: &str) -> Result<i64, DecimalError> {
    paradex_proto::decimal::parse_e8(text)
}

/// Formats a mantissa as the shortest exact decimal string (`150000000000` → `"1500"`).
#[must_use]
pub fn format(value: i64) -> String {
    paradex_proto::decimal::format_e8(value).as_str().to_owned()
}

/// `a × b` for two mantissas, truncated toward zero and saturated to the i64 range.
#[must_use]
pub fn mul(a: i64, b: i64) -> i64 {
    saturate(i128::from(a) * i128::from(b) / i128::from(ONE))
}

/// `a ÷ b` for two mantissas, truncated toward zero; 0 when `b` is 0.
#[must_use]
pub fn div(a: i64, b: i64) -> i64 {
    if b == 0 {
        return 0;
    }
    saturate(i128::from(a) * i128::from(ONE) / i128::from(b))
}

/// Clamps an i128 into i64.
#[must_use]
pub fn saturate(value: i128) -> i64 {
    i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX })
}

/// Whether `value` is a whole multiple of `step` (a zero step accepts everything).
#[must_use]
pub fn is_multiple(value: i64, step: i64) -> bool {
    step == 0 || value % step == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_formats_round_trip() {
        for (text, mantissa) in [
            ("1500", 150_000_000_000),
            ("0.1", 10_000_000),
            ("-0.345", -34_500_000),
            ("0.00000001", 1),
            ("0", 0),
            ("64852.9", 6_485_290_000_000),
        ] {
            assert_eq!(parse(text), Ok(mantissa), "{text}");
            assert_eq!(format(mantissa), text);
        }
        assert_eq!(parse("1.50000000000"), Ok(150_000_000));
    }

    #[test]
    fn rejects_bad_text() {
        for bad in ["", "1.2.3", "abc", "0.000000001", "99999999999999999999"] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn multiplies_without_overflow() {
        assert_eq!(
            mul(parse("65000").unwrap(), parse("100").unwrap()),
            parse("6500000").unwrap()
        );
        assert_eq!(
            div(parse("1").unwrap(), parse("4").unwrap()),
            parse("0.25").unwrap()
        );
        assert_eq!(div(1, 0), 0);
    }
}
