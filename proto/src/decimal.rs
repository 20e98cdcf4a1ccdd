//! Fixed-point decimals at exponent -8: exact parsing and formatting of Paradex decimal strings.
