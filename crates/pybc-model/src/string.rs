//! Python text strings, which may hold lone surrogates.

use std::borrow::Cow;

/// A Python `str`, kept as marshal wrote it: UTF-8 in which lone surrogates
/// are encoded like any other code point ("surrogatepass"), so it is not
/// always valid Rust UTF-8.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct PyStr {
    data: StrData,
    /// Whether marshal marked the string as interned.
    pub interned: bool,
}

/// A string's bytes, checked once: names are shown many times, and most
/// strings are valid UTF-8.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum StrData {
    Text(Box<str>),
    /// Not valid UTF-8 (lone surrogates, or broken input).
    Raw(Box<[u8]>),
}

impl Default for StrData {
    fn default() -> StrData {
        StrData::Text(Box::default())
    }
}

impl PyStr {
    pub fn new(data: impl Into<Box<[u8]>>, interned: bool) -> PyStr {
        let data = match String::from_utf8(data.into().into_vec()) {
            Ok(text) => StrData::Text(text.into_boxed_str()),
            Err(e) => StrData::Raw(e.into_bytes().into_boxed_slice()),
        };
        PyStr { data, interned }
    }

    /// A (not interned) string with the given text.
    pub fn from_text(s: &str) -> PyStr {
        PyStr {
            data: StrData::Text(s.into()),
            interned: false,
        }
    }

    pub fn as_bytes(&self) -> &[u8] {
        match &self.data {
            StrData::Text(text) => text.as_bytes(),
            StrData::Raw(bytes) => bytes,
        }
    }

    /// The text, when it is valid UTF-8.
    pub fn as_str(&self) -> Option<&str> {
        match &self.data {
            StrData::Text(text) => Some(text),
            StrData::Raw(_) => None,
        }
    }

    /// The text, with undecodable sequences replaced.
    pub fn to_string_lossy(&self) -> Cow<'_, str> {
        match &self.data {
            StrData::Text(text) => Cow::Borrowed(text),
            StrData::Raw(bytes) => String::from_utf8_lossy(bytes),
        }
    }

    /// The code points, surrogates included; a byte that cannot start or
    /// continue a sequence yields U+FFFD.
    pub fn code_points(&self) -> CodePoints<'_> {
        CodePoints {
            rest: self.as_bytes(),
        }
    }

    /// The largest code point, which decides CPython's internal storage width.
    pub fn max_code_point(&self) -> u32 {
        self.code_points().max().unwrap_or(0)
    }
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
