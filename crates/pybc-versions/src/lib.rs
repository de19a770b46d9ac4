//! Everything that differs between Python versions, kept as data.
//!
//! - [`magic`]: the magic number of every CPython release (1.0 to 3.15,
//!   pre-releases included) and PyPy, and what it says about the `.pyc` header.
//! - [`layout`]: which fields a marshalled code object has in each version.
//! - [`opcodes`]: each version's opcode table, generated from that
//!   interpreter's own `opcode`/`dis` modules by `scripts/gen_opcodes.py`.

use std::fmt;

pub mod layout;
pub mod magic;
pub mod opcodes;
pub mod rules;

/// A Python language version, `major.minor`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PyVersion {
    pub major: u8,
    pub minor: u8,
}

impl PyVersion {
    pub const fn new(major: u8, minor: u8) -> PyVersion {
        PyVersion { major, minor }
    }

    /// Whether this version is at least `major.minor`.
    pub const fn at_least(self, major: u8, minor: u8) -> bool {
        self.major > major || (self.major == major && self.minor >= minor)
    }
}

impl fmt::Display for PyVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Error for a version string that is not `X.Y`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid Python version {0:?}: expected MAJOR.MINOR such as 3.13")]
pub struct ParseVersionError(pub String);

impl std::str::FromStr for PyVersion {
    type Err = ParseVersionError;

    fn from_str(s: &str) -> Result<PyVersion, ParseVersionError> {
        let err = || ParseVersionError(s.to_string());
        let mut parts = s.trim().split('.');
        let major = parts.next().and_then(|p| p.parse().ok()).ok_or_else(err)?;
        let minor = parts.next().and_then(|p| p.parse().ok()).ok_or_else(err)?;
        // A patch level ("3.13.0") is accepted and ignored.
        if let Some(patch) = parts.next() {
            if patch.parse::<u16>().is_err() || parts.next().is_some() {
                return Err(err());
            }
        }
        Ok(PyVersion { major, minor })
    }
}

/// Which interpreter family wrote a file.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Implementation {
    CPython,
    PyPy,
}
