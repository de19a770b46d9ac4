//! Code objects → instructions → listings.
//!
//! [`decode`] turns a code object into [`Instruction`]s carrying the fields
//! of `dis.Instruction`; [`TextPrinter`] prints them exactly as the
//! matching CPython's `dis.dis` does. Version differences come from
//! `pybc_versions` (opcode tables and declared format rules).

mod columns;
mod decode;
pub mod info;
pub mod json;
pub mod linetable;
mod optable;
mod text;

pub use decode::{
    arguments, decode, ArgValue, CacheField, CodeListing, Decoder, Dialect, ExceptionEntry,
    Instruction,
};
pub use text::{CodeAddresses, FlushHook, TextOptions, TextPrinter};

use pybc_versions::opcodes::OpcodeTable;
use pybc_versions::rules::DisRules;
use pybc_versions::{Implementation, PyVersion};

/// Code objects nested deeper than this are not listed (marshal's own
/// depth limit keeps real files far below it).
pub const MAX_CODE_NESTING: usize = 1000;

/// Error for a version pybc cannot disassemble.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("disassembly of Python {0} bytecode is not supported yet")]
pub struct UnsupportedVersion(pub PyVersion);

impl Dialect {
    /// The tables and rules for a CPython version.
    pub fn for_version(version: PyVersion) -> Result<Dialect, UnsupportedVersion> {
        Self::for_implementation(version, Implementation::CPython)
    }

    /// The tables and rules for a version of CPython or PyPy (whose `dis`
    /// is that of the CPython version it implements, over its own opcodes).
    pub fn for_implementation(
        version: PyVersion,
        implementation: Implementation,
    ) -> Result<Dialect, UnsupportedVersion> {
        let table = OpcodeTable::for_implementation(version, implementation)
            .ok_or(UnsupportedVersion(version))?;
        let rules = DisRules::for_version(version).ok_or(UnsupportedVersion(version))?;
        Ok(Dialect {
            table,
            rules,
            ops: optable::op_tables(table),
        })
    }
}
