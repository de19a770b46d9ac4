//! The few rules of each version's `dis` output format that are not opcode
//! facts. Declared here, once, as data; the decoder and printers consult
//! them instead of comparing version numbers.

use crate::PyVersion;

/// How `co_linetable`/`co_lnotab` encodes line numbers.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum LineTable {
    /// No table: `SET_LINENO` instructions carry the line (1.x–2.2).
    SetLineno,
    /// `co_lnotab`, walked by `dis.disassemble` itself (2.3, 2.4): a line
    /// number is printed at the first instruction at or past each address
    /// where the line moves, even when it comes back to the same line.
    LnotabWalk,
    /// `co_lnotab` byte pairs (2.3–3.9), as `dis.findlinestarts` reads them.
    Lnotab {
        /// Line increments are signed bytes (3.6+).
        signed: bool,
        /// Pairs past the end of the code are ignored (3.9).
        stops_at_code_end: bool,
    },
    /// 3.10's `co_linetable`: (byte delta, line delta) pairs, -128 = no line.
    Linetable310,
    /// 3.11+ location table with columns and end positions.
    Locations,
}

/// How instructions are laid out in the listing.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Layout {
    /// `dis.disassemble` writing each column with its own `print` (≤ 3.3).
    Print(PrintStyle),
    /// Offsets always shown, `>>` marks jump targets, jumps say `to OFFSET`
    /// (≤ 3.12).
    Offsets,
    /// `L1:` labels mark jump targets, jumps say `to L1`, offsets only with
    /// `show_offsets` (3.13+).
    Labels,
}

/// The columns of the `print`-statement era (1.x–3.3).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct PrintStyle {
    /// `opname[op].ljust(N)`.
    pub opname_width: usize,
    /// A line-number column from `co_lnotab` (2.3+); before, a blank line
    /// precedes each `SET_LINENO`.
    pub line_column: bool,
    /// Each column is printed with `end=' '`, so every line ends in a
    /// space (3.0–3.3); Python 2's `print x,` adds none at the end.
    pub trailing_space: bool,
    /// Arguments after an `EXTENDED_ARG` are Python 2 longs: `repr` adds `L`.
    pub long_suffix: bool,
}

/// How instructions are encoded in `co_code`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum CodeUnit {
    /// One byte, plus a 16-bit little-endian argument for opcodes from
    /// `HAVE_ARGUMENT` on (≤ 3.5).
    Bytes,
    /// Two bytes, opcode and 8-bit argument (3.6+).
    Words,
}

/// What the text after a `CACHE` pseudo-instruction says (`show_caches`).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum CacheText {
    /// Only for quickened instructions, which a `.pyc` never holds (3.11).
    QuickenedOnly,
    /// `name: value` for each cache field (3.12).
    Always,
    /// Like `Always`, but every field is read from the first entry (3.13).
    AlwaysFirstEntry,
}

/// Where `LOAD_GLOBAL`/`LOAD_ATTR` put their NULL note.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum NullNote {
    /// `NULL + name` (3.11, 3.12).
    Prefix,
    /// `name + NULL` (3.13+).
    Suffix,
}

/// The declared format rules of one version's `dis`.
#[derive(Copy, Clone, Debug)]
pub struct DisRules {
    pub version: PyVersion,
    pub line_table: LineTable,
    pub layout: Layout,
    pub exception_table: bool,
    pub cache_text: CacheText,
    pub null_note: NullNote,
    /// EXTENDED_ARG accumulates into a C `int` and wraps (3.11+).
    pub signed_extended_arg: bool,
    /// Instructions without a line print `--` in the line column (3.13+).
    pub none_lines_shown: bool,
    /// `dis.dis` recurses into nested code objects (3.7+).
    pub recursive: bool,
    /// `show_offsets` exists (3.13+).
    pub has_show_offsets: bool,
    /// `show_positions` exists (3.14+).
    pub has_show_positions: bool,
    /// `END_ASYNC_FOR` says "from L1" rather than "to L1" (3.14+).
    pub end_async_for_from: bool,
    /// Argument presence comes from `opcode.hasarg` rather than
    /// `HAVE_ARGUMENT` (3.12+); the generated `has_arg` already reflects it.
    pub uses_hasarg: bool,
    pub code_unit: CodeUnit,
    /// Bits each `EXTENDED_ARG` shifts its argument by (16 before 3.6).
    pub extended_arg_shift: u8,
    /// An instruction without an argument clears a pending `EXTENDED_ARG`
    /// (3.10+); before, it is kept for the next instruction that has one.
    pub extended_arg_cleared_by_no_arg: bool,
    /// `findlabels` applies `EXTENDED_ARG` (3.6+, through `_unpack_opargs`);
    /// before, it reads each 16-bit argument alone.
    pub labels_see_extended_arg: bool,
    /// Bytes per unit of a jump argument: 2 from 3.10 (jumps count code
    /// units), 1 before (they count bytes).
    pub jump_scale: u8,
    /// The line-number column widens for lines from 1000 on, and the
    /// offset column for offsets from 10000 on (3.7+); before, both are
    /// fixed (`%3d`, `rjust(4)`) and longer values just push the line out.
    pub widths_grow: bool,
}

impl DisRules {
    /// The rules of a CPython version's `dis` (PyPy uses those of the
    /// CPython version it implements), if pybc knows that version.
    pub fn for_version(version: PyVersion) -> Option<DisRules> {
        let v = |major, minor| version.at_least(major, minor);
        let known = match version.major {
            1 => version.minor <= 6,
            2 => version.minor <= 7,
            3 => version.minor <= 15,
            _ => false,
        };
        if !known {
            return None;
        }
        let print_style = PrintStyle {
            opname_width: if v(2, 0) { 20 } else { 15 },
            line_column: v(2, 3),
            trailing_space: v(3, 0),
            long_suffix: !v(3, 0),
        };
        Some(DisRules {
            version,
            line_table: if v(3, 11) {
                LineTable::Locations
            } else if v(3, 10) {
                LineTable::Linetable310
            } else if v(2, 5) {
                LineTable::Lnotab {
                    signed: v(3, 6),
                    stops_at_code_end: v(3, 9),
                }
            } else if v(2, 3) {
                LineTable::LnotabWalk
            } else {
                LineTable::SetLineno
            },
            layout: if v(3, 13) {
                Layout::Labels
            } else if v(3, 4) {
                Layout::Offsets
            } else {
                Layout::Print(print_style)
            },
            exception_table: v(3, 11),
            cache_text: if v(3, 14) {
                CacheText::Always
            } else if v(3, 13) {
                CacheText::AlwaysFirstEntry
            } else if v(3, 12) {
                CacheText::Always
            } else {
                CacheText::QuickenedOnly
            },
            null_note: if v(3, 13) {
                NullNote::Suffix
            } else {
                NullNote::Prefix
            },
            signed_extended_arg: v(3, 11),
            none_lines_shown: v(3, 13),
            recursive: v(3, 7),
            has_show_offsets: v(3, 13),
            has_show_positions: v(3, 14),
            end_async_for_from: v(3, 14),
            uses_hasarg: v(3, 12),
            code_unit: if v(3, 6) {
                CodeUnit::Words
            } else {
                CodeUnit::Bytes
            },
            extended_arg_shift: if v(3, 6) { 8 } else { 16 },
            extended_arg_cleared_by_no_arg: v(3, 10),
            labels_see_extended_arg: v(3, 6),
            jump_scale: if v(3, 10) { 2 } else { 1 },
            widths_grow: v(3, 7),
        })
    }
}

/// The precision of C's `%.Ng` that `repr(float)` used, or `None` where it
/// gives the shortest digits that read back (2.7, 3.1+): 17 from 1.6
/// (`0.10000000000000001`), 12 before (`0.1`, `3.14159265359`).
pub const fn float_repr_precision(version: PyVersion) -> Option<usize> {
    if version.at_least(3, 1) || (version.major == 2 && version.minor >= 7) {
        None
    } else if version.at_least(1, 6) {
        Some(17)
    } else {
        Some(12)
    }
}

/// `repr(str)` escapes unprintable bytes in octal (`\012`) before 2.1,
/// which brought `\n`, `\t`, `\r` and `\xNN`.
pub const fn octal_string_escapes(version: PyVersion) -> bool {
    !version.at_least(2, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eras() {
        let r = |major, minor| DisRules::for_version(PyVersion::new(major, minor)).unwrap();
        assert_eq!(r(1, 5).line_table, LineTable::SetLineno);
        assert!(matches!(r(2, 7).layout, Layout::Print(p) if p.long_suffix && p.line_column));
        assert!(matches!(r(3, 3).layout, Layout::Print(p) if p.trailing_space));
        assert_eq!(r(3, 5).code_unit, CodeUnit::Bytes);
        assert_eq!(r(3, 6).code_unit, CodeUnit::Words);
        assert!(!r(3, 6).recursive && r(3, 7).recursive);
        assert!(DisRules::for_version(PyVersion::new(0, 9)).is_none());
        assert!(DisRules::for_version(PyVersion::new(2, 8)).is_none());
    }
}
