//! Python text strings, which may hold lone surrogates.

use std::borrow::Cow;

/// A Python `str`, kept as marshal wrote it: UTF-8 in which lone surrogates
/// are encoded like any other code point ("surrogatepass"), so it is not
/// always valid Rust UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PyStr<'a> {
    data: StrData<'a>,
    /// Whether marshal marked the string as interned.
    pub interned: bool,
}

/// A string's bytes, checked once: names are shown many times, and most
/// strings are valid UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum StrData<'a> {
    Text(&'a str),
    /// Not valid UTF-8 (lone surrogates, or broken input).
    Raw(&'a [u8]),
}

impl Default for StrData<'_> {
    fn default() -> Self {
        StrData::Text("")
    }
}

impl<'a> PyStr<'a> {
    /// The string marshal wrote as `data` (borrowed, checked as UTF-8 once).
    pub fn new(data: &'a [u8], interned: bool) -> PyStr<'a> {
        let data = if data.is_ascii() {
            StrData::Text(ascii_text(data))
        } else {
            match std::str::from_utf8(data) {
                Ok(text) => StrData::Text(text),
                Err(_) => StrData::Raw(data),
            }
        };
        PyStr { data, interned }
    }

    /// A (not interned) string with the given text.
    pub fn from_text(s: &'a str) -> PyStr<'a> {
        PyStr {
            data: StrData::Text(s),
            interned: false,
        }
    }

    pub fn as_bytes(&self) -> &'a [u8] {
        match self.data {
            StrData::Text(text) => text.as_bytes(),
            StrData::Raw(bytes) => bytes,
        }
    }

    /// The text, when it is valid UTF-8.
    pub fn as_str(&self) -> Option<&'a str> {
        match self.data {
            StrData::Text(text) => Some(text),
            StrData::Raw(_) => None,
        }
    }

    /// The text, with undecodable sequences replaced.
    pub fn to_string_lossy(&self) -> Cow<'a, str> {
        match self.data {
            StrData::Text(text) => Cow::Borrowed(text),
            StrData::Raw(bytes) => String::from_utf8_lossy(bytes),
        }
    }

    /// The code points, surrogates included; a byte that cannot start or
    /// continue a sequence yields U+FFFD.
    pub fn code_points(&self) -> CodePoints<'a> {
        CodePoints {
            rest: self.as_bytes(),
        }
    }

    /// The largest code point, which decides CPython's internal storage width.
    pub fn max_code_point(&self) -> u32 {
        self.code_points().max().unwrap_or(0)
    }
}

/// `data`, which the caller found to be ASCII, as text.
#[allow(unsafe_code)]
#[inline(always)]
fn ascii_text(data: &[u8]) -> &str {
    debug_assert!(data.is_ascii());
    // SAFETY: ASCII bytes are valid UTF-8, and the caller checked that
    // `data` is ASCII. `str::from_utf8` would check it again, in a call
    // made for every name and string of every module (2 % of a listing's
    // time), where the ASCII check is a few inlined instructions.
    unsafe { std::str::from_utf8_unchecked(data) }
}

/// Iterator over the code points of a [`PyStr`].
pub struct CodePoints<'a> {
    rest: &'a [u8],
}

impl Iterator for CodePoints<'_> {
    type Item = u32;

    fn next(&mut self) -> Option<u32> {
        let (&first, tail) = self.rest.split_first()?;
        let (len, init) = match first {
            0x00..=0x7f => (1, u32::from(first)),
            0xc0..=0xdf => (2, u32::from(first & 0x1f)),
            0xe0..=0xef => (3, u32::from(first & 0x0f)),
            0xf0..=0xf7 => (4, u32::from(first & 0x07)),
            _ => {
                self.rest = tail;
                return Some(0xfffd);
            }
        };
        let Some(cont) = tail.get(..len - 1) else {
            self.rest = &[];
            return Some(0xfffd);
        };
        if cont.iter().any(|b| b & 0xc0 != 0x80) {
            self.rest = tail;
            return Some(0xfffd);
        }
        let cp = cont
            .iter()
            .fold(init, |acc, b| (acc << 6) | u32::from(b & 0x3f));
        self.rest = tail.get(len - 1..).unwrap_or(&[]);
        Some(cp)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surrogates_decode() {
        let s = PyStr::new(&b"a\xed\xa0\x80\xc3\xa9"[..], false);
        assert_eq!(
            s.code_points().collect::<Vec<_>>(),
            vec![0x61, 0xd800, 0xe9]
        );
        assert_eq!(s.max_code_point(), 0xd800);
    }

    #[test]
    fn truncated_sequence() {
        let s = PyStr::new(&b"\xe2\x82"[..], false);
        assert_eq!(s.code_points().collect::<Vec<_>>(), vec![0xfffd]);
    }
}
