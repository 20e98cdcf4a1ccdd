//! Fixed-point decimals: exact conversion between Paradex decimal strings and `i64` mantissas.
//!
//! Paradex sends every price, size and rate as a JSON string (`"29500.12"`, `"-0.5"`, `""` for
//! absent) and SBE carries the same values as `i64` mantissas at a constant exponent: -8 for
//! prices, quantities and most rates ([`SCALE`]), -12 for precise funding rates
//! ([`RATE12_SCALE`]). This module converts between the two without ever touching a float.
//!
//! Market data must never be silently rounded, so [`parse_scaled`] rejects a value that has
//! more significant fractional digits than the scale can hold. The signing path instead needs
//! the SDK's `int(Decimal(x).scaleb(8))`, which truncates towards zero: that is
//! [`parse_scaled_truncating`]. Both accept an optional sign, an optional decimal point and an
//! optional exponent (`"1e-3"`), like Python's `Decimal`; neither accepts whitespace, `_`,
//! `inf` or `nan`.
//!
//! Magnitudes are limited to `i64::MAX`, so no result is ever `i64::MIN`, the SBE null value.
//!
//! ```
//! use paradex_proto::decimal::{format_e8, parse_e8, parse_opt_e8};
//!
//! assert_eq!(parse_e8("42000.50").unwrap(), 4_200_050_000_000);
//! assert_eq!(parse_opt_e8("").unwrap(), None);
//! assert_eq!(format_e8(4_200_050_000_000).as_str(), "42000.5");
//! assert!(parse_e8("0.000000001").is_err()); // 9 fractional digits: not exact at 1e-8
//! ```

use core::fmt;

/// Exponent (negated) of Price8, Qty8, Value8 and Rate8: `value = mantissa × 10^-8`.
pub const SCALE: u32 = 8;
/// Exponent (negated) of Rate12 (precise funding rates): `value = mantissa × 10^-12`.
pub const RATE12_SCALE: u32 = 12;
/// Largest scale this module handles: `10^18` is the largest power of ten below `i64::MAX`.
pub const MAX_SCALE: u32 = 18;

/// Why a decimal string could not be converted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    /// The string was empty where a value is required.
    #[error("empty decimal string")]
    Empty,
    /// A byte that is not part of the decimal syntax, at this byte offset.
    #[error("invalid character in decimal at byte {0}")]
    InvalidChar(usize),
    /// Sign, point or exponent in the wrong place, or no digits at all.
    #[error("malformed decimal")]
    Malformed,
    /// The value needs more fractional digits than the scale holds (it would be rounded).
    #[error("decimal has more than {scale} significant fractional digits")]
    TooPrecise {
        /// The scale that was requested.
        scale: u32,
    },
    /// The scaled magnitude does not fit in an `i64` (or would be the SBE null value).
    #[error("decimal out of range for an i64 mantissa")]
    Overflow,
    /// The requested scale is above [`MAX_SCALE`].
    #[error("scale {0} is above the supported maximum of 18")]
    ScaleTooLarge(u32),
}

/// Result alias for this module.
pub type Result<T> = core::result::Result<T, DecimalError>;

/// What to do with digits below the scale.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Excess {
    /// Non-zero digits below the scale are an error.
    Reject,
    /// Digits below the scale are dropped (towards zero).
    Truncate,
}

/// Parses `s` exactly into a mantissa at exponent `-8`.
///
/// # Errors
/// [`DecimalError`] for empty or malformed input, more than 8 significant fractional digits, or
/// a magnitude above `i64::MAX`.
#[inline]
pub fn parse_e8(s: &str) -> Result<i64> {
    parse_scaled(s, SCALE)
}

/// Like [`parse_e8`], but `""` (how Paradex spells "absent") gives `None`.
///
/// # Errors
/// As [`parse_e8`] for a non-empty string.
#[inline]
pub fn parse_opt_e8(s: &str) -> Result<Option<i64>> {
    if s.is_empty() {
        Ok(None)
    } else {
        parse_e8(s).map(Some)
    }
}

/// Parses `s` exactly into a mantissa at exponent `-scale`.
///
/// # Errors
/// [`DecimalError`] for empty or malformed input, a non-zero digit below `10^-scale`, a
/// magnitude above `i64::MAX`, or `scale > MAX_SCALE`.
#[inline]
pub fn parse_scaled(s: &str, scale: u32) -> Result<i64> {
    parse(s.as_bytes(), scale, Excess::Reject)
}

/// Parses `s` into a mantissa at exponent `-scale`, dropping digits below `10^-scale` towards
/// zero. This is the SDK's `int(Decimal(s).scaleb(scale))`, used when signing orders; never use
/// it for market data.
///
/// # Errors
/// [`DecimalError`] for empty or malformed input, a magnitude above `i64::MAX`, or
/// `scale > MAX_SCALE`.
#[inline]
pub fn parse_scaled_truncating(s: &str, scale: u32) -> Result<i64> {
    parse(s.as_bytes(), scale, Excess::Truncate)
}

/// Splits `bytes` into sign, digit run (with the point's position) and exponent, then scales.
fn parse(bytes: &[u8], scale: u32, excess: Excess) -> Result<i64> {
    if scale > MAX_SCALE {
        return Err(DecimalError::ScaleTooLarge(scale));
    }
    let (&first, _) = bytes.split_first().ok_or(DecimalError::Empty)?;
    let negative = first == b'-';
    let start = usize::from(first == b'-' || first == b'+');

    // The mantissa part runs up to an 'e'/'E'; anything after it is the exponent.
    let exp_at = bytes[start..]
        .iter()
        .position(|&b| b == b'e' || b == b'E')
        .map(|i| i + start);
    let mantissa_end = exp_at.unwrap_or(bytes.len());
    let exponent = match exp_at {
        Some(at) => parse_exponent(bytes, at + 1)?,
        None => 0,
    };

    let digits = &bytes[start..mantissa_end];
    let mut int_digits = 0usize;
    let mut frac_digits = 0usize;
    let mut seen_point = false;
    for (i, &b) in digits.iter().enumerate() {
        match b {
            b'0'..=b'9' if seen_point => frac_digits += 1,
            b'0'..=b'9' => int_digits += 1,
            b'.' if !seen_point => seen_point = true,
            b'.' => return Err(DecimalError::Malformed),
            _ => return Err(DecimalError::InvalidChar(start + i)),
        }
    }
    if int_digits + frac_digits == 0 {
        return Err(DecimalError::Malformed);
    }

    // Weight (power of ten of the result's unit) of the first digit: the most significant
    // integer digit is 10^(int_digits-1), shifted by the exponent and the scale.
    let first_weight = int_digits as i64 - 1 + exponent + i64::from(scale);
    let magnitude = accumulate(digits, first_weight, scale, excess)?;
    let value = i64::try_from(magnitude).map_err(|_| DecimalError::Overflow)?;
    Ok(if negative { -value } else { value })
}

/// Parses the exponent after `e`, clamped to ±10_000 (any larger value over- or underflows
/// every mantissa anyway, and clamping keeps the weight arithmetic far from `i64` limits).
fn parse_exponent(bytes: &[u8], from: usize) -> Result<i64> {
    let tail = bytes.get(from..).unwrap_or_default();
    let (negative, digits_at) = match tail.first() {
        Some(b'-') => (true, 1),
        Some(b'+') => (false, 1),
        _ => (false, 0),
    };
    let digits = &tail[digits_at..];
    if digits.is_empty() {
        return Err(DecimalError::Malformed);
    }
    let mut value: i64 = 0;
    for (i, &b) in digits.iter().enumerate() {
        if !b.is_ascii_digit() {
            return Err(DecimalError::InvalidChar(from + digits_at + i));
        }
        value = (value * 10 + i64::from(b - b'0')).min(10_000);
    }
    Ok(if negative { -value } else { value })
}

/// Folds the digits (skipping the point) into an unsigned mantissa. Digit `k` (0-based) has
/// weight `first_weight - k`; digits with a negative weight are below the scale.
fn accumulate(digits: &[u8], first_weight: i64, scale: u32, excess: Excess) -> Result<u64> {
    let mut acc: u64 = 0;
    let mut weight = first_weight;
    for &b in digits {
        if b == b'.' {
            continue;
        }
        let digit = u64::from(b - b'0');
        if weight >= 0 {
            acc = acc
                .checked_mul(10)
                .and_then(|a| a.checked_add(digit))
                .ok_or(DecimalError::Overflow)?;
        } else if digit != 0 && excess == Excess::Reject {
            return Err(DecimalError::TooPrecise { scale });
        }
        weight -= 1;
    }
    // `weight` is now the weight just below the last digit; a positive remainder means the
    // digit run ended above the unit (e.g. "12e3"), so shift the accumulated value up.
    let shift = weight + 1;
    if shift > 0 && acc != 0 {
        let factor = u32::try_from(shift)
            .ok()
            .and_then(|s| 10u64.checked_pow(s))
            .ok_or(DecimalError::Overflow)?;
        acc = acc.checked_mul(factor).ok_or(DecimalError::Overflow)?;
    }
    Ok(acc)
}

/// A formatted decimal held on the stack (no allocation); see [`format_scaled`].
#[derive(Clone, Copy)]
pub struct FormattedDecimal {
    bytes: [u8; 40],
    len: u8,
}

impl FormattedDecimal {
    /// The canonical decimal text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // Only ASCII digits, '-' and '.' are ever written, so this cannot fail; the fallback
        // keeps the function total without a panic path.
        core::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl fmt::Display for FormattedDecimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for FormattedDecimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FormattedDecimal({:?})", self.as_str())
    }
}

/// Formats a mantissa at exponent `-8` canonically: no trailing fractional zeros, no point for
/// whole numbers, `-` only for negative values (`4_200_050_000_000` → `"42000.5"`).
#[must_use]
#[inline]
pub fn format_e8(mantissa: i64) -> FormattedDecimal {
    format_scaled(mantissa, SCALE)
}

/// Formats a mantissa at exponent `-scale` canonically (see [`format_e8`]). A scale above
/// [`MAX_SCALE`] is treated as [`MAX_SCALE`].
#[must_use]
pub fn format_scaled(mantissa: i64, scale: u32) -> FormattedDecimal {
    let scale = scale.min(MAX_SCALE);
    let unit = 10u64.pow(scale);
    let magnitude = mantissa.unsigned_abs();
    let (mut int_part, mut frac) = (magnitude / unit, magnitude % unit);
    let mut frac_len = scale;
    while frac != 0 && frac % 10 == 0 {
        frac /= 10;
        frac_len -= 1;
    }

    // Written right to left into a buffer big enough for "-" + 20 digits + "." + 18 digits.
    let mut buf = [0u8; 40];
    let mut at = buf.len();
    if frac != 0 {
        for _ in 0..frac_len {
            at -= 1;
            buf[at] = b'0' + (frac % 10) as u8;
            frac /= 10;
        }
        at -= 1;
        buf[at] = b'.';
    }
    loop {
        at -= 1;
        buf[at] = b'0' + (int_part % 10) as u8;
        int_part /= 10;
        if int_part == 0 {
            break;
        }
    }
    if mantissa < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    let len = buf.len() - at;
    let mut bytes = [0u8; 40];
    bytes[..len].copy_from_slice(&buf[at..]);
    FormattedDecimal {
        bytes,
        len: len as u8,
    }
}
