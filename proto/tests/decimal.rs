//! Table-driven tests for `paradex_proto::decimal`, plus the SDK signing vectors.

use paradex_proto::decimal::{
    DecimalError, FormattedDecimal, RATE12_SCALE, format_e8, format_scaled, parse_e8, parse_opt_e8,
    parse_scaled, parse_scaled_truncating,
};

#[test]
fn exact_parse_table() {
    let cases: &[(&str, &str, Result<i64, DecimalError>)] = &[
        ("TC0", "29500.12", Ok(2_950_012_000_000)),
        ("TC1", "-0.5", Ok(-50_000_000)),
        ("TC2", "0", Ok(0)),
        ("TC3", "-0", Ok(0)),
        ("TC4", "+1.25", Ok(125_000_000)),
        ("TC5", "0.00000001", Ok(1)),
        ("TC6", "0.000000010000", Ok(1)),
        ("TC7", ".5", Ok(50_000_000)),
        ("TC8", "5.", Ok(500_000_000)),
        ("TC9", "1e-3", Ok(100_000)),
        ("TC10", "1.5E2", Ok(15_000_000_000)),
        ("TC11", "12e+3", Ok(1_200_000_000_000)),
        ("TC12", "92233720368.54775807", Ok(i64::MAX)),
        ("TC13", "-92233720368.54775807", Ok(-i64::MAX)),
        ("TC14", "00000042000.50", Ok(4_200_050_000_000)),
        (
            "TC15",
            "0.000000001",
            Err(DecimalError::TooPrecise { scale: 8 }),
        ),
        (
            "TC16",
            "1.123456789",
            Err(DecimalError::TooPrecise { scale: 8 }),
        ),
        ("TC17", "92233720368.54775808", Err(DecimalError::Overflow)),
        ("TC18", "-92233720368.54775808", Err(DecimalError::Overflow)),
        ("TC19", "1e300", Err(DecimalError::Overflow)),
        ("TC20", "1e-300", Err(DecimalError::TooPrecise { scale: 8 })),
        ("TC21", "0e300", Ok(0)),
        ("TC22", "", Err(DecimalError::Empty)),
        ("TC23", "-", Err(DecimalError::Malformed)),
        ("TC24", ".", Err(DecimalError::Malformed)),
        ("TC25", "1.2.3", Err(DecimalError::Malformed)),
        ("TC26", "1e", Err(DecimalError::Malformed)),
        ("TC27", "e5", Err(DecimalError::Malformed)),
        ("TC28", " 1", Err(DecimalError::InvalidChar(0))),
        ("TC29", "1 ", Err(DecimalError::InvalidChar(1))),
        ("TC30", "1_000", Err(DecimalError::InvalidChar(1))),
        ("TC31", "nan", Err(DecimalError::InvalidChar(0))),
        ("TC32", "+-1", Err(DecimalError::InvalidChar(1))),
        ("TC33", "1e5x", Err(DecimalError::InvalidChar(3))),
        ("TC34", "0x10", Err(DecimalError::InvalidChar(1))),
        (
            "TC35",
            "123456789012345678901234567890",
            Err(DecimalError::Overflow),
        ),
        ("TC36", "1e-8", Ok(1)),
        ("TC37", "0.1e1", Ok(100_000_000)),
    ];
    for (label, input, expected) in cases {
        assert_eq!(parse_e8(input), *expected, "{label}: {input:?}");
    }
}

#[test]
fn optional_and_other_scales() {
    assert_eq!(parse_opt_e8(""), Ok(None));
    assert_eq!(parse_opt_e8("1"), Ok(Some(100_000_000)));
    assert_eq!(parse_opt_e8("x"), Err(DecimalError::InvalidChar(0)));
    assert_eq!(
        parse_scaled("0.00010000001298", RATE12_SCALE),
        Err(DecimalError::TooPrecise { scale: 12 })
    );
    assert_eq!(
        parse_scaled("0.000100000012", RATE12_SCALE),
        Ok(100_000_012)
    );
    assert_eq!(parse_scaled("7", 0), Ok(7));
    assert_eq!(parse_scaled("1", 19), Err(DecimalError::ScaleTooLarge(19)));
    assert_eq!(parse_scaled("9.223372036854775807", 18), Ok(i64::MAX));
}

#[test]
fn truncating_parse_matches_python_decimal() {
    // Expected values are int(Decimal(x).scaleb(8)) from CPython 3.11.
    let cases: &[(&str, i64)] = &[
        ("0.000000019", 1),
        ("-0.000000019", -1),
        ("-0.000000001", 0),
        ("1.123456789", 112_345_678),
        ("1500", 150_000_000_000),
        ("1e-9", 0),
        ("187.65430000999", 18_765_430_000),
    ];
    for (input, expected) in cases {
        assert_eq!(
            parse_scaled_truncating(input, 8),
            Ok(*expected),
            "{input:?}"
        );
    }
    assert_eq!(
        parse_scaled_truncating("abc", 8),
        Err(DecimalError::InvalidChar(0))
    );
    assert_eq!(
        parse_scaled_truncating("1e300", 8),
        Err(DecimalError::Overflow)
    );
}

#[test]
fn truncating_parse_matches_sdk_signing_vectors() {
    let vectors = paradex_proto::test_vectors::load("orders.json");
    assert!(!vectors.is_empty());
    for vector in &vectors {
        let inputs = &vector["inputs"];
        let message = &vector["typed_data"]["message"];
        for field in ["size", "price"] {
            let Some(decimal) = inputs[field].as_str() else {
                continue;
            };
            let signed: i64 = message[field].as_str().unwrap().parse().unwrap();
            assert_eq!(
                parse_scaled_truncating(decimal, 8),
                Ok(signed),
                "{} {field}",
                vector["name"]
            );
        }
    }
}

#[test]
fn format_table() {
    let cases: &[(i64, u32, &str)] = &[
        (4_200_050_000_000, 8, "42000.5"),
        (0, 8, "0"),
        (1, 8, "0.00000001"),
        (-1, 8, "-0.00000001"),
        (-50_000_000, 8, "-0.5"),
        (100_000_000, 8, "1"),
        (i64::MAX, 8, "92233720368.54775807"),
        (i64::MIN, 8, "-92233720368.54775808"),
        (100_000_012, 12, "0.000100000012"),
        (123, 0, "123"),
        (i64::MIN, 18, "-9.223372036854775808"),
    ];
    for (mantissa, scale, expected) in cases {
        let formatted: FormattedDecimal = format_scaled(*mantissa, *scale);
        assert_eq!(formatted.as_str(), *expected);
        assert_eq!(formatted.to_string(), *expected);
    }
}

#[test]
fn format_then_parse_round_trips() {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..20_000 {
        // xorshift: deterministic spread over the whole i64 range and small values.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let mantissa = match state % 3 {
            0 => state as i64,
            1 => (state % 10_000_000_000) as i64 - 5_000_000_000,
            _ => ((state % 1_000) * 100_000) as i64,
        };
        if mantissa == i64::MIN {
            continue;
        }
        let text = format_e8(mantissa);
        assert_eq!(parse_e8(text.as_str()), Ok(mantissa), "{text}");
    }
}
