//! Code object → instructions, with the fields of `dis.Instruction`.

use std::borrow::Cow;
use std::fmt::Write;

use pybc_model::{CodeObject, Obj, Object};
use pybc_versions::opcodes::{ArgKind, Jump, OpcodeTable};
use pybc_versions::rules::{CacheText, CodeUnit, DisRules, Layout, LineTable, NullNote};

use crate::columns::push_int_right;
use crate::linetable::{
    co_lines, co_positions, lnotab_line_starts, lnotab_walk_starts, location_ranges, LineRange,
    Positions,
};
use crate::optable::OpTables;

/// One entry of a 3.11+ exception table.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct ExceptionEntry {
    pub start: u32,
    pub end: u32,
    pub target: u32,
    pub depth: u32,
    pub lasti: bool,
}

/// The typed meaning of an instruction's argument (`dis`'s `argval`).
#[derive(Clone, Debug, PartialEq)]
pub enum ArgValue<'a> {
    /// No argument.
    None,
    /// The argument itself (or a derived number such as a jump target).
    Int(i64),
    /// A constant (index into `co_consts`).
    Const(Obj<'a>),
    /// A name, local or free variable.
    Name(String),
    /// A pair of local variable names.
    NamePair(String, String),
    /// A jump target offset.
    Target(u32),
    /// Anything else described only by `argrepr`.
    Text(String),
}

/// The raw fields of one cache entry group shown with `show_caches`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CacheField {
    pub name: &'static str,
    /// Size in 2-byte entries.
    pub size: u8,
    /// The value `dis` shows (little-endian integer of the field's bytes).
    pub value: u128,
}

/// One instruction, with everything `dis.Instruction` has.
#[derive(Clone, Debug, PartialEq)]
pub struct Instruction<'a> {
    pub opcode: u8,
    pub opname: &'static str,
    pub arg: Option<i64>,
    pub argval: ArgValue<'a>,
    pub argrepr: String,
    pub offset: u32,
    /// Offset of the first EXTENDED_ARG prefix, or `offset`.
    pub start_offset: u32,
    pub starts_line: bool,
    pub line_number: Option<i64>,
    /// Jump target label number (3.13+ numbering, also used for `>>`).
    pub label: Option<u32>,
    pub is_jump_target: bool,
    pub jump_target: Option<u32>,
    pub positions: Positions,
    pub cache_info: Vec<CacheField>,
    /// Number of 2-byte cache entries after the instruction.
    pub cache_entries: u8,
    /// Positions of each cache entry (for `CACHE` lines).
    pub cache_positions: Vec<Positions>,
    /// The argument came through `EXTENDED_ARG`, which makes it a long in
    /// Python 2 (its `repr` ends in `L`).
    pub long_arg: bool,
}

/// A whole code object, decoded.
#[derive(Clone, Debug)]
pub struct CodeListing<'a> {
    pub instructions: Vec<Instruction<'a>>,
    pub exception_entries: Vec<ExceptionEntry>,
    /// Label number of each exception entry's (start, end, target).
    pub exception_labels: Vec<(u32, u32, u32)>,
    /// Number of distinct labels (3.13+ numbering).
    pub label_count: usize,
    /// The line starts as `dict(findlinestarts(co))` has them.
    pub line_starts: Vec<(u32, Option<i64>)>,
    /// `co_positions()`, one per code unit (3.11+).
    pub positions: Vec<Positions>,
    pub code_len: usize,
}

/// What the decoder needs to know about the version.
#[derive(Copy, Clone)]
pub struct Dialect {
    pub table: &'static OpcodeTable,
    pub rules: DisRules,
    /// `table`'s facts packed per opcode, and its names padded.
    pub(crate) ops: &'static OpTables,
}

/// A raw (offset, start_offset, opcode, arg) as `_unpack_opargs` yields,
/// kept small: there is one per instruction.
pub(crate) struct RawOp {
    pub(crate) offset: u32,
    pub(crate) start_offset: u32,
    /// The argument, when `has_arg`.
    value: i64,
    /// `findlabels` sees only the argument's own 16 bits (the print era
    /// ignores EXTENDED_ARG, whose carry is a multiple of 65536 there).
    label_low16: bool,
    pub(crate) opcode: u8,
    /// Bytes the instruction takes (without inline caches): 1, 2 or 3.
    pub(crate) size: u8,
    has_arg: bool,
    /// The argument came through an EXTENDED_ARG as a Python 2 long.
    pub(crate) long_arg: bool,
    /// Inline cache entries after the instruction (3.11+).
    pub(crate) cache_entries: u8,
    /// How the argument gives a jump target, if it does.
    jump: Jump,
    /// What the argument means.
    arg_kind: ArgKind,
}

impl RawOp {
    pub(crate) fn has_arg(&self) -> bool {
        self.has_arg
    }

    pub(crate) fn arg(&self) -> Option<i64> {
        self.has_arg.then_some(self.value)
    }

    pub(crate) fn label_arg(&self) -> Option<i64> {
        let value = if self.label_low16 {
            self.value & 0xffff
        } else {
            self.value
        };
        self.has_arg.then_some(value)
    }
}

/// Python's own ints never overflow; ours stay below 2**48 (real code
/// never comes close, hostile code must not overflow).
fn bound_extended(extended: i64) -> i64 {
    if (0..=1 << 48).contains(&extended) {
        extended
    } else {
        extended & ((1 << 48) - 1)
    }
}

/// Each instruction's argument kind and argument (instructions without
/// one are skipped), decoded as the listing decodes them: EXTENDED_ARG
/// folded in, inline caches jumped over. A light walk for callers that
/// only weigh the arguments, such as an output budget.
pub fn arguments<'a>(code: &'a [u8], d: Dialect) -> impl Iterator<Item = (ArgKind, i64)> + 'a {
    RawOps::new(code, d).filter_map(|r| Some((r.arg_kind, r.arg()?)))
}

/// The instructions of a code string, one era's way (`_unpack_opargs`).
enum RawOps<'a> {
    Words(WordOps<'a>),
    Bytes(ByteOps<'a>),
}

impl<'a> RawOps<'a> {
    fn new(code: &'a [u8], d: Dialect) -> RawOps<'a> {
        match d.rules.code_unit {
            CodeUnit::Words => RawOps::Words(WordOps {
                code,
                d,
                at: 0,
                extended: 0,
            }),
            CodeUnit::Bytes => RawOps::Bytes(ByteOps {
                code,
                d,
                at: 0,
                extended: 0,
                long_pending: false,
                prefix_start: None,
            }),
        }
    }
}

impl Iterator for RawOps<'_> {
    type Item = RawOp;

    fn next(&mut self) -> Option<RawOp> {
        match self {
            RawOps::Words(words) => words.next(),
            RawOps::Bytes(bytes) => bytes.next(),
        }
    }
}

/// Variable-length instructions (≤ 3.5): one byte, or three with a 16-bit
/// argument. A truncated last argument reads the missing bytes as zero.
struct ByteOps<'a> {
    code: &'a [u8],
    d: Dialect,
    at: usize,
    extended: i64,
    /// The next argument came through an EXTENDED_ARG (a Python 2 long).
    long_pending: bool,
    /// Where the EXTENDED_ARG prefix of the next instruction started.
    prefix_start: Option<u32>,
}

impl Iterator for ByteOps<'_> {
    type Item = RawOp;

    fn next(&mut self) -> Option<RawOp> {
        let (code, d) = (self.code, self.d);
        let i = self.at;
        let op = *code.get(i)?;
        let offset = u32::try_from(i).unwrap_or(u32::MAX);
        let base = d.ops.facts(op);
        let is_ext = base.extended_arg;
        let (arg, long_arg, size): (Option<i64>, bool, u8) = if base.has_arg {
            let raw = i64::from(code.get(i + 1).copied().unwrap_or(0))
                | (i64::from(code.get(i + 2).copied().unwrap_or(0)) << 8);
            let arg = raw + self.extended;
            let long_arg = self.long_pending;
            self.long_pending = false;
            self.extended = 0;
            if is_ext {
                self.extended = bound_extended(arg.checked_shl(16).unwrap_or(0));
                self.long_pending = true;
            }
            // The carry is a non-negative multiple of 65536 (see
            // `bound_extended`), so the low 16 bits are `raw` again.
            debug_assert_eq!(arg & 0xffff, raw);
            (Some(arg), long_arg, 3)
        } else {
            (None, false, 1)
        };
        let start_offset = self.prefix_start.unwrap_or(offset);
        self.prefix_start = if is_ext { Some(start_offset) } else { None };
        self.at += usize::from(size);
        Some(RawOp {
            offset,
            start_offset,
            value: arg.unwrap_or(0),
            label_low16: true,
            opcode: op,
            size,
            has_arg: arg.is_some(),
            long_arg,
            cache_entries: base.cache_entries,
            jump: base.jump,
            arg_kind: base.arg_kind,
        })
    }
}

/// What an EXTENDED_ARG with argument `arg` adds to the next argument.
#[cold]
fn extend(d: Dialect, arg: i64) -> i64 {
    let extended = arg
        .checked_shl(u32::from(d.rules.extended_arg_shift))
        .unwrap_or(0);
    if d.rules.signed_extended_arg && extended >= 1 << 31 {
        // The oparg is a C int: it wraps to negative.
        let mut wrapped = (extended & 0xffff_ffff) - (1 << 32);
        if wrapped >= 1 << 31 {
            wrapped -= 1 << 32;
        }
        wrapped
    } else {
        bound_extended(extended)
    }
}

/// 2-byte code units (3.6+), each instruction followed by its inline
/// cache entries (3.11+).
struct WordOps<'a> {
    code: &'a [u8],
    d: Dialect,
    at: usize,
    extended: i64,
}

impl Iterator for WordOps<'_> {
    type Item = RawOp;

    fn next(&mut self) -> Option<RawOp> {
        let d = self.d;
        let op = *self.code.get(self.at)?;
        let offset = u32::try_from(self.at).unwrap_or(u32::MAX);
        let oparg = self.code.get(self.at + 1).copied().unwrap_or(0);
        let base = d.ops.facts(op);
        // Inline cache entries are no instructions: jump past them.
        self.at += 2 + 2 * usize::from(base.cache_entries);
        let is_ext = base.extended_arg;
        let arg = if base.has_arg {
            let arg = i64::from(oparg) | self.extended;
            // Only an EXTENDED_ARG carries anything into the next argument.
            self.extended = if is_ext { extend(d, arg) } else { 0 };
            Some(arg)
        } else {
            if d.rules.extended_arg_cleared_by_no_arg {
                self.extended = 0;
            }
            None
        };
        Some(RawOp {
            offset,
            // Worked out only where it is shown (`Decoder::instructions`).
            start_offset: offset,
            value: arg.unwrap_or(0),
            label_low16: false,
            opcode: op,
            size: 2,
            has_arg: arg.is_some(),
            long_arg: false,
            cache_entries: base.cache_entries,
            jump: base.jump,
            arg_kind: base.arg_kind,
        })
    }
}

/// Where a jump instruction with argument `arg` goes (`_get_jump_target`,
/// `findlabels`).
fn jump_target(d: Dialect, r: &RawOp, arg: i64) -> Option<u32> {
    let scale = i64::from(d.rules.jump_scale);
    let target = match r.jump {
        Jump::None => return None,
        Jump::Absolute => arg.checked_mul(scale)?,
        Jump::Forward | Jump::Backward => {
            let signed = if r.jump == Jump::Backward { -arg } else { arg };
            i64::from(r.offset)
                + i64::from(r.size)
                + signed.checked_mul(scale)?
                + 2 * i64::from(r.cache_entries)
        }
    };
    u32::try_from(target).ok()
}

fn parse_exception_table(table: &[u8], mut out: Vec<ExceptionEntry>) -> Vec<ExceptionEntry> {
    // An entry takes at least four bytes.
    out.clear();
    out.reserve(table.len() / 4);
    let mut iter = table.iter().copied();
    let varint = |iter: &mut dyn Iterator<Item = u8>| -> Option<u32> {
        let mut b = iter.next()?;
        let mut val = u32::from(b & 63);
        while b & 64 != 0 {
            b = iter.next()?;
            val = (val << 6) | u32::from(b & 63);
        }
        Some(val)
    };
    while let Some(start) = varint(&mut iter) {
        let Some(length) = varint(&mut iter) else {
            break;
        };
        let Some(target) = varint(&mut iter) else {
            break;
        };
        let Some(dl) = varint(&mut iter) else { break };
        let start = start.saturating_mul(2);
        out.push(ExceptionEntry {
            start,
            end: start.saturating_add(length.saturating_mul(2)),
            target: target.saturating_mul(2),
            depth: dl >> 1,
            lasti: dl & 1 != 0,
        });
    }
    out
}

/// Names of local variables, cells and free variables as `dis` indexes them,
/// each list looked up once per code object (an argument's name is then
/// one index).
struct VarNames<'a> {
    names: &'a [Obj<'a>],
    /// `co_localsplusnames` (3.11+), else `co_varnames`.
    locals: &'a [Obj<'a>],
    /// `co_localsplusnames` (3.11+); empty before.
    free: &'a [Obj<'a>],
    /// Before 3.11: `co_cellvars + co_freevars`.
    cells: Vec<Obj<'a>>,
}

impl<'a> VarNames<'a> {
    fn new(code: &'a CodeObject<'a>) -> VarNames<'a> {
        if code.localsplusnames.is_some() {
            VarNames {
                names: code.names(),
                locals: code.localsplus(),
                free: code.localsplus(),
                cells: Vec::new(),
            }
        } else {
            VarNames {
                names: code.names(),
                locals: code.varnames(),
                free: &[],
                cells: code
                    .cellvars()
                    .iter()
                    .chain(code.freevars())
                    .copied()
                    .collect(),
            }
        }
    }

    #[inline(always)]
    fn text(list: &[Obj<'a>], index: i64) -> Option<Cow<'a, str>> {
        let obj = *list.get(usize::try_from(index).ok()?)?;
        match *obj {
            // Nearly every name: no `Cow` to build from a match on its kind.
            Object::Str(s) => Some(match s.as_str() {
                Some(text) => Cow::Borrowed(text),
                None => s.to_string_lossy(),
            }),
            _ => obj.text(),
        }
    }

    fn local(&self, index: i64) -> Option<Cow<'a, str>> {
        Self::text(self.locals, index)
    }

    fn free(&self, index: i64) -> Option<Cow<'a, str>> {
        if self.cells.is_empty() {
            Self::text(self.free, index)
        } else {
            Self::text(&self.cells, index)
        }
    }

    fn name(&self, index: i64) -> Option<Cow<'a, str>> {
        Self::text(self.names, index)
    }
}

/// How [`Prepared::describe_arg`] returns an instruction's `argval`:
/// built ([`WithValue`], for [`Instruction`]s) or not at all ([`NoValue`],
/// for the text printer, which shows only `argrepr`).
pub(crate) trait ArgValues<'a> {
    type Value;
    fn int(arg: i64) -> Self::Value;
    fn target(offset: u32) -> Self::Value;
    fn constant(obj: Obj<'a>) -> Self::Value;
    fn name(name: Cow<'_, str>) -> Self::Value;
    fn pair(a: Cow<'_, str>, b: Cow<'_, str>) -> Self::Value;
    fn text(text: &str) -> Self::Value;
}

pub(crate) struct WithValue;

impl<'a> ArgValues<'a> for WithValue {
    type Value = ArgValue<'a>;
    fn int(arg: i64) -> ArgValue<'a> {
        ArgValue::Int(arg)
    }
    fn target(offset: u32) -> ArgValue<'a> {
        ArgValue::Target(offset)
    }
    fn constant(obj: Obj<'a>) -> ArgValue<'a> {
        ArgValue::Const(obj)
    }
    fn name(name: Cow<'_, str>) -> ArgValue<'a> {
        ArgValue::Name(name.into_owned())
    }
    fn pair(a: Cow<'_, str>, b: Cow<'_, str>) -> ArgValue<'a> {
        ArgValue::NamePair(a.into_owned(), b.into_owned())
    }
    fn text(text: &str) -> ArgValue<'a> {
        ArgValue::Text(text.to_string())
    }
}

pub(crate) struct NoValue;

impl ArgValues<'_> for NoValue {
    type Value = ();
    fn int(_: i64) {}
    fn target(_: u32) {}
    fn constant(_: Obj<'_>) {}
    fn name(_: Cow<'_, str>) {}
    fn pair(_: Cow<'_, str>, _: Cow<'_, str>) {}
    fn text(_: &str) {}
}

/// The label number at `offset`, given the sorted labelled offsets.
fn label_at(labels: &[u32], offset: u32) -> Option<u32> {
    labels.binary_search(&offset).ok().map(|i| i as u32 + 1)
}

/// What `dis` works out once per code object before listing it: the raw
/// instructions, line starts, labels and exception table. Both [`decode`]
/// and the text printer (which streams lines without building
/// [`Instruction`]s) start from it.
pub(crate) struct Prepared<'c> {
    d: Dialect,
    bytes: &'c [u8],
    consts: &'c [Obj<'c>],
    names: VarNames<'c>,
    pub(crate) raw: Vec<RawOp>,
    /// The line starts as `dict(findlinestarts(co))` has them.
    pub(crate) line_starts: Vec<(u32, Option<i64>)>,
    /// The same, sorted by offset, one per offset (the last, as in a
    /// dict), when `line_starts` is not so already.
    starts_by_offset: Option<Vec<(u32, Option<i64>)>>,
    /// Offsets that carry a label, sorted: label `n` is at index `n - 1`.
    labels: Vec<u32>,
    pub(crate) label_count: usize,
    pub(crate) exception_entries: Vec<ExceptionEntry>,
    /// Label number of each exception entry's (start, end, target).
    pub(crate) exception_labels: Vec<(u32, u32, u32)>,
    /// `co_positions()`, one per code unit, when asked for (3.11+).
    pub(crate) positions: Vec<Positions>,
}

/// The allocation-free fields of one instruction, in listing order.
#[derive(Copy, Clone)]
pub(crate) struct Step<'p> {
    pub(crate) raw: &'p RawOp,
    /// The opcode table, for the name (looked up only when shown: most
    /// lines take the padded name instead).
    table: &'static OpcodeTable,
    pub(crate) starts_line: bool,
    pub(crate) line_number: Option<i64>,
    pub(crate) label: Option<u32>,
}

impl Step<'_> {
    pub(crate) fn opname(&self) -> &'static str {
        self.table.op(self.raw.opcode).name
    }

    /// The index of the instruction's code unit.
    pub(crate) fn unit(&self) -> usize {
        (self.raw.offset / 2) as usize
    }
}

/// The vectors a [`Prepared`] fills, handed from one code object to the
/// next: a module's code objects then allocate them once, not four times
/// each (the allocator's slower paths took 2 % of a listing's
/// instructions).
#[derive(Default)]
pub(crate) struct Buffers {
    raw: Vec<RawOp>,
    labels: Vec<u32>,
    line_starts: Vec<(u32, Option<i64>)>,
    exception_entries: Vec<ExceptionEntry>,
}

impl<'c> Prepared<'c> {
    /// The vectors, for the next code object's [`Prepared::new_in`].
    pub(crate) fn into_buffers(self) -> Buffers {
        Buffers {
            raw: self.raw,
            labels: self.labels,
            line_starts: self.line_starts,
            exception_entries: self.exception_entries,
        }
    }

    /// `lines`, when given, is `co_lines()` already worked out (the line
    /// starts are then read from it, not from the table again).
    pub(crate) fn new(
        code: &'c CodeObject<'c>,
        d: Dialect,
        want_positions: bool,
        lines: Option<&[LineRange]>,
    ) -> Prepared<'c> {
        Prepared::new_in(code, d, want_positions, lines, Buffers::default())
    }

    /// [`Prepared::new`], in the vectors of `buffers` (those of an earlier
    /// code object, see [`Prepared::into_buffers`]).
    pub(crate) fn new_in(
        code: &'c CodeObject<'c>,
        d: Dialect,
        want_positions: bool,
        lines: Option<&[LineRange]>,
        buffers: Buffers,
    ) -> Prepared<'c> {
        let bytes = code.code_bytes();
        // Instructions (`_unpack_opargs`) and their jump targets in one
        // pass. Every instruction takes at least two bytes from 3.6 on;
        // labels are sized for a jump every few instructions (growing a
        // vector a few times per code object showed in profiles).
        let Buffers {
            mut raw,
            mut labels,
            line_starts: reused_starts,
            exception_entries,
        } = buffers;
        raw.clear();
        raw.reserve(bytes.len() / 2);
        labels.clear();
        labels.reserve(bytes.len() / 8);
        let mut take = |r: RawOp| {
            let arg = if d.rules.labels_see_extended_arg {
                r.arg()
            } else {
                r.label_arg()
            };
            if let Some(t) = arg.and_then(|arg| jump_target(d, &r, arg)) {
                labels.push(t);
            }
            raw.push(r);
        };
        match RawOps::new(bytes, d) {
            RawOps::Words(words) => words.for_each(&mut take),
            RawOps::Bytes(ops) => ops.for_each(&mut take),
        }
        let positions = if want_positions && d.rules.exception_table {
            co_positions(code)
        } else {
            Vec::new()
        };
        let exception_entries = if d.rules.exception_table {
            parse_exception_table(code.exceptiontable_bytes(), exception_entries)
        } else {
            Vec::new()
        };
        let line_starts = line_starts(code, d, &raw, lines, reused_starts);
        // Usually already sorted, one per offset; otherwise sorted stably,
        // and the last of equal offsets wins, as in a dict.
        let starts_by_offset = if line_starts
            .windows(2)
            .all(|w| matches!(w, [a, b] if a.0 < b.0))
        {
            None
        } else {
            let mut sorted = line_starts.clone();
            sorted.sort_by_key(|&(offset, _)| offset);
            let mut deduped: Vec<(u32, Option<i64>)> = Vec::with_capacity(sorted.len());
            for start in sorted {
                match deduped.last_mut() {
                    Some(last) if last.0 == start.0 => *last = start,
                    _ => deduped.push(start),
                }
            }
            Some(deduped)
        };

        // Labels: jump targets (above), plus exception table offsets.
        labels.reserve(3 * exception_entries.len());
        match d.rules.layout {
            Layout::Labels => {
                for e in &exception_entries {
                    labels.extend([e.start, e.end, e.target]);
                }
            }
            Layout::Offsets | Layout::Print(_) => {
                for e in &exception_entries {
                    if e.start < e.end {
                        labels.push(e.target);
                    }
                }
            }
        }
        labels.sort_unstable();
        labels.dedup();
        let label_of = |offset: u32| label_at(&labels, offset).unwrap_or(0);
        let mut exception_labels = Vec::new();
        if d.rules.layout == Layout::Labels {
            exception_labels.reserve_exact(exception_entries.len());
            for e in &exception_entries {
                exception_labels.push((label_of(e.start), label_of(e.end), label_of(e.target)));
            }
        }
        Prepared {
            d,
            bytes,
            consts: code.consts(),
            names: VarNames::new(code),
            raw,
            line_starts,
            starts_by_offset,
            label_count: labels.len(),
            labels,
            exception_entries,
            exception_labels,
            positions,
        }
    }

    /// Length of the bytecode in bytes.
    pub(crate) fn code_len(&self) -> usize {
        self.bytes.len()
    }

    /// The instructions, in order, with the line each belongs to.
    pub(crate) fn steps(&self) -> impl Iterator<Item = Step<'_>> + '_ {
        let mut line_number: Option<i64> = None;
        // Instructions come in increasing offset order: walk the sorted
        // line starts and labels beside them.
        // (Cursors into the slices: cheaper per instruction than peekable
        // iterators.)
        let starts: &[(u32, Option<i64>)] =
            self.starts_by_offset.as_ref().unwrap_or(&self.line_starts);
        let labels: &[u32] = &self.labels;
        let (mut next_start, mut next_label) = (0, 0);
        self.raw.iter().map(move |r| {
            while starts.get(next_start).is_some_and(|s| s.0 < r.offset) {
                next_start += 1;
            }
            let start = match starts.get(next_start) {
                Some(&(offset, line)) if offset == r.offset => {
                    next_start += 1;
                    line_number = line;
                    true
                }
                _ => false,
            };
            while labels.get(next_label).is_some_and(|&o| o < r.offset) {
                next_label += 1;
            }
            let label = match labels.get(next_label) {
                Some(&offset) if offset == r.offset => {
                    next_label += 1;
                    Some(next_label as u32)
                }
                _ => None,
            };
            Step {
                raw: r,
                table: self.d.table,
                starts_line: start,
                line_number,
                label,
            }
        })
    }

    /// `co_positions()` of one code unit (all `None` when not computed).
    pub(crate) fn unit_positions(&self, unit: usize) -> Positions {
        self.positions.get(unit).copied().unwrap_or_default()
    }

    /// The cache fields after an instruction (`show_caches`).
    pub(crate) fn cache_fields(&self, r: &RawOp) -> Vec<CacheField> {
        let base = self.d.table.base(r.opcode);
        let mut fields = Vec::new();
        if base.cache_entries == 0 {
            return fields;
        }
        let mut field_offset = r.offset as usize + 2;
        for &(name, size) in base.cache_format {
            let start = match self.d.rules.cache_text {
                CacheText::AlwaysFirstEntry => r.offset as usize + 2,
                _ => field_offset,
            };
            let data = self
                .bytes
                .get(start..(start + 2 * usize::from(size)).min(self.bytes.len()))
                .unwrap_or(&[]);
            let value = data
                .iter()
                .rev()
                .take(16)
                .fold(0u128, |acc, &b| (acc << 8) | u128::from(b));
            fields.push(CacheField { name, size, value });
            field_offset += 2 * usize::from(size);
        }
        fields
    }

    /// Where the instruction jumps to, if it is a jump.
    pub(crate) fn jump(&self, r: &RawOp) -> Option<u32> {
        r.arg().and_then(|a| jump_target(self.d, r, a))
    }

    /// Writes `argrepr` of an instruction with argument `arg` into `out`
    /// (the text printer: no `argval` is built).
    #[inline(always)]
    pub(crate) fn write_argrepr<W: Fn(&mut String, &Object) + ?Sized>(
        &self,
        r: &RawOp,
        arg: i64,
        write_const: &W,
        out: &mut String,
    ) {
        self.describe_arg::<NoValue, W>(r, arg, write_const, out);
    }

    /// Writes `argrepr` of an instruction with argument `arg` into `out`,
    /// and returns its `argval` as `V` builds it (the text printer builds
    /// none: names would cost allocations, and even an unused value costs
    /// its drop).
    #[inline(always)]
    pub(crate) fn describe_arg<V: ArgValues<'c>, W: Fn(&mut String, &Object) + ?Sized>(
        &self,
        r: &RawOp,
        arg: i64,
        write_const: &W,
        out: &mut String,
    ) -> V::Value {
        let d = self.d;
        let t = d.table;
        let names = &self.names;
        let pick = |list: &'static [&'static str], i: i64| -> &'static str {
            usize::try_from(i)
                .ok()
                .and_then(|i| list.get(i))
                .copied()
                .unwrap_or_default()
        };
        let named = |out: &mut String, name: Option<Cow<'_, str>>, note: &str, set: bool| {
            let Some(n) = name else {
                return V::int(arg);
            };
            // dis adds the note only to a non-empty name.
            if set && !n.is_empty() {
                match d.rules.null_note {
                    NullNote::Prefix => {
                        out.push_str(note);
                        out.push_str(" + ");
                        out.push_str(&n);
                    }
                    NullNote::Suffix => {
                        out.push_str(&n);
                        out.push_str(" + ");
                        out.push_str(note);
                    }
                }
            } else {
                out.push_str(&n);
            }
            V::name(n)
        };
        let text = |out: &mut String, s: &str| {
            out.push_str(s);
            V::text(s)
        };
        let int_with = |out: &mut String, s: &str| {
            out.push_str(s);
            V::int(arg)
        };
        match r.arg_kind {
            ArgKind::None | ArgKind::Plain => V::int(arg),
            ArgKind::Const => match usize::try_from(arg).ok().and_then(|i| self.consts.get(i)) {
                Some(&obj) => {
                    write_const(out, obj);
                    V::constant(obj)
                }
                None => V::int(arg),
            },
            ArgKind::Name => named(out, names.name(arg), "", false),
            ArgKind::Global => named(out, names.name(arg >> 1), "NULL", arg & 1 != 0),
            ArgKind::Attr => named(out, names.name(arg >> 1), "NULL|self", arg & 1 != 0),
            ArgKind::SuperAttr => named(out, names.name(arg >> 2), "NULL|self", arg & 1 != 0),
            ArgKind::ImportName => {
                let Some(n) = names.name(arg >> 2) else {
                    return V::int(arg);
                };
                // `from . import x` imports the empty name: no note then.
                if !n.is_empty() {
                    out.push_str(&n);
                    if arg & 1 != 0 {
                        out.push_str(" + lazy");
                    } else if arg & 2 != 0 {
                        out.push_str(" + eager");
                    }
                }
                V::name(n)
            }
            ArgKind::Jump => match jump_target(d, r, arg) {
                Some(target) => {
                    match d.rules.layout {
                        Layout::Print(style) if style.long_suffix && r.long_arg => {
                            out.push_str("to ");
                            push_int_right(out, i64::from(target), 0);
                            out.push('L');
                        }
                        Layout::Offsets | Layout::Print(_) => {
                            out.push_str("to ");
                            push_int_right(out, i64::from(target), 0);
                        }
                        Layout::Labels => {
                            let preposition = if d.rules.end_async_for_from
                                && t.base(r.opcode).name == "END_ASYNC_FOR"
                            {
                                "from"
                            } else {
                                "to"
                            };
                            let label = label_at(&self.labels, target).unwrap_or(0);
                            out.push_str(preposition);
                            out.push_str(" L");
                            push_int_right(out, i64::from(label), 0);
                        }
                    }
                    V::target(target)
                }
                None => V::int(arg),
            },
            ArgKind::LocalPair => {
                let a = names.local(arg >> 4).unwrap_or_default();
                let b = names.local(arg & 15).unwrap_or_default();
                out.push_str(&a);
                out.push_str(", ");
                out.push_str(&b);
                V::pair(a, b)
            }
            ArgKind::Local => named(out, names.local(arg), "", false),
            ArgKind::Free => named(out, names.free(arg), "", false),
            ArgKind::Compare => {
                let name = pick(t.cmp_op, arg >> t.compare_shift);
                if t.compare_bool && arg & 16 != 0 {
                    let _ = write!(out, "bool({name})");
                } else {
                    out.push_str(name);
                }
                V::text(name)
            }
            ArgKind::ConvertValue => text(out, pick(&["", "str", "repr", "ascii"], arg)),
            ArgKind::FormatValue => {
                let converter = pick(t.format_value_converters, arg & 3);
                out.push_str(converter);
                if arg & 4 != 0 {
                    if !converter.is_empty() {
                        out.push_str(", ");
                    }
                    out.push_str("with format");
                }
                V::int(arg)
            }
            ArgKind::FunctionFlags => {
                let set = t
                    .function_flags
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i < 63 && arg & (1 << i) != 0);
                for (n, (_, flag)) in set.enumerate() {
                    if n > 0 {
                        out.push_str(", ");
                    }
                    out.push_str(flag);
                }
                V::int(arg)
            }
            ArgKind::BinaryOp => int_with(out, pick(t.nb_ops, arg)),
            ArgKind::Intrinsic1 => int_with(out, pick(t.intrinsic1, arg)),
            ArgKind::Intrinsic2 => int_with(out, pick(t.intrinsic2, arg)),
            ArgKind::CommonConstant => int_with(out, pick(t.common_constants, arg)),
            ArgKind::SpecialMethod => int_with(out, pick(t.special_methods, arg)),
            ArgKind::IsOp => int_with(out, if arg != 0 { "is not" } else { "is" }),
            ArgKind::ContainsOp => int_with(out, if arg != 0 { "not in" } else { "in" }),
            ArgKind::Nargs => {
                let raw = r.label_arg().unwrap_or(arg);
                let _ = write!(
                    out,
                    "{} positional, {} keyword pair",
                    raw & 255,
                    (raw >> 8) & 255
                );
                V::int(arg)
            }
        }
    }
}

/// `dict(findlinestarts(co))` as that version's `dis` computes it.
fn line_starts(
    code: &CodeObject,
    d: Dialect,
    raw: &[RawOp],
    lines: Option<&[LineRange]>,
    reused: Vec<(u32, Option<i64>)>,
) -> Vec<(u32, Option<i64>)> {
    let mut line_starts = reused;
    line_starts.clear();
    match (d.rules.line_table, d.rules.layout) {
        (LineTable::Lnotab { .. }, _) => {
            let starts = lnotab_line_starts(code, d.rules.line_table);
            line_starts.extend(
                starts
                    .into_iter()
                    .map(|(offset, line)| (offset, Some(line))),
            );
        }
        (LineTable::LnotabWalk, _) => {
            let starts = lnotab_walk_starts(code, raw.iter().map(|r| r.offset));
            line_starts.extend(
                starts
                    .into_iter()
                    .map(|(offset, line)| (offset, Some(line))),
            );
        }
        (LineTable::SetLineno, _) => {
            for r in raw {
                if d.table.op(r.opcode).name == "SET_LINENO" {
                    line_starts.push((r.offset, r.arg()));
                }
            }
        }
        // Merging equal neighbours (as `co_lines` does) changes no start.
        (_, layout) if lines.is_some() => {
            let ranges = lines.unwrap_or_default().iter().copied();
            line_starts = starts_of(ranges, layout, line_starts);
        }
        (LineTable::Locations, layout) => {
            line_starts = starts_of(location_ranges(code), layout, line_starts);
        }
        (format, layout) => {
            line_starts = starts_of(co_lines(code, format).into_iter(), layout, line_starts);
        }
    }
    line_starts
}

/// `dict(findlinestarts(co))` from the ranges of `co_lines()`, into
/// `starts` (empty): where the line changes (3.13+ also where it becomes
/// `None`).
fn starts_of(
    ranges: impl Iterator<Item = LineRange>,
    layout: Layout,
    starts: Vec<(u32, Option<i64>)>,
) -> Vec<(u32, Option<i64>)> {
    // One loop per layout: the test stays out of the loop.
    match layout {
        Layout::Labels => starts_where::<true>(ranges, starts),
        Layout::Offsets | Layout::Print(_) => starts_where::<false>(ranges, starts),
    }
}

/// [`starts_of`]; `NONE_STARTS`: a change to no line starts a line too
/// (3.13+).
fn starts_where<const NONE_STARTS: bool>(
    ranges: impl Iterator<Item = LineRange>,
    mut starts: Vec<(u32, Option<i64>)>,
) -> Vec<(u32, Option<i64>)> {
    let mut last: Option<Option<i64>> = None;
    for range in ranges {
        let keep = if NONE_STARTS {
            last != Some(range.line)
        } else {
            range.line.is_some() && Some(range.line) != last
        };
        if keep {
            last = Some(range.line);
            starts.push((range.start, range.line));
        }
    }
    starts
}

/// Decodes a code object's instructions the way that version's `dis` does.
pub fn decode<'c>(
    code: &'c CodeObject<'c>,
    d: Dialect,
    repr: &dyn Fn(&Object) -> String,
) -> CodeListing<'c> {
    let decoder = Decoder::new(code, d);
    let instructions = decoder.instructions(repr).collect();
    let prep = decoder.prepared;
    CodeListing {
        instructions,
        code_len: prep.code_len(),
        exception_entries: prep.exception_entries,
        exception_labels: prep.exception_labels,
        label_count: prep.label_count,
        line_starts: prep.line_starts,
        positions: prep.positions,
    }
}

/// [`decode`], one instruction at a time: memory stays that of the code
/// object, however long its listing (each argument's description may be a
/// constant's whole `repr`).
pub struct Decoder<'c> {
    prepared: Prepared<'c>,
    lines: Vec<LineRange>,
}

impl<'c> Decoder<'c> {
    pub fn new(code: &'c CodeObject<'c>, d: Dialect) -> Decoder<'c> {
        let lines = co_lines(code, d.rules.line_table);
        Decoder {
            prepared: Prepared::new(code, d, true, Some(&lines)),
            lines,
        }
    }

    /// `code.co_lines()`.
    pub fn lines(&self) -> &[LineRange] {
        &self.lines
    }

    /// The 3.11+ exception table.
    pub fn exception_entries(&self) -> &[ExceptionEntry] {
        &self.prepared.exception_entries
    }

    /// The source line of each instruction, in order, without describing
    /// any argument.
    pub fn line_numbers(&self) -> impl Iterator<Item = Option<i64>> + '_ {
        self.prepared.steps().map(|step| step.line_number)
    }

    /// The instructions, in order.
    pub fn instructions<'s>(
        &'s self,
        repr: &'s dyn Fn(&Object) -> String,
    ) -> impl Iterator<Item = Instruction<'c>> + 's {
        let prep = &self.prepared;
        // From 3.6 on, an instruction starts at the first of the
        // EXTENDED_ARGs just before it (each EXTENDED_ARG at itself);
        // the listing never shows it, so decoding leaves it out.
        let words = prep.d.rules.code_unit == CodeUnit::Words;
        let mut extended_run = 0u32;
        prep.steps().map(move |step| {
            let write_const = |out: &mut String, o: &Object| out.push_str(&repr(o));
            let r = step.raw;
            let mut argrepr = String::new();
            let argval = match r.arg() {
                None => ArgValue::None,
                Some(arg) => prep.describe_arg::<WithValue, _>(r, arg, &write_const, &mut argrepr),
            };
            let start_offset = if words {
                let is_ext = prep.d.ops.facts(r.opcode).extended_arg;
                let start = if is_ext {
                    r.offset
                } else {
                    r.offset.saturating_sub(extended_run * 2)
                };
                extended_run = if is_ext { extended_run + 1 } else { 0 };
                start
            } else {
                r.start_offset
            };
            let unit = step.unit();
            let cache_positions = (1..=usize::from(r.cache_entries))
                .map(|k| prep.unit_positions(unit + k))
                .collect();
            Instruction {
                opcode: r.opcode,
                opname: step.opname(),
                arg: r.arg(),
                argval,
                argrepr,
                offset: r.offset,
                start_offset,
                starts_line: step.starts_line,
                line_number: step.line_number,
                label: step.label,
                is_jump_target: step.label.is_some(),
                jump_target: prep.jump(r),
                positions: prep.unit_positions(unit),
                cache_info: prep.cache_fields(r),
                cache_entries: r.cache_entries,
                cache_positions,
                long_arg: r.long_arg,
            }
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use pybc_model::{CodeObject, Object, PyInt};
    use pybc_versions::PyVersion;

    use super::*;
    use crate::{CodeAddresses, TextOptions, TextPrinter};

    fn code<'a>(bytes: &'a [u8], lnotab: &'a [u8], firstlineno: u32) -> CodeObject<'a> {
        // Leaked: a test's few objects outlive it harmlessly.
        let obj = |o: Object<'a>| -> Option<Obj<'a>> { Some(Box::leak(Box::new(o))) };
        static SEVEN: [Obj<'static>; 1] = [&Object::Int(PyInt::Small(7))];
        CodeObject {
            code: obj(Object::Bytes(bytes)),
            consts: obj(Object::Tuple(&SEVEN)),
            names: obj(Object::Tuple(&[])),
            varnames: obj(Object::Tuple(&[])),
            linetable: obj(Object::Bytes(lnotab)),
            firstlineno,
            ..CodeObject::default()
        }
    }

    fn dialect(major: u8, minor: u8) -> Dialect {
        Dialect::for_version(PyVersion::new(major, minor)).unwrap()
    }

    fn text(code: &CodeObject, d: Dialect) -> String {
        let addresses = CodeAddresses::new();
        let mut out = String::new();
        TextPrinter::new(d, TextOptions::default(), &addresses).write_code(&mut out, code);
        out
    }

    #[test]
    fn arguments_are_those_the_listing_decodes() {
        // Random code strings (EXTENDED_ARG chains, inline caches and
        // truncated tails, in both instruction eras): the budget's walk
        // sees the arguments the listing shows.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for (major, minor) in [(2, 7), (3, 6), (3, 11), (3, 13), (3, 14)] {
            let d = dialect(major, minor);
            for len in 0..200 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        state as u8
                    })
                    .collect();
                let c = code(&bytes, &[], 1);
                let listed: Vec<(ArgKind, i64)> = Prepared::new(&c, d, false, None)
                    .raw
                    .iter()
                    .filter_map(|r| Some((r.arg_kind, r.arg()?)))
                    .collect();
                let walked: Vec<(ArgKind, i64)> = arguments(&bytes, d).collect();
                assert_eq!(walked, listed, "{major}.{minor} {bytes:?}");
            }
        }
    }

    #[test]
    fn python2_extended_arg_makes_a_long_and_findlabels_ignores_it() {
        // EXTENDED_ARG 1; LOAD_CONST 0; JUMP_ABSOLUTE 9 (+ EXTENDED_ARG 1); RETURN_VALUE
        let c = code(
            &[145, 1, 0, 100, 0, 0, 145, 1, 0, 113, 13, 0, 83, 83],
            &[],
            1,
        );
        let d = dialect(2, 7);
        let listing = decode(&c, d, &|_| String::new());
        let offsets: Vec<u32> = listing.instructions.iter().map(|i| i.offset).collect();
        assert_eq!(offsets, [0, 3, 6, 9, 12, 13]);
        let load = &listing.instructions[1];
        assert_eq!((load.arg, load.long_arg), (Some(65536), true));
        assert!(!listing.instructions[0].long_arg);
        // The jump's own argument is 65536 + 13, but findlabels reads 13.
        assert_eq!(listing.instructions[3].arg, Some(65549));
        assert!(listing.instructions[5].is_jump_target);
        let shown = text(&c, d);
        assert!(shown.contains(" 65536L "), "{shown}");
        assert!(shown.contains(" 65549L\n"), "{shown}");
    }

    #[test]
    fn wordcode_keeps_extended_arg_across_no_arg_instructions_before_3_10() {
        // EXTENDED_ARG 1; NOP; LOAD_CONST 2
        let c = code(&[144, 1, 9, 0, 100, 2], &[], 1);
        let arg_36 = decode(&c, dialect(3, 6), &|_| String::new()).instructions[2].arg;
        assert_eq!(arg_36, Some(0x102));
        let c = code(&[144, 1, 9, 0, 100, 2], &[], 1);
        let arg_310 = decode(&c, dialect(3, 10), &|_| String::new()).instructions[2].arg;
        assert_eq!(arg_310, Some(2));
    }

    #[test]
    fn instructions_start_at_their_extended_args() {
        // EXTENDED_ARG, EXTENDED_ARG, LOAD_CONST, NOP, EXTENDED_ARG,
        // LOAD_CONST (144, 100 and 9 in 3.6 to 3.10).
        let c = code(&[144, 0, 144, 0, 100, 0, 9, 0, 144, 0, 100, 0], &[], 1);
        for minor in [6, 10] {
            let listing = decode(&c, dialect(3, minor), &|_| String::new());
            let starts: Vec<u32> = listing
                .instructions
                .iter()
                .map(|i| i.start_offset)
                .collect();
            assert_eq!(starts, [0, 2, 0, 6, 8, 8], "3.{minor}");
        }
        // 2.7: an instruction and each EXTENDED_ARG (145) start at the
        // first EXTENDED_ARG of their run.
        let c = code(&[145, 0, 0, 145, 0, 0, 100, 0, 0], &[], 1);
        let listing = decode(&c, dialect(2, 7), &|_| String::new());
        let starts: Vec<u32> = listing
            .instructions
            .iter()
            .map(|i| i.start_offset)
            .collect();
        assert_eq!(starts, [0, 0, 0]);
    }

    #[test]
    fn lnotab_line_increments_are_signed_from_3_6() {
        // Two instructions; the second is one line *before* the first in 3.6.
        let c = code(&[100, 0, 83, 0], &[2, 0xff], 10);
        let starts = decode(&c, dialect(3, 6), &|_| String::new()).line_starts;
        assert_eq!(starts, [(0, Some(10)), (2, Some(9))]);
        let c = code(&[100, 0, 0, 83], &[3, 0xff], 10);
        let starts = decode(&c, dialect(2, 7), &|_| String::new()).line_starts;
        assert_eq!(starts, [(0, Some(10)), (3, Some(265))]);
    }

    #[test]
    fn python_23_walks_lnotab_to_the_next_instruction() {
        // LOAD_CONST 0; RETURN_VALUE; the second line starts inside the first.
        let c = code(&[100, 0, 0, 83], &[2, 1], 10);
        let starts = decode(&c, dialect(2, 4), &|_| String::new()).line_starts;
        assert_eq!(starts, [(0, Some(10)), (3, Some(11))]);
        let c = code(&[100, 0, 0, 83], &[2, 1], 10);
        let starts = decode(&c, dialect(2, 5), &|_| String::new()).line_starts;
        assert_eq!(starts, [(0, Some(10)), (2, Some(11))]);
    }

    #[test]
    fn set_lineno_era_has_no_line_column() {
        // SET_LINENO 1; LOAD_CONST 0; SET_LINENO 2; RETURN_VALUE
        let c = code(&[127, 1, 0, 100, 0, 0, 127, 2, 0, 83], &[], 0);
        let shown = text(&c, dialect(1, 5));
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines.len(), 5, "{shown}");
        assert_eq!(lines[2], "", "{shown}");
        assert!(lines[0].starts_with("          0 SET_LINENO"), "{shown}");
    }

    #[test]
    fn unknown_opcodes_print_as_their_number() {
        let c = code(&[255, 83], &[], 1);
        let listing = decode(&c, dialect(2, 5), &|_| String::new());
        assert_eq!(listing.instructions[0].opname, "<255>");
        assert_eq!(listing.instructions[0].arg, Some(83));
    }
}
