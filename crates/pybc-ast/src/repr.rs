//! Python `repr()` of the constant kinds that appear in an AST.

use crate::ast::{Constant, PyInt, PyStr};
use crate::printable_table::NON_PRINTABLE;

/// `str.isprintable()` for one code point, as CPython 3.13.
pub fn is_printable(cp: u32) -> bool {
    if cp < 0x80 {
        return (0x20..0x7F).contains(&cp);
    }
    let idx = NON_PRINTABLE.partition_point(|&(_, hi)| hi < cp);
    match NON_PRINTABLE.get(idx) {
        Some(&(lo, hi)) => !(lo <= cp && cp <= hi),
        None => true,
    }
}

fn push_hex(out: &mut String, prefix: &str, value: u32, width: usize) {
    out.push_str(prefix);
    out.push_str(&format!("{value:0width$x}"));
}

/// `repr(str)`.
pub fn repr_str(s: &PyStr) -> String {
    let cps = s.code_points();
    let has_single = cps.contains(&u32::from('\''));
    let has_double = cps.contains(&u32::from('"'));
    let quote = if has_single && !has_double { '"' } else { '\'' };
    let mut out = String::with_capacity(cps.len() + 2);
    out.push(quote);
    for cp in cps {
        match cp {
            0x5C => out.push_str("\\\\"),
            0x09 => out.push_str("\\t"),
            0x0A => out.push_str("\\n"),
            0x0D => out.push_str("\\r"),
            _ if cp == u32::from(quote) => {
                out.push('\\');
                out.push(quote);
            }
            _ if cp < 0x20 || cp == 0x7F => push_hex(&mut out, "\\x", cp, 2),
            _ if cp < 0x7F => out.push(char::from_u32(cp).unwrap_or('?')),
            _ if is_printable(cp) => match char::from_u32(cp) {
                Some(c) => out.push(c),
                None => push_hex(&mut out, "\\u", cp, 4),
            },
            _ if cp <= 0xFF => push_hex(&mut out, "\\x", cp, 2),
            _ if cp <= 0xFFFF => push_hex(&mut out, "\\u", cp, 4),
            _ => push_hex(&mut out, "\\U", cp, 8),
        }
    }
    out.push(quote);
    out
}

/// `repr(bytes)`.
pub fn repr_bytes(b: &[u8]) -> String {
    let has_single = b.contains(&b'\'');
    let has_double = b.contains(&b'"');
    let quote = if has_single && !has_double {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::with_capacity(b.len() + 3);
    out.push('b');
    out.push(char::from(quote));
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ if c == quote => {
                out.push('\\');
                out.push(char::from(quote));
            }
            0x20..=0x7E => out.push(char::from(c)),
            _ => push_hex(&mut out, "\\x", u32::from(c), 2),
        }
    }
    out.push(char::from(quote));
    out
}

/// Formats a float like CPython's `float_repr_style == 'short'` ('r'
/// format); `add_dot_zero` appends `.0` to integral fixed-point results
/// (as `repr(float)` does, and complex repr does not).
fn format_float_r(x: f64, add_dot_zero: bool) -> String {
    if x.is_nan() {
        return "nan".to_owned();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "inf".to_owned()
        } else {
            "-inf".to_owned()
        };
    }
    // Rust's `{:e}` yields the shortest round-tripping digits.
    let sci = format!("{x:e}");
    let (neg, sci) = match sci.strip_prefix('-') {
        Some(rest) => (true, rest.to_owned()),
        None => (false, sci),
    };
    let (mant, exp) = match sci.split_once('e') {
        Some((m, e)) => (m.to_owned(), e.parse::<i32>().unwrap_or(0)),
        None => (sci.clone(), 0),
    };
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    let ndigits = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    if (-4..16).contains(&exp) {
        // Fixed notation; decimal point after (exp + 1) digits.
        let point = exp + 1;
        if point <= 0 {
            out.push_str("0.");
            for _ in 0..(-point) {
                out.push('0');
            }
            out.push_str(&digits);
        } else if point >= ndigits {
            out.push_str(&digits);
            for _ in 0..(point - ndigits) {
                out.push('0');
            }
            if add_dot_zero {
                out.push_str(".0");
            }
        } else {
            let split = usize::try_from(point).unwrap_or(0);
            let (a, b) = digits.split_at(split.min(digits.len()));
            out.push_str(a);
            out.push('.');
            out.push_str(b);
        }
    } else {
        let mut chars = digits.chars();
        if let Some(first) = chars.next() {
            out.push(first);
        }
        let rest: String = chars.collect();
        if !rest.is_empty() {
            out.push('.');
            out.push_str(&rest);
        }
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        out.push_str(&format!("{:02}", exp.unsigned_abs()));
    }
    out
}

/// `repr(float)`.
pub fn repr_float(x: f64) -> String {
    format_float_r(x, true)
}

/// `repr(complex)`.
pub fn repr_complex(real: f64, imag: f64) -> String {
    if real == 0.0 && real.is_sign_positive() {
        return format!("{}j", format_float_r(imag, false));
    }
    let re = format_float_r(real, false);
    let im = format_float_r(imag, false);
    let sign = if im.starts_with('-') { "" } else { "+" };
    format!("({re}{sign}{im}j)")
}

/// Decimal digits of a base-2**32 little-endian magnitude.
pub fn limbs_to_decimal(limbs: &[u32]) -> String {
    let mut work: Vec<u32> = limbs.to_vec();
    while work.last() == Some(&0) {
        work.pop();
    }
    if work.is_empty() {
        return "0".to_owned();
    }
    let mut chunks: Vec<u32> = Vec::new();
    while !work.is_empty() {
        let mut rem: u64 = 0;
        for limb in work.iter_mut().rev() {
            let cur = (rem << 32) | u64::from(*limb);
            *limb = u32::try_from(cur / 1_000_000_000).unwrap_or(0);
            rem = cur % 1_000_000_000;
        }
        chunks.push(u32::try_from(rem).unwrap_or(0));
        while work.last() == Some(&0) {
            work.pop();
        }
    }
    let mut out = String::new();
    for (i, chunk) in chunks.iter().rev().enumerate() {
        if i == 0 {
            out.push_str(&chunk.to_string());
        } else {
            out.push_str(&format!("{chunk:09}"));
        }
    }
    out
}

/// `repr(int)`.
pub fn repr_int(v: &PyInt) -> String {
    v.to_string()
}

/// `repr()` of a constant value.
pub fn repr_constant(c: &Constant) -> String {
    match c {
        Constant::None => "None".to_owned(),
        Constant::Bool(true) => "True".to_owned(),
        Constant::Bool(false) => "False".to_owned(),
        Constant::Ellipsis => "Ellipsis".to_owned(),
        Constant::Int(v) => repr_int(v),
        Constant::Float(f) => repr_float(*f),
        Constant::Complex { real, imag } => repr_complex(*real, *imag),
        Constant::Str(s) => repr_str(s),
        Constant::Bytes(b) => repr_bytes(b),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn floats() {
        for (x, s) in [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (1.5e300, "1.5e+300"),
            (123.456, "123.456"),
            (f64::INFINITY, "inf"),
            (0.0, "0.0"),
            (2.5e-7, "2.5e-07"),
        ] {
            assert_eq!(repr_float(x), s);
        }
        assert_eq!(repr_complex(0.0, 1.0), "1j");
        assert_eq!(repr_complex(0.0, 1e20), "1e+20j");
        assert_eq!(repr_complex(0.0, 1.5), "1.5j");
    }

    #[test]
    fn strings() {
        assert_eq!(repr_str(&PyStr::Utf8("it's".into())), "\"it's\"");
        assert_eq!(repr_str(&PyStr::Utf8("'\"".into())), "'\\'\"'");
        assert_eq!(
            repr_str(&PyStr::CodePoints(vec![0xD800, 0x7F, 0xE9, 0x2028])),
            "'\\ud800\\x7fé\\u2028'"
        );
        assert_eq!(repr_bytes(b"\x00\xff'"), "b\"\\x00\\xff'\"");
    }

    #[test]
    fn big_ints() {
        assert_eq!(limbs_to_decimal(&[0, 1]), "4294967296");
        assert_eq!(limbs_to_decimal(&[]), "0");
    }
}
