//! Magic numbers: the first two bytes of a `.pyc` name the bytecode format.
//!
//! CPython changes the number whenever the bytecode changes, pre-releases
//! included, so each minor version owns a range. The values come from the
//! table in each release's `importlib/_bootstrap_external.py` (3.13 and
//! earlier) and `Include/internal/pycore_magic_number.h` (3.14 and later);
//! 1.0–1.4 predate that table. PyPy writes its own numbers.

use crate::{Implementation, PyVersion};

/// What a magic number says about a file.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct MagicInfo {
    pub magic: u16,
    pub version: PyVersion,
    pub implementation: Implementation,
    /// A human-readable name such as `3.13` or `PyPy 3.9`.
    pub label: &'static str,
}

/// One row of the table: an inclusive range of magic numbers.
struct MagicRange {
    first: u16,
    last: u16,
    version: PyVersion,
    implementation: Implementation,
    label: &'static str,
}

const fn cpython(first: u16, last: u16, major: u8, minor: u8, label: &'static str) -> MagicRange {
    MagicRange {
        first,
        last,
        version: PyVersion::new(major, minor),
        implementation: Implementation::CPython,
        label,
    }
}

const fn pypy(magic: u16, major: u8, minor: u8, label: &'static str) -> MagicRange {
    MagicRange {
        first: magic,
        last: magic,
        version: PyVersion::new(major, minor),
        implementation: Implementation::PyPy,
        label,
    }
}

/// Every known magic number. Ranges never overlap; 3.x ranges include the
/// version's alphas, betas and release candidates, and the blocks CPython
/// reserves for a version (50 numbers from 3.12 on).
const TABLE: &[MagicRange] = &[
    cpython(39170, 39170, 1, 0, "1.0"),
    cpython(39171, 39171, 1, 1, "1.1/1.2"),
    cpython(11913, 11913, 1, 3, "1.3"),
    cpython(5892, 5892, 1, 4, "1.4"),
    cpython(20121, 20121, 1, 5, "1.5"),
    cpython(50428, 50428, 1, 6, "1.6"),
    cpython(50823, 50823, 2, 0, "2.0"),
    cpython(60202, 60202, 2, 1, "2.1"),
    cpython(60717, 60717, 2, 2, "2.2"),
    cpython(62011, 62021, 2, 3, "2.3"),
    cpython(62041, 62061, 2, 4, "2.4"),
    cpython(62071, 62131, 2, 5, "2.5"),
    cpython(62151, 62161, 2, 6, "2.6"),
    cpython(62171, 62211, 2, 7, "2.7"),
    cpython(3000, 3131, 3, 0, "3.0"),
    cpython(3141, 3151, 3, 1, "3.1"),
    cpython(3160, 3180, 3, 2, "3.2"),
    cpython(3190, 3230, 3, 3, "3.3"),
    cpython(3250, 3310, 3, 4, "3.4"),
    cpython(3320, 3351, 3, 5, "3.5"),
    cpython(3360, 3379, 3, 6, "3.6"),
    cpython(3390, 3399, 3, 7, "3.7"),
    cpython(3400, 3419, 3, 8, "3.8"),
    cpython(3420, 3429, 3, 9, "3.9"),
    cpython(3430, 3449, 3, 10, "3.10"),
    cpython(3450, 3499, 3, 11, "3.11"),
    cpython(3500, 3549, 3, 12, "3.12"),
    cpython(3550, 3599, 3, 13, "3.13"),
    cpython(3600, 3649, 3, 14, "3.14"),
    cpython(3650, 3699, 3, 15, "3.15"),
    // PyPy 2.7 and 3.2 added 7 to CPython's number; later PyPy 3.x numbers
    // are small and unrelated to CPython's.
    pypy(62218, 2, 7, "PyPy 2.7"),
    pypy(3187, 3, 2, "PyPy 3.2"),
    pypy(48, 3, 2, "PyPy 3.2"),
    pypy(64, 3, 3, "PyPy 3.3"),
    pypy(112, 3, 5, "PyPy 3.5"),
    pypy(160, 3, 6, "PyPy 3.6"),
    pypy(192, 3, 6, "PyPy 3.6"),
    pypy(224, 3, 7, "PyPy 3.7"),
    pypy(240, 3, 7, "PyPy 3.7"),
    pypy(256, 3, 8, "PyPy 3.8"),
    pypy(320, 3, 9, "PyPy 3.9"),
    pypy(336, 3, 9, "PyPy 3.9"),
    pypy(384, 3, 10, "PyPy 3.10"),
    pypy(416, 3, 11, "PyPy 3.11"),
];

/// The magic number of each version's final release (what its `.pyc`
/// files normally carry).
const FINALS: &[(u8, u8, u16)] = &[
    (1, 0, 39170),
    (1, 1, 39171),
    (1, 2, 39171),
    (1, 3, 11913),
    (1, 4, 5892),
    (1, 5, 20121),
    (1, 6, 50428),
    (2, 0, 50823),
    (2, 1, 60202),
    (2, 2, 60717),
    (2, 3, 62011),
    (2, 4, 62061),
    (2, 5, 62131),
    (2, 6, 62161),
    (2, 7, 62211),
    (3, 0, 3131),
    (3, 1, 3151),
    (3, 2, 3180),
    (3, 3, 3230),
    (3, 4, 3310),
    (3, 5, 3351),
    (3, 6, 3379),
    (3, 7, 3394),
    (3, 8, 3413),
    (3, 9, 3425),
    (3, 10, 3439),
    (3, 11, 3495),
    (3, 12, 3531),
    (3, 13, 3571),
    (3, 14, 3627),
    (3, 15, 3666),
];

/// What the magic number says, or `None` if no known release wrote it.
pub fn lookup(magic: u16) -> Option<MagicInfo> {
    TABLE
        .iter()
        .find(|row| (row.first..=row.last).contains(&magic))
        .map(|row| MagicInfo {
            magic,
            version: row.version,
            implementation: row.implementation,
            label: row.label,
        })
}

/// The magic number a final CPython release of `version` writes.
pub fn final_magic(version: PyVersion) -> Option<u16> {
    FINALS
        .iter()
        .find(|(major, minor, _)| PyVersion::new(*major, *minor) == version)
        .map(|(_, _, magic)| *magic)
}

/// Every known magic number, pre-releases included.
pub fn all() -> impl Iterator<Item = MagicInfo> {
    TABLE.iter().flat_map(|row| {
        (row.first..=row.last).map(move |magic| MagicInfo {
            magic,
            version: row.version,
            implementation: row.implementation,
            label: row.label,
        })
    })
}

/// Size of the `.pyc` header: magic and mtime before 3.3, plus the source
/// size from 3.3, plus the PEP 552 flags word from 3.7.
pub const fn header_len(version: PyVersion) -> usize {
    if version.at_least(3, 7) {
        16
    } else if version.at_least(3, 3) {
        12
    } else {
        8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finals_resolve_to_their_version() {
        for &(major, minor, magic) in FINALS {
            let info = lookup(magic).unwrap();
            assert_eq!(info.implementation, Implementation::CPython);
            // 1.2 shares 1.1's number.
            if (major, minor) != (1, 2) {
                assert_eq!(info.version, PyVersion::new(major, minor), "{magic}");
            }
        }
    }

    #[test]
    fn ranges_do_not_overlap() {
        let mut seen = std::collections::HashSet::new();
        for info in all() {
            assert!(seen.insert(info.magic), "{} listed twice", info.magic);
        }
    }

    #[test]
    fn pre_releases_and_pypy() {
        assert_eq!(lookup(3550).unwrap().version, PyVersion::new(3, 13));
        assert_eq!(lookup(3494).unwrap().version, PyVersion::new(3, 11));
        assert_eq!(lookup(62218).unwrap().implementation, Implementation::PyPy);
        assert_eq!(lookup(336).unwrap().version, PyVersion::new(3, 9));
        assert!(lookup(1).is_none());
        assert!(lookup(3440).is_some());
        assert!(lookup(0xffff).is_none());
    }

    #[test]
    fn header_sizes() {
        assert_eq!(header_len(PyVersion::new(2, 7)), 8);
        assert_eq!(header_len(PyVersion::new(3, 6)), 12);
        assert_eq!(header_len(PyVersion::new(3, 13)), 16);
    }
}
