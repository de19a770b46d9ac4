//! `repr(float)` and `repr(complex)`: CPython's `PyOS_double_to_string` in
//! its `'r'` mode (shortest digits that round-trip).

/// Shortest round-trip decimal digits of a finite, non-zero `|x|` and the
/// position of the decimal point (`x = 0.DIGITS × 10^decpt`), as CPython's
/// `_Py_dg_dtoa` mode 0 gives them.
fn shortest_digits(x: f64) -> (String, i32) {
    // Rust's `{:e}` writes the shortest digits that round-trip, closest to
    // the exact value, as `D.DDDDeX`.
    let s = format!("{:e}", x.abs());
    let (mantissa, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let exp: i32 = exp.parse().unwrap_or(0);
    (break_tie(x.abs(), digits), exp.saturating_add(1))
}

/// When `x` lies exactly halfway between two shortest candidates, Rust
/// rounds half up but David Gay's dtoa (CPython) rounds half even: returns
/// the candidate with an even last digit.
fn break_tie(x: f64, digits: String) -> String {
    let n = digits.len();
    // A tie needs an exact expansion of n + 1 digits ending in 5, which
    // rounded to n + 2 digits ends in "50" (exactly, no rounding). Most
    // values fail this cheap test and skip the 767-digit expansion.
    let rounded = format!("{x:.*e}", n + 1);
    if !rounded
        .split_once('e')
        .is_some_and(|(m, _)| m.ends_with("50"))
    {
        return digits;
    }
    // The exact decimal expansion of a double has at most 767 significant
    // digits, so this is exact.
    let exact = format!("{x:.767e}");
    let exact_digits: String = exact
        .split_once('e')
        .map(|(m, _)| m)
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let exact_digits = exact_digits.trim_end_matches('0');
    if exact_digits.len() != n + 1 || !exact_digits.ends_with('5') {
        return digits;
    }
    let low = exact_digits.get(..n).unwrap_or("");
    // ASCII digits keep their parity.
    let low_even = low.bytes().last().is_some_and(|d| d & 1 == 0);
    // Just above a power of two the gap below is half the gap above, so the
    // lower candidate may not read back as `x`; then there is no tie.
    let exponent = exact.split_once('e').map_or("0", |(_, e)| e);
    let low_reads_back = format!("0.{low}e{}", exponent.parse::<i32>().unwrap_or(0) + 1)
        .parse::<f64>()
        .is_ok_and(|back| back == x);
    if low_even && low_reads_back {
        return low.to_string();
    }
    if !low_reads_back {
        return digits;
    }
    // The higher candidate: `low` plus one unit in the last place.
    let mut high: Vec<u8> = low.bytes().collect();
    for d in high.iter_mut().rev() {
        if *d == b'9' {
            *d = b'0';
        } else {
            *d += 1;
            return String::from_utf8(high).unwrap_or(digits);
        }
    }
    digits
}

/// `PyOS_double_to_string(x, 'r', 0, flags)`: `always_sign` is
/// `Py_DTSF_SIGN`, `add_dot_0` is `Py_DTSF_ADD_DOT_0`.
pub(crate) fn format_r(x: f64, always_sign: bool, add_dot_0: bool) -> String {
    if x.is_nan() {
        // CPython ignores the sign of a NaN.
        return if always_sign { "+nan" } else { "nan" }.to_string();
    }
    let mut out = String::new();
    if x.is_sign_negative() {
        out.push('-');
    } else if always_sign {
        out.push('+');
    }
    if x.is_infinite() {
        out.push_str("inf");
        return out;
    }
    let (digits, decpt) = if x == 0.0 {
        ("0".to_string(), 1)
    } else {
        shortest_digits(x)
    };
    let ndigits = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    if decpt <= -4 || decpt > 16 {
        // Exponent form: D[.DDD]e±XX, at least two exponent digits.
        let mut chars = digits.chars();
        if let Some(first) = chars.next() {
            out.push(first);
        }
        let rest: String = chars.collect();
        if !rest.is_empty() {
            out.push('.');
            out.push_str(&rest);
        }
        let exp = decpt - 1;
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.unsigned_abs()));
    } else if decpt <= 0 {
        out.push_str("0.");
        for _ in 0..decpt.unsigned_abs() {
            out.push('0');
        }
        out.push_str(&digits);
    } else if decpt >= ndigits {
        out.push_str(&digits);
        for _ in 0..(decpt - ndigits) {
            out.push('0');
        }
        if add_dot_0 {
            out.push_str(".0");
        }
    } else {
        let (int_part, frac) = digits.split_at(usize::try_from(decpt).unwrap_or(0));
        out.push_str(int_part);
        out.push('.');
        out.push_str(frac);
    }
    out
}

/// Python's `repr(float)` (3.x, and 2.7 which uses the same short repr):
/// the shortest digits that round-trip, in exponent form when the decimal
/// exponent is below -4 or at least 16 (`1e+16`, `1e-05`), otherwise
/// positional with at least one fractional digit (`1.0`, `0.0001`);
/// `inf`, `-inf`, `nan`, `-0.0`.
pub fn repr_float(x: f64) -> String {
    format_r(x, false, true)
}

/// `repr(float)` before short reprs (1.x–2.6 and 3.0): C's `%.<precision>g`,
/// then `.0` added when the text has neither a point nor an exponent.
pub fn repr_float_g(x: f64, precision: usize) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf" } else { "inf" }.into();
    }
    let mut out = format_g(x, precision.clamp(1, 40));
    if !out.contains(['.', 'e']) {
        out.push_str(".0");
    }
    out
}

/// `repr(complex)` before short reprs: each part as C's `%.<precision>g`,
/// the real part left out when it equals zero (`-0.0` too).
pub(crate) fn repr_complex_g(real: f64, imag: f64, precision: usize) -> String {
    let part = |x: f64| {
        if x.is_nan() {
            "nan".to_string()
        } else if x.is_infinite() {
            if x < 0.0 { "-inf" } else { "inf" }.to_string()
        } else {
            format_g(x, precision.clamp(1, 40))
        }
    };
    if real == 0.0 {
        format!("{}j", part(imag))
    } else {
        let imag_text = part(imag);
        let sign = if imag_text.starts_with('-') { "" } else { "+" };
        format!("({}{sign}{imag_text}j)", part(real))
    }
}

/// C's `%.<precision>g` for a finite `x`.
fn format_g(x: f64, precision: usize) -> String {
    // Scientific form first, to learn the decimal exponent after rounding.
    let sci = format!("{:.*e}", precision.saturating_sub(1), x);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i64 = exp.parse().unwrap_or(0);
    let strip = |s: &str| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s.to_string()
        }
    };
    if exp < -4 || exp >= precision as i64 {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", strip(mantissa), exp.unsigned_abs())
    } else {
        let decimals = usize::try_from(precision as i64 - 1 - exp).unwrap_or(0);
        strip(&format!("{x:.decimals$}"))
    }
}

/// Python's `repr(complex)`: `1j`, `-0j`, `(1+2j)`, `(-0-0j)`, `(nan+infj)`.
pub(crate) fn repr_complex(real: f64, imag: f64) -> String {
    if real == 0.0 && real.is_sign_positive() {
        format!("{}j", format_r(imag, false, false))
    } else {
        format!(
            "({}{}j)",
            format_r(real, false, false),
            format_r(imag, true, false)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats() {
        let cases: &[(f64, &str)] = &[
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1e-4, "0.0001"),
            (1e-5, "1e-05"),
            (1.5e300, "1.5e+300"),
            (2f64.powi(-24), "5.960464477539063e-08"),
            (5e-324, "5e-324"),
            (123.456, "123.456"),
            (-950386572941847.2, "-950386572941847.2"),
            (0.5, "0.5"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
        ];
        for &(x, want) in cases {
            assert_eq!(repr_float(x), want, "{x:?}");
        }
    }

    #[test]
    fn floats_before_short_repr() {
        let cases: &[(f64, &str)] = &[
            (0.1, "0.10000000000000001"),
            (1.0, "1.0"),
            (1e16, "10000000000000000.0"),
            (1e17, "1e+17"),
            (1e-5, "1.0000000000000001e-05"),
            (0.5, "0.5"),
            (-2.5e-300, "-2.5e-300"),
            (f64::INFINITY, "inf"),
        ];
        for &(x, want) in cases {
            assert_eq!(repr_float_g(x, 17), want, "{x:?}");
        }
        for (x, want) in [
            (0.1, "0.1"),
            (std::f64::consts::PI, "3.14159265359"),
            (1e12, "1e+12"),
        ] {
            assert_eq!(repr_float_g(x, 12), want, "{x:?}");
        }
    }

    #[test]
    fn complexes() {
        assert_eq!(repr_complex(0.0, 1.0), "1j");
        assert_eq!(repr_complex(0.0, -0.0), "-0j");
        assert_eq!(repr_complex(-0.0, -0.0), "(-0-0j)");
        assert_eq!(repr_complex(1.0, 2.0), "(1+2j)");
        assert_eq!(repr_complex(f64::NAN, f64::INFINITY), "(nan+infj)");
        assert_eq!(repr_complex(0.0, f64::INFINITY), "infj");
        assert_eq!(repr_complex_g(0.0, 0.1, 17), "0.10000000000000001j");
        assert_eq!(repr_complex_g(-0.0, 2.0, 17), "2j");
        assert_eq!(repr_complex_g(1.5, -2.0, 12), "(1.5-2j)");
    }
}
