//! Decimal numbers as DynamoDB stores them: text, up to 38 significant digits.
//!
//! Written here rather than taken from a crate: `rust_decimal` stops at 28
//! digits and `bigdecimal` brings a bignum library for what the contract needs
//! (a sign test, truncation toward zero, thousands grouping), which are all
//! operations on the digit string itself.

use std::fmt;

/// DynamoDB's limits: 38 significant digits, magnitudes from 1E-130 to 1E+125.
const MAX_SIGNIFICANT_DIGITS: usize = 38;
/// As the position of the leading digit: `0.d × 10^magnitude`, so 1E+125
/// is magnitude 126 and 1E-130 magnitude -129.
const MAX_EXPONENT: i64 = 126;
const MIN_EXPONENT: i64 = -129;

/// A parsed decimal: sign, integer digits (no leading zeros) and fraction
/// digits (as written, trailing zeros kept, as Python's `Decimal` keeps them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decimal {
    negative: bool,
    integer: String,
    fraction: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecimalError {
    #[error("not a decimal number")]
    Syntax,
    #[error("more than {MAX_SIGNIFICANT_DIGITS} significant digits")]
    TooPrecise,
    #[error("outside the range DynamoDB can store")]
    OutOfRange,
}

impl Decimal {
    /// Parses `[+-]digits[.digits][(e|E)[+-]digits]`, the forms DynamoDB accepts.
    pub fn parse(text: &str) -> Result<Self, DecimalError> {
        let (negative, rest) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let (mantissa, exponent) = match rest.find(['e', 'E']) {
            Some(at) => (&rest[..at], parse_exponent(&rest[at + 1..])?),
            None => (rest, 0),
        };
        let (int_part, frac_part) = match mantissa.split_once('.') {
            Some((i, f)) => (i, f),
            None => (mantissa, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (int_part.is_empty() && frac_part.is_empty())
            || !all_digits(int_part)
            || !all_digits(frac_part)
        {
            return Err(DecimalError::Syntax);
        }
        let significant = format!("{int_part}{frac_part}");
        let significant = significant.trim_start_matches('0').trim_end_matches('0');
        if significant.len() > MAX_SIGNIFICANT_DIGITS {
            return Err(DecimalError::TooPrecise);
        }

        // Shift the decimal point by the exponent, on the digit string.
        let mut digits = format!("{int_part}{frac_part}");
        let mut point = int_part.len() as i64 + exponent;
        if !significant.is_empty() {
            let magnitude = point - leading_zeros(&digits) as i64;
            if !(MIN_EXPONENT..=MAX_EXPONENT).contains(&magnitude) {
                return Err(DecimalError::OutOfRange);
            }
        } else {
            // Zero: the exponent carries no information worth expanding.
            point = point.clamp(0, digits.len() as i64);
        }
        if point < 0 {
            digits.insert_str(0, &"0".repeat(point.unsigned_abs() as usize));
            point = 0;
        }
        let point = point as usize;
        if point > digits.len() {
            digits.push_str(&"0".repeat(point - digits.len()));
        }
        let (integer, fraction) = digits.split_at(point);
        Ok(Decimal {
            negative,
            integer: integer.trim_start_matches('0').to_owned(),
            fraction: fraction.to_owned(),
        })
    }

    pub fn is_zero(&self) -> bool {
        self.integer.is_empty() && self.fraction.bytes().all(|b| b == b'0')
    }

    pub fn is_positive(&self) -> bool {
        !self.negative && !self.is_zero()
    }

    /// The integer part, truncated toward zero, as decimal text ("-1.5" → "-1").
    pub fn truncated(&self) -> String {
        if self.integer.is_empty() {
            "0".to_owned()
        } else if self.negative {
            format!("-{}", self.integer)
        } else {
            self.integer.clone()
        }
    }

    /// The number with `,` between groups of three integer digits and the
    /// fraction digits kept: 1234567 → "1,234,567", 1500.5 → "1,500.5".
    pub fn grouped(&self) -> String {
        let integer = if self.integer.is_empty() {
            "0"
        } else {
            &self.integer
        };
        let mut out = String::with_capacity(integer.len() * 4 / 3 + self.fraction.len() + 2);
        if self.negative && !self.is_zero() {
            out.push('-');
        }
        for (i, digit) in integer.chars().enumerate() {
            if i > 0 && (integer.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(digit);
        }
        if !self.fraction.is_empty() {
            out.push('.');
            out.push_str(&self.fraction);
        }
        out
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.truncated())?;
        if !self.fraction.is_empty() {
            write!(f, ".{}", self.fraction)?;
        }
        Ok(())
    }
}

fn leading_zeros(digits: &str) -> usize {
    digits.bytes().take_while(|&b| b == b'0').count()
}

fn parse_exponent(text: &str) -> Result<i64, DecimalError> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || digits.len() > 6 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DecimalError::Syntax);
    }
    text.parse().map_err(|_| DecimalError::Syntax)
}

/// Parses an integer literal the way Python's `int(str)` does for the
/// contract's purposes: optional sign, ASCII digits, surrounding whitespace.
/// Returns the normalised integer text ("  +007 " → "7", "-0" → "0").
pub fn parse_integer_literal(text: &str) -> Option<String> {
    let trimmed = text.trim();
    let (negative, digits) = match trimmed.as_bytes().first() {
        Some(b'-') => (true, &trimmed[1..]),
        Some(b'+') => (false, &trimmed[1..]),
        _ => (false, trimmed),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits = digits.trim_start_matches('0');
    Some(match (digits.is_empty(), negative) {
        (true, _) => "0".to_owned(),
        (false, true) => format!("-{digits}"),
        (false, false) => digits.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    fn grouped(text: &str) -> String {
        Decimal::parse(text).unwrap().grouped()
    }

    fn truncated(text: &str) -> String {
        Decimal::parse(text).unwrap().truncated()
    }

    #[test]
    fn groups_integer_digits_in_threes() {
        assert_eq!(grouped("0"), "0");
        assert_eq!(grouped("7"), "7");
        assert_eq!(grouped("999"), "999");
        assert_eq!(grouped("1000"), "1,000");
        assert_eq!(grouped("14169"), "14,169");
        assert_eq!(grouped("123456"), "123,456");
        assert_eq!(grouped("1234567"), "1,234,567");
    }

    #[test]
    fn keeps_fraction_digits_when_grouping() {
        assert_eq!(grouped("1500.5"), "1,500.5");
        assert_eq!(grouped("1500.50"), "1,500.50");
        assert_eq!(grouped("0.25"), "0.25");
    }

    #[test]
    fn keeps_all_38_digits_exactly() {
        assert_eq!(
            grouped("12345678901234567890123456789012345678"),
            "12,345,678,901,234,567,890,123,456,789,012,345,678"
        );
        assert_eq!(
            grouped("1234567890123456789012345678901234567.8"),
            "1,234,567,890,123,456,789,012,345,678,901,234,567.8"
        );
        // A float would have turned these into ...000 or rounded the last digit.
        assert_eq!(
            truncated("99999999999999999999999999999999999999"),
            "99999999999999999999999999999999999999"
        );
    }

    #[test]
    fn expands_exponents() {
        assert_eq!(grouped("1.5E3"), "1,500");
        assert_eq!(grouped("15e-1"), "1.5");
        assert_eq!(truncated("1E+2"), "100");
        assert_eq!(truncated("1e-5"), "0");
    }

    #[test]
    fn truncates_toward_zero() {
        assert_eq!(truncated("17.095"), "17");
        assert_eq!(truncated("59.999"), "59");
        assert_eq!(truncated("0.4"), "0");
        assert_eq!(truncated("-1.5"), "-1");
        assert_eq!(truncated("-0.5"), "0");
        assert_eq!(truncated("007"), "7");
        assert_eq!(truncated(".5"), "0");
        assert_eq!(truncated("5."), "5");
    }

    #[test]
    fn knows_zero_and_sign() {
        for zero in ["0", "0.000", "-0", "+0.0", "0E5"] {
            let d = Decimal::parse(zero).unwrap();
            assert!(d.is_zero(), "{zero}");
            assert!(!d.is_positive(), "{zero}");
        }
        assert!(Decimal::parse("0.001").unwrap().is_positive());
        assert!(!Decimal::parse("-3").unwrap().is_positive());
    }

    #[test]
    fn rejects_what_is_not_a_dynamodb_number() {
        for bad in [
            "", "-", ".", "abc", "1.2.3", "1e", "1e+", "0x10", " 1", "1_000", "NaN", "inf",
        ] {
            assert_eq!(Decimal::parse(bad), Err(DecimalError::Syntax), "{bad:?}");
        }
        assert_eq!(
            Decimal::parse("123456789012345678901234567890123456789"),
            Err(DecimalError::TooPrecise)
        );
        assert_eq!(Decimal::parse("1E200"), Err(DecimalError::OutOfRange));
        assert_eq!(Decimal::parse("1E-200"), Err(DecimalError::OutOfRange));
        // DynamoDB's bounds exactly: 1E-130 and 9.99…E+125 fit, one step further does not.
        assert!(Decimal::parse("1E-130").is_ok());
        assert!(Decimal::parse("-1E-130").is_ok());
        assert_eq!(Decimal::parse("1E-131"), Err(DecimalError::OutOfRange));
        assert_eq!(Decimal::parse("0.1E-130"), Err(DecimalError::OutOfRange));
        assert!(Decimal::parse("9.9999999999999999999999999999999999999E+125").is_ok());
        assert_eq!(Decimal::parse("1E+126"), Err(DecimalError::OutOfRange));
        assert_eq!(Decimal::parse("1E9999999"), Err(DecimalError::Syntax));
    }

    #[test]
    fn integer_literals_follow_python_int() {
        assert_eq!(parse_integer_literal("12").as_deref(), Some("12"));
        assert_eq!(parse_integer_literal("  +007 ").as_deref(), Some("7"));
        assert_eq!(parse_integer_literal("-42").as_deref(), Some("-42"));
        assert_eq!(parse_integer_literal("-0").as_deref(), Some("0"));
        for bad in ["", " ", "12.5", "1e3", "abc", "+", "- 1"] {
            assert_eq!(parse_integer_literal(bad), None, "{bad:?}");
        }
    }
}
