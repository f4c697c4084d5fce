//! Decimal text to a finite `f64`: the same texts accepted, and the same
//! (correctly rounded) values, as `str::parse::<f64>()`, minus its size.
//!
//! Why not `str::parse`: core's parser carries the Eisel-Lemire tables
//! (128-bit powers of five), about 13 KB of the gzipped bundle, for the two
//! numbers the Worker reads as text (request.cf's coordinates and the edge
//! cache's stored-at header). `lexical-parse-float` with its `compact`
//! feature rounds just as correctly from small tables; the tests below pin
//! it to core's results.

use lexical_parse_float::FromLexical;

/// `text` as a finite number; `None` when it is not a decimal number in
/// Rust's float syntax (no surrounding spaces) or is infinite or NaN.
pub fn finite_f64(text: &str) -> Option<f64> {
    f64::from_lexical(text.as_bytes())
        .ok()
        .filter(|value| value.is_finite())
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    /// What the Worker used before: core's parser, finite values only.
    fn core(text: &str) -> Option<f64> {
        text.parse::<f64>().ok().filter(|value| value.is_finite())
    }

    fn same(text: &str) {
        assert_eq!(
            finite_f64(text).map(f64::to_bits),
            core(text).map(f64::to_bits),
            "{text:?}"
        );
    }

    #[test]
    fn agrees_with_core_on_edge_cases() {
        let long_nines = "9".repeat(800);
        let long_halfway = format!("9007199254740993{}", "0".repeat(700));
        let long_above_halfway = format!("9007199254740993{}1", "0".repeat(700));
        let texts = [
            // Syntax: what core accepts and rejects.
            "",
            " ",
            "+",
            "-",
            ".",
            "e",
            "e5",
            "1e",
            "1e+",
            "1e-",
            "1.",
            ".5",
            "+.5",
            "-.5",
            "+1",
            "--1",
            "+-1",
            "1..2",
            "1.2.3",
            "1e5.5",
            " 1",
            "1 ",
            "1_000",
            "0x10",
            "1f",
            "1d",
            "١",
            "inf",
            "-inf",
            "+infinity",
            "Infinity",
            "INF",
            "nan",
            "NaN",
            "-nan",
            "infx",
            "nana",
            "0",
            "-0",
            "+0",
            "0.0",
            "-0.0",
            "00",
            "007",
            "0e0",
            "0E-0",
            "1E5",
            "1e+05",
            "1e-05",
            // Values: typical coordinates and stored-at times.
            "37.78190",
            "-122.39750",
            "51.50740",
            "-0.12780",
            "90",
            "-90.0",
            "180.000000",
            "1767323045678",
            "1767323045678.0",
            "1767323045678.5",
            "0.05",
            "12.3456",
            "1e-7",
            "0.1",
            "0.2",
            "0.3",
            "123456789012345678901234567890",
            // Rounding: exact halfway cases, subnormals, overflow, long inputs.
            "9007199254740992",
            "9007199254740993",
            "9007199254740995",
            "1e23",
            "8.98846567431158e307",
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "1.7976931348623159e308",
            "1e308",
            "1e309",
            "2.2250738585072011e-308",
            "2.2250738585072014e-308",
            "4.9e-324",
            "5e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "1e-400",
            "1e400",
            "1e-99999999999",
            "1e99999999999",
            "0.000000000000000000000000000000000000000000001e45",
            "2.00000000000000011102230246251565404236316680908203125",
            "2.00000000000000011102230246251565404236316680908203124",
            "2.00000000000000011102230246251565404236316680908203126",
            &long_nines,
            &long_halfway,
            &long_above_halfway,
        ];
        for text in texts {
            same(text);
        }
    }

    /// Random texts over the characters of float syntax (and a few others),
    /// from a fixed seed: long digit runs, signs, exponents, specials.
    #[test]
    fn agrees_with_core_on_random_texts() {
        const ALPHABET: &[u8] = b"0123456789012345678901234567890123456789..eE+-+-infatyNIFx _";
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..20_000 {
            let len = (next() % 40) as usize;
            let text: String = (0..len)
                .map(|_| char::from(ALPHABET[(next() % ALPHABET.len() as u64) as usize]))
                .collect();
            same(&text);
            // And in the shape of a well-formed number, so most are accepted.
            let digits = |n: u64, next: &mut dyn FnMut() -> u64| -> String {
                (0..n)
                    .map(|_| char::from(b'0' + (next() % 10) as u8))
                    .collect()
            };
            let int = digits(next() % 25, &mut next);
            let frac = digits(next() % 25, &mut next);
            let exp = (next() % 700) as i64 - 350;
            let sign = ["", "-", "+"][(next() % 3) as usize];
            same(&format!("{sign}{int}.{frac}"));
            same(&format!("{sign}{int}.{frac}e{exp}"));
            same(&format!("{sign}{int}e{exp}"));
        }
    }
}
