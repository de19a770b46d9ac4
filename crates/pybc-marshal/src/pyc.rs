//! The `.pyc` container: header, then one marshalled code object.

use pybc_model::{Arena, Obj, Shared};
use pybc_versions::magic::{self, MagicInfo};
use pybc_versions::{Implementation, PyVersion};

use crate::error::PycError;
use crate::reader::Reader;

/// How the interpreter decides whether a `.pyc` is stale (PEP 552).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Validation {
    /// Source modification time and size (the only kind before 3.7).
    Timestamp {
        mtime: u32,
        source_size: Option<u32>,
    },
    /// Source hash; `checked` says whether the interpreter verifies it.
    Hash { hash: [u8; 8], checked: bool },
}

/// A parsed `.pyc` header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PycHeader {
    pub magic: u16,
    pub version: PyVersion,
    pub implementation: Implementation,
    /// The magic table's name for the release, e.g. `3.13`.
    pub label: &'static str,
    /// PEP 552 flags word (3.7+), 0 before.
    pub flags: u32,
    pub validation: Validation,
    /// Header size in bytes: where the marshal data starts.
    pub len: usize,
}

/// A `.pyc` file: its header and its root object (normally a code object).
#[derive(Clone, Debug)]
pub struct Pyc<'a> {
    pub header: PycHeader,
    pub code: Obj<'a>,
    /// What in the tree is reached more than once.
    pub shared: Shared,
}

fn u32_at(data: &[u8], at: usize) -> u32 {
    let mut word = [0u8; 4];
    if let Some(bytes) = data.get(at..at + 4) {
        word.copy_from_slice(bytes);
    }
    u32::from_le_bytes(word)
}

impl PycHeader {
    /// Parses the header. `force` overrides the version the magic number
    /// says (for unknown or altered magic numbers).
    pub fn parse(data: &[u8], force: Option<PyVersion>) -> Result<PycHeader, PycError> {
        if data.is_empty() {
            return Err(PycError::Empty);
        }
        if data.len() < 4 {
            return Err(PycError::ShortHeader {
                len: data.len(),
                expected: 4,
            });
        }
        let magic_word = u16::from_le_bytes([
            data.first().copied().unwrap_or(0),
            data.get(1).copied().unwrap_or(0),
        ]);
        let known: Option<MagicInfo> = magic::lookup(magic_word);
        let (version, implementation, label) = match (force, known) {
            (Some(v), Some(info)) if info.version == v => (v, info.implementation, info.label),
            (Some(v), _) => (v, Implementation::CPython, "forced"),
            (None, Some(info)) => (info.version, info.implementation, info.label),
            (None, None) => {
                let bytes = data
                    .get(..4)
                    .unwrap_or(&[])
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect::<Vec<_>>()
                    .join(" ");
                return Err(PycError::UnknownMagic {
                    magic: magic_word,
                    bytes,
                });
            }
        };
        let len = magic::header_len(version);
        if data.len() < len {
            return Err(PycError::ShortHeader {
                len: data.len(),
                expected: len,
            });
        }
        let (flags, validation) = if len >= 16 {
            let flags = u32_at(data, 4);
            if flags & 1 != 0 {
                let mut hash = [0u8; 8];
                if let Some(bytes) = data.get(8..16) {
                    hash.copy_from_slice(bytes);
                }
                (
                    flags,
                    Validation::Hash {
                        hash,
                        checked: flags & 2 != 0,
                    },
                )
            } else {
                (
                    flags,
                    Validation::Timestamp {
                        mtime: u32_at(data, 8),
                        source_size: Some(u32_at(data, 12)),
                    },
                )
            }
        } else {
            (
                0,
                Validation::Timestamp {
                    mtime: u32_at(data, 4),
                    source_size: (len >= 12).then(|| u32_at(data, 8)),
                },
            )
        };
        Ok(PycHeader {
            magic: magic_word,
            version,
            implementation,
            label,
            flags,
            validation,
            len,
        })
    }
}

impl<'a> Pyc<'a> {
    /// Parses a whole `.pyc` file, allocating its objects in `arena`.
    pub fn parse(
        data: &'a [u8],
        force: Option<PyVersion>,
        arena: &'a Arena,
    ) -> Result<Pyc<'a>, PycError> {
        let header = PycHeader::parse(data, force)?;
        let body = data.get(header.len..).unwrap_or(&[]);
        let loaded = Reader::new(body, header.version, header.len, arena)
            .with_magic(header.magic)
            .read_tree()?;
        Ok(Pyc {
            header,
            code: loaded.root,
            shared: loaded.shared,
        })
    }
}
