//! `str.isprintable()` per version's Unicode database.
//!
//! The tables (`printable_tables.rs`) list the non-printable code points of
//! the Unicode database of each version from 3.6 to 3.13 (dumped from the
//! interpreters themselves) and 3.14 (Unicode 16.0, derived from the
//! `unicodedata2` package with CPython's rule, which the generator first
//! checks against 3.13). A version without its own table uses the newest
//! older one: 3.15 and later use 3.14's (3.15 may ship a newer database,
//! whose new characters would then print escaped); versions before 3.6 use
//! 3.6's.

use pybc_versions::PyVersion;

use crate::printable_tables::TABLES;

/// The non-printable ranges `version`'s `str.isprintable()` uses.
pub(crate) fn table_for(version: PyVersion) -> &'static [(u32, u32)] {
    let minor = if version.major > 3 {
        u8::MAX
    } else {
        version.minor
    };
    let mut best = TABLES.first().map(|t| t.2).unwrap_or(&[]);
    for &(m, _, table) in TABLES {
        if m <= minor {
            best = table;
        }
    }
    best
}

/// The Unicode database version behind [`table_for`].
pub fn unicode_version(version: PyVersion) -> &'static str {
    let minor = if version.major > 3 {
        u8::MAX
    } else {
        version.minor
    };
    let mut best = TABLES.first().map(|t| t.1).unwrap_or("");
    for &(m, uv, _) in TABLES {
        if m <= minor {
            best = uv;
        }
    }
    best
}

/// Whether `cp` is printable according to `table` (sorted, inclusive ranges
/// of non-printable code points).
pub(crate) fn is_printable(table: &[(u32, u32)], cp: u32) -> bool {
    let idx = table.partition_point(|&(_, end)| end < cp);
    !matches!(table.get(idx), Some(&(start, _)) if start <= cp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups() {
        let t = table_for(PyVersion::new(3, 13));
        assert!(!is_printable(t, 0));
        assert!(is_printable(t, 0x41));
        assert!(!is_printable(t, 0xa0));
        assert!(is_printable(t, 0xe9));
        assert!(!is_printable(t, 0xd800));
        assert!(!is_printable(t, 0x10ffff));
        assert_eq!(unicode_version(PyVersion::new(3, 13)), "15.1.0");
        assert_eq!(unicode_version(PyVersion::new(3, 14)), "16.0.0");
        assert_eq!(unicode_version(PyVersion::new(3, 15)), "16.0.0");
        assert_eq!(unicode_version(PyVersion::new(3, 6)), "9.0.0");
        assert_eq!(unicode_version(PyVersion::new(3, 10)), "13.0.0");
    }
}
