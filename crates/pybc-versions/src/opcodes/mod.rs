//! Per-version opcode tables, generated from each interpreter's own
//! `opcode` and `dis` modules (see `scripts/gen_opcodes.py`).

use crate::{Implementation, PyVersion};

#[rustfmt::skip]
mod generated;

/// How `dis` turns an instruction's argument into its `argval`/`argrepr`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum ArgKind {
    /// The opcode takes no argument.
    None,
    /// A number shown as is, with no description.
    Plain,
    /// Index into `co_consts`.
    Const,
    /// Index into `co_names`.
    Name,
    /// `LOAD_GLOBAL`: name index `arg >> 1`, low bit pushes NULL.
    Global,
    /// `LOAD_ATTR` (3.12+): name index `arg >> 1`, low bit loads a method.
    Attr,
    /// `LOAD_SUPER_ATTR`: name index `arg >> 2`, low bit loads a method.
    SuperAttr,
    /// `IMPORT_NAME` (3.15+): name index `arg >> 2`, low bits lazy/eager.
    ImportName,
    /// A jump; see [`Jump`] for its direction.
    Jump,
    /// Two local variable indexes packed in 4-bit halves.
    LocalPair,
    /// Index into the local variables.
    Local,
    /// Index into cell and free variables.
    Free,
    /// A comparison from `cmp_op`.
    Compare,
    /// `CONVERT_VALUE`'s conversion (str/repr/ascii).
    ConvertValue,
    /// `FORMAT_VALUE`'s conversion and format-spec flag.
    FormatValue,
    /// `MAKE_FUNCTION`/`SET_FUNCTION_ATTRIBUTE` flags.
    FunctionFlags,
    /// `BINARY_OP`'s operator.
    BinaryOp,
    Intrinsic1,
    Intrinsic2,
    /// `LOAD_COMMON_CONSTANT`'s constant.
    CommonConstant,
    /// `LOAD_SPECIAL`'s method name.
    SpecialMethod,
    /// `IS_OP`: `is` or `is not`.
    IsOp,
    /// `CONTAINS_OP`: `in` or `not in`.
    ContainsOp,
    /// 3.4/3.5 `CALL_FUNCTION*`: `N positional, M keyword pair` from the
    /// argument's two bytes.
    Nargs,
}

/// Direction and base of a jump argument.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Jump {
    None,
    /// Relative to the next instruction (after inline caches).
    Forward,
    /// Relative to the next instruction, backwards.
    Backward,
    /// An absolute instruction index.
    Absolute,
}

/// Facts about one opcode number in one version.
#[derive(Copy, Clone, Debug)]
pub struct OpInfo {
    /// The name `dis` prints (`<N>` for an unassigned number).
    pub name: &'static str,
    /// The base opcode a specialised one stands for (itself otherwise).
    pub deopt: u8,
    /// Whether the (base) opcode uses its argument.
    pub has_arg: bool,
    pub arg_kind: ArgKind,
    pub jump: Jump,
    /// Number of 2-byte inline cache entries that follow the instruction.
    pub cache_entries: u8,
    /// Names and sizes (in entries) of the inline cache fields.
    pub cache_format: &'static [(&'static str, u8)],
}

/// One version's complete opcode table.
#[derive(Debug)]
pub struct OpcodeTable {
    pub version: PyVersion,
    /// PyPy adds opcodes of its own to CPython's table.
    pub implementation: Implementation,
    pub have_argument: u8,
    pub extended_arg: u8,
    /// `COMPARE_OP`'s argument is `cmp_op[arg >> compare_shift]`.
    pub compare_shift: u8,
    /// `COMPARE_OP`'s bit 16 means "coerce to bool" (3.13+).
    pub compare_bool: bool,
    pub cmp_op: &'static [&'static str],
    pub nb_ops: &'static [&'static str],
    pub intrinsic1: &'static [&'static str],
    pub intrinsic2: &'static [&'static str],
    pub common_constants: &'static [&'static str],
    pub special_methods: &'static [&'static str],
    pub function_flags: &'static [&'static str],
    pub format_value_converters: &'static [&'static str],
    /// `dis.COMPILER_FLAG_NAMES`: code flag bit → name.
    pub flag_names: &'static [(u32, &'static str)],
    pub ops: [OpInfo; 256],
}

impl OpcodeTable {
    /// The CPython table for a version, if pybc has one.
    pub fn for_version(version: PyVersion) -> Option<&'static OpcodeTable> {
        Self::for_implementation(version, Implementation::CPython)
    }

    /// The table of one implementation's version, if pybc has one.
    pub fn for_implementation(
        version: PyVersion,
        implementation: Implementation,
    ) -> Option<&'static OpcodeTable> {
        generated::ALL
            .iter()
            .copied()
            .find(|t| t.version == version && t.implementation == implementation)
    }

    /// CPython versions with a table.
    pub fn versions() -> impl Iterator<Item = PyVersion> {
        generated::ALL
            .iter()
            .filter(|t| t.implementation == Implementation::CPython)
            .map(|t| t.version)
    }

    /// Every table, CPython's and PyPy's.
    pub fn all() -> &'static [&'static OpcodeTable] {
        generated::ALL
    }

    #[allow(clippy::indexing_slicing)] // `ops` has 256 entries: every u8 is in bounds.
    pub fn op(&self, opcode: u8) -> &OpInfo {
        &self.ops[usize::from(opcode)]
    }

    /// Whether `opcode` is this version's `EXTENDED_ARG` (1.x has none).
    pub fn is_extended_arg(&self, opcode: u8) -> bool {
        self.extended_arg_opcode() == Some(self.op(opcode).deopt)
    }

    /// This version's `EXTENDED_ARG` opcode (1.x has none).
    pub fn extended_arg_opcode(&self) -> Option<u8> {
        (self.op(self.extended_arg).name == "EXTENDED_ARG").then_some(self.extended_arg)
    }

    /// The base opcode's facts for a (possibly specialised) opcode.
    pub fn base(&self, opcode: u8) -> &OpInfo {
        self.op(self.op(opcode).deopt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_self_consistent() {
        for table in OpcodeTable::all() {
            let version = table.version;
            if table.extended_arg != 0 {
                assert_eq!(table.op(table.extended_arg).name, "EXTENDED_ARG");
            }
            for op in table.ops.iter() {
                // Printers pad names by their length in bytes.
                assert!(op.name.is_ascii(), "{version} {}", op.name);
                let cached: u8 = op.cache_format.iter().map(|(_, n)| n).sum();
                let base = table.op(op.deopt);
                assert!(
                    cached == 0 || cached == base.cache_entries,
                    "{version} {}",
                    op.name
                );
            }
        }
    }
}
