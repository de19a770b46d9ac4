//! From raw source bytes to the text CPython's tokenizer sees: BOM and
//! PEP 263 coding declaration handling, decoding, newline translation;
//! plus the byte offset → (line, column) index.

use crate::{SyntaxError, Target};

/// Decoded, newline-normalised source text.
pub(crate) struct Source {
    pub text: String,
}

fn err(lineno: u32, offset: i32, msg: impl Into<String>) -> SyntaxError {
    SyntaxError::at(Some(lineno), Some(offset), msg)
}

/// CPython's `get_normal_name`: the utf-8 and latin-1 families get their
/// canonical names, anything else is kept as written.
fn normal_name(name: &str) -> String {
    let buf: String = name
        .chars()
        .take(12)
        .map(|c| {
            if c == '_' {
                '-'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    if buf == "utf-8" || buf.starts_with("utf-8-") {
        "utf-8".to_owned()
    } else if ["latin-1", "iso-8859-1", "iso-latin-1"].contains(&buf.as_str())
        || ["latin-1-", "iso-8859-1-", "iso-latin-1-"]
            .iter()
            .any(|p| buf.starts_with(p))
    {
        "iso-8859-1".to_owned()
    } else {
        name.to_owned()
    }
}

/// Finds a PEP 263 declaration in one line: `^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)`.
fn coding_spec(line: &[u8]) -> Option<String> {
    let mut i = 0;
    while let Some(&c) = line.get(i) {
        if c == b' ' || c == b'\t' || c == 0x0C {
            i += 1;
        } else {
            break;
        }
    }
    if line.get(i) != Some(&b'#') {
        return None;
    }
    let rest = line.get(i..)?;
    let mut start = 0;
    while start + 6 <= rest.len() {
        let found = rest.get(start..)?.windows(6).position(|w| w == b"coding")?;
        let after = start + found + 6;
        start = after;
        match rest.get(after) {
            Some(b':') | Some(b'=') => {}
            _ => continue,
        }
        let mut j = after + 1;
        while matches!(rest.get(j), Some(b' ') | Some(b'\t')) {
            j += 1;
        }
        let name_start = j;
        while let Some(&c) = rest.get(j) {
            if c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'.' {
                j += 1;
            } else {
                break;
            }
        }
        if j > name_start {
            return rest
                .get(name_start..j)
                .map(|b| String::from_utf8_lossy(b).into_owned());
        }
    }
    None
}

/// Whether a line is blank or only a comment (so the declaration may be
/// on the next line).
fn is_blank_or_comment(line: &[u8]) -> bool {
    for &c in line {
        match c {
            b' ' | b'\t' | 0x0C => continue,
            b'#' | b'\n' | b'\r' => return true,
            _ => return false,
        }
    }
    true
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Utf8,
    Latin1,
    Ascii,
    Other(&'static encoding_rs::Encoding),
}

/// Normalises an encoding name like CPython's tokenizer `get_normal_name`
/// and the codec registry, for the encodings this crate decodes.
fn lookup_encoding(name: &str) -> Option<Encoding> {
    let lower: String = name.to_ascii_lowercase().replace('_', "-");
    let is = |base: &str| lower == base || lower.starts_with(&format!("{base}-"));
    if is("utf-8") || lower == "utf8" {
        return Some(Encoding::Utf8);
    }
    if is("latin-1")
        || is("iso-8859-1")
        || is("iso-latin-1")
        || lower == "latin1"
        || lower == "l1"
        || lower == "iso8859-1"
        || lower == "8859"
        || lower == "cp819"
        || lower == "latin"
    {
        return Some(Encoding::Latin1);
    }
    if lower == "ascii" || lower == "us-ascii" || lower == "646" {
        return Some(Encoding::Ascii);
    }
    let label = match lower.as_str() {
        "cp1252" | "windows-1252" => "windows-1252",
        "cp1251" | "windows-1251" => "windows-1251",
        "cp1250" | "windows-1250" => "windows-1250",
        "koi8-r" | "koi8r" => "koi8-r",
        "koi8-u" => "koi8-u",
        "iso-8859-15" | "latin-9" | "latin9" => "iso-8859-15",
        "iso-8859-2" | "latin-2" | "latin2" => "iso-8859-2",
        "iso-8859-5" => "iso-8859-5",
        "iso-8859-7" => "iso-8859-7",
        "shift-jis" | "sjis" | "shiftjis" => "shift_jis",
        "euc-jp" | "eucjp" => "euc-jp",
        "euc-kr" | "euckr" => "euc-kr",
        "gbk" | "cp936" => "gbk",
        "gb18030" => "gb18030",
        "big5" => "big5",
        _ => return None,
    };
    encoding_rs::Encoding::for_label(label.as_bytes()).map(Encoding::Other)
}

fn utf8_error(bytes: &[u8], e: &std::str::Utf8Error, target: Target) -> SyntaxError {
    let abs = e.valid_up_to();
    let bad = bytes.get(abs).copied().unwrap_or(0);
    let before = bytes.get(..abs).unwrap_or(&[]);
    let line =
        u32::try_from(before.iter().filter(|&&c| c == b'\n').count() + 1).unwrap_or(u32::MAX);
    let line_start = before
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |p| p + 1);
    let in_line = before.get(line_start..).unwrap_or(&[]);
    let col = |n: usize| i32::try_from(n + 1).unwrap_or(i32::MAX);
    if target >= Target::PY314 {
        // 3.14 decodes the whole file first.
        return err(
            line,
            col(in_line.len()),
            format!(
                "Non-UTF-8 code starting with '\\x{bad:02x}' on line {line}, but no encoding declared; see https://peps.python.org/pep-0263/ for details"
            ),
        );
    }
    // Earlier versions decode token by token: the error is positioned at
    // the string literal holding the byte (within its body), else at the
    // byte itself.
    let quote = in_line
        .iter()
        .rposition(|&c| c == b'"' || c == b'\'')
        .filter(|&q| {
            let qc = in_line.get(q).copied().unwrap_or(b'"');
            in_line.iter().filter(|&&c| c == qc).count() % 2 == 1
        });
    let (offset, pos) = match quote {
        Some(q) => (col(q), in_line.len() - q - 1),
        None => (col(in_line.len()), 0),
    };
    let reason = match e.error_len() {
        None => "unexpected end of data",
        Some(_) if (0x80..0xC2).contains(&bad) || bad >= 0xF5 => "invalid start byte",
        Some(_) => "invalid continuation byte",
    };
    err(
        line,
        offset,
        format!("(unicode error) 'utf-8' codec can't decode byte 0x{bad:02x} in position {pos}: {reason}"),
    )
}

impl Source {
    pub(crate) fn decode(bytes: &[u8], target: Target) -> Result<Source, SyntaxError> {
        let (bom, body) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) => (true, rest),
            None => (false, bytes),
        };
        if body.contains(&0) {
            return Err(SyntaxError::at(
                None,
                None,
                "source code string cannot contain null bytes",
            ));
        }
        // PEP 263: look at the first two lines.
        let mut lines = body.split_inclusive(|&c| c == b'\n');
        let first = lines.next().unwrap_or(&[]);
        let mut spec = coding_spec(first).map(|s| (s, 1u32));
        if spec.is_none() && is_blank_or_comment(first) {
            if let Some(second) = lines.next() {
                spec = coding_spec(second).map(|s| (s, 2u32));
            }
        }
        let encoding = match spec {
            None => Encoding::Utf8,
            Some((name, line)) => match lookup_encoding(&name) {
                Some(enc) => {
                    if bom && normal_name(&name) != "utf-8" {
                        let msg = format!("encoding problem: {} with BOM", normal_name(&name));
                        return Err(if target >= Target::PY314 {
                            err(line.min(1), 0, msg)
                        } else {
                            err(0, -1, msg)
                        });
                    }
                    enc
                }
                None => {
                    return Err(err(
                        0,
                        -1,
                        format!("unknown encoding: {}", normal_name(&name)),
                    ))
                }
            },
        };
        let decoded: String = match encoding {
            Encoding::Utf8 => match std::str::from_utf8(body) {
                Ok(s) => s.to_owned(),
                Err(e) => return Err(utf8_error(body, &e, target)),
            },
            Encoding::Latin1 => body.iter().map(|&b| char::from(b)).collect(),
            Encoding::Ascii => {
                if let Some(pos) = body.iter().position(|&b| b >= 0x80) {
                    let bad = body.get(pos).copied().unwrap_or(0);
                    return Err(err(
                        0,
                        -1,
                        format!(
                            "'ascii' codec can't decode byte 0x{bad:02x} in position {pos}: ordinal not in range(128)"
                        ),
                    ));
                }
                body.iter().map(|&b| char::from(b)).collect()
            }
            Encoding::Other(enc) => {
                match enc.decode_without_bom_handling_and_without_replacement(body) {
                    Some(text) => text.into_owned(),
                    None => {
                        return Err(err(
                            0,
                            -1,
                            format!(
                                "'{}' codec can't decode bytes",
                                enc.name().to_ascii_lowercase()
                            ),
                        ))
                    }
                }
            }
        };
        // Universal newlines, as the tokenizer does.
        let mut text = String::with_capacity(decoded.len() + 1);
        let mut chars = decoded.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\r' {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                text.push('\n');
            } else {
                text.push(c);
            }
        }
        Ok(Source { text })
    }
}

/// Maps byte offsets of the text to CPython line/column pairs.
pub(crate) struct LineIndex {
    starts: Vec<u32>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let mut starts = vec![0u32];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                starts.push(u32::try_from(i + 1).unwrap_or(u32::MAX));
            }
        }
        LineIndex { starts }
    }

    /// The text of a 1-based line, without its newline.
    pub(crate) fn line_text<'t>(&self, text: &'t str, line: u32) -> &'t str {
        let idx = (line as usize).saturating_sub(1);
        let start = self.starts.get(idx).copied().unwrap_or(0) as usize;
        let end = self
            .starts
            .get(idx + 1)
            .map_or(text.len(), |&e| (e as usize).saturating_sub(1));
        text.get(start..end.max(start)).unwrap_or("")
    }

    /// (1-based line, 0-based byte column) of a byte offset.
    pub(crate) fn line_col(&self, offset: u32) -> (u32, u32) {
        let idx = self.starts.partition_point(|&s| s <= offset);
        let line = idx.max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        (
            u32::try_from(line).unwrap_or(u32::MAX),
            offset.saturating_sub(start),
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn coding_lines() {
        assert_eq!(
            coding_spec(b"# -*- coding: latin-1 -*-\n").as_deref(),
            Some("latin-1")
        );
        assert_eq!(
            coding_spec(b"#vim:fileencoding=utf-8\n").as_deref(),
            Some("utf-8")
        );
        assert_eq!(coding_spec(b"x = 1 # coding: latin-1\n"), None);
    }

    #[test]
    fn newlines_and_bom() {
        let s = Source::decode(b"\xEF\xBB\xBFa\r\nb\rc", Target::PY313).unwrap();
        assert_eq!(s.text, "a\nb\nc");
        let s = Source::decode(b"# coding: latin-1\nx = '\xe9'\n", Target::PY313).unwrap();
        assert!(s.text.contains('\u{e9}'));
        assert!(Source::decode(b"x = '\xff'", Target::PY313).is_err());
        assert!(Source::decode(b"x\0", Target::PY313).is_err());
    }

    #[test]
    fn line_index() {
        let li = LineIndex::new("ab\ncd\n");
        assert_eq!(li.line_col(0), (1, 0));
        assert_eq!(li.line_col(4), (2, 1));
        assert_eq!(li.line_col(6), (3, 0));
    }
}
