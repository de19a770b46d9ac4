//! Errors reading marshal data and `.pyc` files.

/// A problem in marshal data, with the byte offset where it was found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarshalError {
    #[error("truncated marshal data at offset {offset}: expected {needed} more bytes for {what}")]
    Truncated {
        offset: usize,
        needed: usize,
        what: &'static str,
    },
    #[error("unknown marshal type code {code:#04x} ({shown}) at offset {offset}")]
    UnknownType {
        offset: usize,
        code: u8,
        shown: char,
    },
    #[error(
        "invalid marshal reference {index} at offset {offset}: only {count} objects stored so far"
    )]
    BadReference {
        offset: usize,
        index: i64,
        count: usize,
    },
    #[error("marshal reference {index} at offset {offset} points at an object still being read")]
    IncompleteReference { offset: usize, index: usize },
    #[error("marshal data nested more than {limit} levels deep at offset {offset}")]
    TooDeep { offset: usize, limit: usize },
    #[error("invalid length {length} for {what} at offset {offset}")]
    BadLength {
        offset: usize,
        length: i64,
        what: &'static str,
    },
    #[error("unexpected NULL object at offset {offset}")]
    UnexpectedNull { offset: usize },
    #[error("invalid {what} at offset {offset}: {detail}")]
    Invalid {
        offset: usize,
        what: &'static str,
        detail: String,
    },
    #[error("code object field {field} at offset {offset}: expected {expected}, found {found}")]
    BadCodeField {
        offset: usize,
        field: &'static str,
        expected: &'static str,
        found: &'static str,
    },
}

impl MarshalError {
    /// The byte offset (within the marshal data) the error refers to.
    pub fn offset(&self) -> usize {
        match self {
            MarshalError::Truncated { offset, .. }
            | MarshalError::UnknownType { offset, .. }
            | MarshalError::BadReference { offset, .. }
            | MarshalError::IncompleteReference { offset, .. }
            | MarshalError::TooDeep { offset, .. }
            | MarshalError::BadLength { offset, .. }
            | MarshalError::UnexpectedNull { offset }
            | MarshalError::Invalid { offset, .. }
            | MarshalError::BadCodeField { offset, .. } => *offset,
        }
    }
}

/// A problem with a `.pyc` file as a whole.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PycError {
    #[error("empty file")]
    Empty,
    #[error("file too short for a .pyc header: {len} bytes, expected at least {expected}")]
    ShortHeader { len: usize, expected: usize },
    #[error("unknown magic number {magic} (bytes {bytes}); use --pyversion to force a version")]
    UnknownMagic { magic: u16, bytes: String },
    #[error("Python {0} is not supported yet")]
    UnsupportedVersion(pybc_versions::PyVersion),
    #[error(transparent)]
    Marshal(#[from] MarshalError),
}
