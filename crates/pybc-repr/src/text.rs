//! `repr()` of text and byte strings.

use pybc_model::PyStr;
use pybc_versions::PyVersion;

use crate::printable;

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Appends `\` + `lead` + the low `width` hex digits of `value` (lowercase).
fn push_hex_escape(out: &mut String, lead: char, value: u32, width: u32) {
    out.push('\\');
    out.push(lead);
    for i in (0..width).rev() {
        let nibble = (value >> (4 * i)) & 0xf;
        let digit = HEX
            .get(usize::try_from(nibble).unwrap_or(0))
            .copied()
            .unwrap_or(b'0');
        out.push(char::from(digit));
    }
}

/// The quote CPython picks: `'` unless the text has `'` and no `"`.
fn pick_quote(has_single: bool, has_double: bool) -> char {
    if has_single && !has_double {
        '"'
    } else {
        '\''
    }
}

/// `repr(bytes)` in Python 3 (`b'...'`) or `repr(str)` in Python 2 (`'...'`).
/// Python 1.x and 2.0's `repr(str)`: every byte outside `' '..'~' as a
/// three-digit octal escape (`\012`), only the quote and backslash escaped
/// otherwise.
pub(crate) fn repr_bytes_octal(data: &[u8]) -> String {
    let quote = pick_quote(data.contains(&b'\''), data.contains(&b'"'));
    let mut out = String::with_capacity(data.len() + 3);
    out.push(quote);
    for &b in data {
        match b {
            b'\\' => out.push_str("\\\\"),
            _ if char::from(b) == quote => {
                out.push('\\');
                out.push(quote);
            }
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out.push(quote);
    out
}

pub(crate) fn repr_bytes(data: &[u8], prefix: &str) -> String {
    let quote = pick_quote(data.contains(&b'\''), data.contains(&b'"'));
    let mut out = String::with_capacity(data.len() + 3);
    out.push_str(prefix);
    out.push(quote);
    for &b in data {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ if char::from(b) == quote => {
                out.push('\\');
                out.push(quote);
            }
            0x20..=0x7e => out.push(char::from(b)),
            _ => push_hex_escape(&mut out, 'x', u32::from(b), 2),
        }
    }
    out.push(quote);
    out
}

/// `repr(str)` in Python 3 (`unicode_repr`): printable characters as they
/// are, the rest escaped as `\xNN`, `\uNNNN` or `\UNNNNNNNN`.
#[cfg(test)]
pub(crate) fn repr_str3(s: &PyStr, version: PyVersion) -> String {
    let mut out = String::new();
    write_repr_str3(&mut out, s, version);
    out
}

/// [`repr_str3`], appended to `out`.
pub(crate) fn write_repr_str3(out: &mut String, s: &PyStr, version: PyVersion) {
    match s
        .as_str()
        .map(|text| (text, AsciiScan::of(text.as_bytes())))
    {
        Some((text, scan)) if scan.ascii => write_ascii_repr(out, text, &scan),
        _ => write_code_point_repr(out, s, version),
    }
}

/// What the `repr` of an ASCII string depends on, found in one pass.
struct AsciiScan {
    ascii: bool,
    single_quote: bool,
    double_quote: bool,
    /// A control character, DEL or a backslash: something to escape.
    escapes: bool,
}

impl AsciiScan {
    fn of(data: &[u8]) -> AsciiScan {
        // Whole 32-byte blocks branch-free on bytes, so the compiler
        // vectorises the loop (docstrings); the rest (most strings are
        // names and messages of a few words) eight bytes at a time.
        let blocks = data.len() & !31;
        let (body, tail) = data.split_at(blocks);
        let (mut high, mut single, mut double, mut special) = (0u8, 0u8, 0u8, 0u8);
        for &b in body {
            high |= b & 0x80;
            single |= u8::from(b == b'\'');
            double |= u8::from(b == b'"');
            special |= u8::from(b < 0x20) | u8::from(b == 0x7f) | u8::from(b == b'\\');
        }
        let (mut high8, mut single8, mut double8, mut special8) = (0u64, 0u64, 0u64, 0u64);
        for start in (0..tail.len()).step_by(8) {
            let word = padded_word(tail, start);
            high8 |= word & HIGHS;
            single8 |= bytes_equal(word, b'\'');
            double8 |= bytes_equal(word, b'"');
            special8 |=
                bytes_below(word, 0x20) | bytes_equal(word, 0x7f) | bytes_equal(word, b'\\');
        }
        AsciiScan {
            ascii: high == 0 && high8 == 0,
            single_quote: single != 0 || single8 != 0,
            double_quote: double != 0 || double8 != 0,
            escapes: special != 0 || special8 != 0,
        }
    }
}

/// One byte in each byte of a word.
const ONES: u64 = 0x0101_0101_0101_0101;
/// The top bit of each byte of a word.
const HIGHS: u64 = 0x8080_8080_8080_8080;

/// The 8 bytes of `data` from `start`, as a little-endian word; past the
/// end, `a` (which nothing escapes or looks for).
fn padded_word(data: &[u8], start: usize) -> u64 {
    let mut bytes = [b'a'; 8];
    let rest = data.get(start..).unwrap_or_default();
    let n = rest.len().min(8);
    if let (Some(to), Some(from)) = (bytes.get_mut(..n), rest.get(..n)) {
        to.copy_from_slice(from);
    }
    u64::from_le_bytes(bytes)
}

/// Top bits set in the bytes of `word` equal to `byte`. Exact as to
/// whether there is one and where the first is (a borrow can mark bytes
/// after a true one too).
fn bytes_equal(word: u64, byte: u8) -> u64 {
    let v = word ^ ONES.wrapping_mul(u64::from(byte));
    v.wrapping_sub(ONES) & !v & HIGHS
}

/// Top bits set in the bytes of `word` below `n` (at most 0x80), for a
/// word of ASCII bytes; exact in the same way as [`bytes_equal`].
fn bytes_below(word: u64, n: u8) -> u64 {
    word.wrapping_sub(ONES.wrapping_mul(u64::from(n))) & !word & HIGHS
}

/// [`write_repr_str3`] for any string, one code point at a time.
fn write_code_point_repr(out: &mut String, s: &PyStr, version: PyVersion) {
    let data = s.as_bytes();
    let quote = pick_quote(
        s.code_points().any(|cp| cp == 0x27),
        s.code_points().any(|cp| cp == 0x22),
    );
    let table = printable::table_for(version);
    out.reserve(data.len() + 2);
    out.push(quote);
    for cp in s.code_points() {
        match cp {
            0x5c => out.push_str("\\\\"),
            0x09 => out.push_str("\\t"),
            0x0a => out.push_str("\\n"),
            0x0d => out.push_str("\\r"),
            _ if cp == u32::from(quote) => {
                out.push('\\');
                out.push(quote);
            }
            0x00..=0x1f | 0x7f => push_hex_escape(out, 'x', cp, 2),
            // Printable ASCII: `cp` fits a byte.
            0x20..=0x7e => out.push(char::from(cp as u8)),
            _ => match char::from_u32(cp) {
                Some(c) if printable::is_printable(table, cp) => out.push(c),
                _ if cp <= 0xff => push_hex_escape(out, 'x', cp, 2),
                _ if cp <= 0xffff => push_hex_escape(out, 'u', cp, 4),
                _ => push_hex_escape(out, 'U', cp, 8),
            },
        }
    }
    out.push(quote);
}

/// The Python 3 `repr` of an ASCII-only string, given its [`AsciiScan`]:
/// runs of printable characters are copied whole, the rest escaped.
fn write_ascii_repr(out: &mut String, text: &str, scan: &AsciiScan) {
    let data = text.as_bytes();
    let quote = pick_quote(scan.single_quote, scan.double_quote);
    let quote_byte = quote as u8;
    out.reserve(data.len() + 2);
    out.push(quote);
    // The quote chosen appears in the text only when both do.
    if !(scan.escapes || (scan.single_quote && scan.double_quote)) {
        out.push_str(text);
        out.push(quote);
        return;
    }
    let mut run_start = 0;
    let mut at = 0;
    while at < data.len() {
        // The next byte to escape, eight bytes at a time (docstrings run
        // for dozens of bytes between line ends).
        let word = padded_word(data, at);
        let to_escape = bytes_below(word, 0x20)
            | bytes_equal(word, 0x7f)
            | bytes_equal(word, b'\\')
            | bytes_equal(word, quote_byte);
        if to_escape == 0 {
            at += 8;
            continue;
        }
        let i = at + (to_escape.trailing_zeros() / 8) as usize;
        at = i + 1;
        let Some(&b) = data.get(i) else {
            break;
        };
        if let Some(run) = text.get(run_start..i) {
            out.push_str(run);
        }
        run_start = i + 1;
        match b {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            _ if b == quote_byte => {
                out.push('\\');
                out.push(quote);
            }
            _ => push_hex_escape(out, 'x', u32::from(b), 2),
        }
    }
    if let Some(run) = text.get(run_start..) {
        out.push_str(run);
    }
    out.push(quote);
}

/// `repr(unicode)` in Python 2 (`unicodeescape_string` with quotes, wide
/// build): everything outside printable ASCII is escaped.
pub(crate) fn repr_unicode2(s: &PyStr) -> String {
    let cps: Vec<u32> = s.code_points().collect();
    let quote = pick_quote(cps.contains(&0x27), cps.contains(&0x22));
    let mut out = String::with_capacity(cps.len() + 3);
    out.push('u');
    out.push(quote);
    for &cp in &cps {
        match cp {
            0x5c => out.push_str("\\\\"),
            _ if cp == u32::from(quote) => {
                out.push('\\');
                out.push(quote);
            }
            0x1_0000.. => push_hex_escape(&mut out, 'U', cp, 8),
            0x100..=0xffff => push_hex_escape(&mut out, 'u', cp, 4),
            0x09 => out.push_str("\\t"),
            0x0a => out.push_str("\\n"),
            0x0d => out.push_str("\\r"),
            0x20..=0x7e => out.extend(char::from_u32(cp)),
            _ => push_hex_escape(&mut out, 'x', cp, 2),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_quotes() {
        assert_eq!(repr_bytes(b"it's", "b"), "b\"it's\"");
        assert_eq!(repr_bytes(b"'\"", "b"), "b'\\'\"'");
        assert_eq!(repr_bytes(b"\x00\t\xff", ""), "'\\x00\\t\\xff'");
    }

    /// `repr` of an ASCII `str`: that of the same bytes without a prefix,
    /// which `repr_bytes` works out one byte at a time.
    #[test]
    fn ascii_str3_matches_the_rules_at_every_length_and_position() {
        let v = PyVersion::new(3, 11);
        let specials = [
            b'\'', b'"', b'\\', b'\n', b'\t', b'\r', 0x01, 0x1f, 0x7f, b' ', b'~',
        ];
        for len in 0usize..80 {
            for &special in &specials {
                for &other in &specials {
                    for at in [0, len / 3, len / 2, len.saturating_sub(1)] {
                        let mut data = vec![b'x'; len];
                        if let Some(b) = data.get_mut(at) {
                            *b = special;
                        }
                        if let Some(b) = data.get_mut(len.saturating_sub(1 + at)) {
                            *b = other;
                        }
                        let s = PyStr::new(&data, false);
                        assert_eq!(repr_str3(&s, v), repr_bytes(&data, ""), "{data:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn str3() {
        let v = PyVersion::new(3, 13);
        let s = PyStr::new(
            &b"\xc3\xa9\xed\xa0\x80\xe2\x80\xa8\xf0\x9f\x98\x80\x7f"[..],
            false,
        );
        assert_eq!(repr_str3(&s, v), "'é\\ud800\\u2028😀\\x7f'");
    }

    #[test]
    fn ascii_fast_path_agrees_with_the_code_point_path() {
        let v = PyVersion::new(3, 13);
        let samples: [&[u8]; 10] = [
            b"",
            b"\\",
            b"a docstring long enough to be scanned in several vector steps",
            b"a docstring long enough to be scanned, with one \x7f near its end",
            b"plain text",
            b"it's",
            b"both ' and \"",
            b"only \"",
            b"tab\tnl\ncr\rbs\\nul\x00del\x7f",
            b"\x01\x1f~ end",
        ];
        for data in samples {
            let s = PyStr::new(data, false);
            let mut fast = String::new();
            let text = std::str::from_utf8(data).unwrap();
            write_ascii_repr(&mut fast, text, &AsciiScan::of(data));
            let mut slow = String::new();
            write_code_point_repr(&mut slow, &s, v);
            assert_eq!(fast, slow, "{data:?}");
        }
    }

    #[test]
    fn unicode2() {
        let s = PyStr::from_text("é\u{2028}😀'");
        assert_eq!(repr_unicode2(&s), "u\"\\xe9\\u2028\\U0001f600'\"");
    }
}
