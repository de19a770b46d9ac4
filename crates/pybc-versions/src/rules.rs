//! The few rules of each version's `dis` output format that are not opcode
//! facts. Declared here, once, as data; the decoder and printers consult
//! them instead of comparing version numbers.

use crate::PyVersion;

/// How `co_linetable`/`co_lnotab` encodes line numbers.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum LineTable {
    /// `co_lnotab` byte pairs (≤ 3.9).
    Lnotab,
    /// 3.10's `co_linetable`: (byte delta, line delta) pairs, -128 = no line.
    Linetable310,
    /// 3.11+ location table with columns and end positions.
    Locations,
}

/// How instructions are laid out in the listing.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Layout {
    /// Offsets always shown, `>>` marks jump targets, jumps say `to OFFSET`
    /// (≤ 3.12).
    Offsets,
    /// `L1:` labels mark jump targets, jumps say `to L1`, offsets only with
    /// `show_offsets` (3.13+).
    Labels,
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
}

impl DisRules {
    /// The rules for a version with a modern (3.10+) `dis`.
    pub fn for_version(version: PyVersion) -> Option<DisRules> {
        if !version.at_least(3, 10) || version.major != 3 {
            return None;
        }
        let v = |major, minor| version.at_least(major, minor);
        Some(DisRules {
            version,
            line_table: if v(3, 11) {
                LineTable::Locations
            } else {
                LineTable::Linetable310
            },
            layout: if v(3, 13) {
                Layout::Labels
            } else {
                Layout::Offsets
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
            recursive: true,
            has_show_offsets: v(3, 13),
            has_show_positions: v(3, 14),
            end_async_for_from: v(3, 14),
            uses_hasarg: v(3, 12),
        })
    }
}
