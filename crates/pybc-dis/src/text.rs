//! The text printer: exactly what each version's `dis.dis(code)` prints.

use rustc_hash::FxHashMap;
use std::cell::{Cell, RefCell};
use std::fmt::Write;
use std::ops::ControlFlow;

use pybc_model::{CodeObject, Object};
use pybc_versions::opcodes::ArgKind;
use pybc_versions::rules::{CacheText, Layout, PrintStyle};

use crate::columns::{push_int_right, push_padded_name, push_spaces, PaddedName};
use crate::decode::{decode, Buffers, CodeListing, Dialect, Prepared, Step};
use crate::linetable::Positions;

const OPNAME_WIDTH: usize = 20;
const OPARG_WIDTH: usize = 5;
const NO_LINENO: &str = "  --";

/// `dis` options that change the listing.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct TextOptions {
    /// `show_caches=True` / `-C`.
    pub show_caches: bool,
    /// `show_offsets=True` / `-O` (3.13+; earlier versions always show them).
    pub show_offsets: bool,
    /// `show_positions=True` / `-P` (3.14+).
    pub show_positions: bool,
    /// Disassemble nested code objects too.
    pub recursive: bool,
}

/// Gives each code object of a tree a stable, made-up address, in the
/// order the printer meets them, so `<code object f at 0x…>` is the same
/// in every run.
pub struct CodeAddresses {
    /// Keyed by the code object's address.
    known: std::cell::RefCell<FxHashMap<usize, u64>>,
}

impl Default for CodeAddresses {
    fn default() -> Self {
        Self::new()
    }
}

impl CodeAddresses {
    pub fn new() -> CodeAddresses {
        CodeAddresses {
            known: std::cell::RefCell::new(FxHashMap::default()),
        }
    }

    /// The address printed for `code`: 0x1000 apart, starting at 0x10000.
    pub fn address(&self, code: &CodeObject) -> u64 {
        let mut known = self.known.borrow_mut();
        let next = known.len() as u64;
        *known
            .entry(std::ptr::from_ref(code) as usize)
            .or_insert(0x10000 + 0x1000 * next)
    }
}

/// Receives finished text (whole lines), usually emptying the buffer;
/// `Break` stops the listing there (the text after it is not written).
pub type FlushHook<'a> = &'a dyn Fn(&mut String) -> ControlFlow<()>;

/// Prints code objects as that version's `dis.dis` does.
pub struct TextPrinter<'a> {
    dialect: Dialect,
    options: TextOptions,
    addresses: &'a CodeAddresses,
    source: Option<&'a [&'a str]>,
    /// Where finished text goes, and from what length on.
    flush: Option<FlushHook<'a>>,
    /// The text length from which `flush` is called (`usize::MAX`
    /// without one): one comparison per line.
    flush_at: usize,
    /// The flush hook asked to stop.
    stopped: Cell<bool>,
    /// The vectors of the last code object listed, for the next one.
    buffers: RefCell<Buffers>,
    code_reprs: RefCell<CodeReprs>,
}

/// The reprs of code objects kept for their second use, in bytes of text.
const CODE_REPRS_KEPT: usize = 64 << 10;

/// The `repr` of each code object shown so far, one after the other in
/// `text`, by the code object's address.
#[derive(Default)]
struct CodeReprs {
    text: String,
    known: FxHashMap<usize, std::ops::Range<usize>>,
}

impl<'a> TextPrinter<'a> {
    pub fn new(dialect: Dialect, options: TextOptions, addresses: &'a CodeAddresses) -> Self {
        TextPrinter {
            dialect,
            options,
            addresses,
            source: None,
            flush: None,
            flush_at: usize::MAX,
            stopped: Cell::new(false),
            buffers: RefCell::default(),
            code_reprs: RefCell::default(),
        }
    }

    /// Hands the text to `hook` whenever `at_least` bytes of whole lines
    /// have built up, so a huge listing need not be held in memory.
    pub fn with_flush(mut self, hook: FlushHook<'a>, at_least: usize) -> Self {
        self.flush = Some(hook);
        self.flush_at = at_least;
        self
    }

    /// Hands the text to the flush hook if enough has built up; whether
    /// the listing must stop.
    #[inline(always)]
    fn maybe_flush(&self, out: &mut String) -> bool {
        out.len() >= self.flush_at && self.flush_now(out)
    }

    #[cold]
    fn flush_now(&self, out: &mut String) -> bool {
        let stop = self.flush.is_some_and(|hook| hook(out).is_break());
        self.stopped.set(stop);
        stop
    }

    /// Prints each source line (`# text`) above the instructions it starts
    /// (like `objdump -S`); the listing is then no longer `dis` output.
    pub fn with_source(mut self, lines: &'a [&'a str]) -> Self {
        self.source = Some(lines);
        self
    }

    fn write_source_line(&self, out: &mut String, starts_line: bool, line: Option<i64>) {
        let (Some(lines), true, Some(line)) = (self.source, starts_line, line) else {
            return;
        };
        let text = usize::try_from(line)
            .ok()
            .and_then(|l| l.checked_sub(1))
            .and_then(|l| lines.get(l));
        if let Some(text) = text {
            let _ = writeln!(out, "# {}", text.trim_end());
        }
    }

    /// `repr()` of a constant, as this version writes it.
    pub fn repr(&self, obj: &Object) -> String {
        pybc_repr::repr(obj, self.dialect.rules.version, &|c| {
            self.addresses.address(c)
        })
    }

    /// `dis.dis(code)`: the code object, then (recursively) nested ones.
    pub fn write_dis(&self, out: &mut String, code: &CodeObject) {
        self.write_recursive(out, code, 0);
    }

    fn write_recursive(&self, out: &mut String, code: &CodeObject, depth: usize) {
        self.write_code(out, code);
        if self.maybe_flush(out) || !self.options.recursive || depth > crate::MAX_CODE_NESTING {
            return;
        }
        for c in code.consts() {
            if self.stopped.get() {
                return;
            }
            if let Object::Code(inner) = &**c {
                out.push_str("\nDisassembly of ");
                self.write_repr(out, c);
                out.push_str(":\n");
                self.write_recursive(out, inner, depth + 1);
            }
        }
    }

    /// `repr()` of a constant, appended to `out`.
    fn write_repr(&self, out: &mut String, obj: &Object) {
        if let Object::Code(code) = obj {
            return self.write_code_repr(out, obj, code);
        }
        pybc_repr::repr_into(out, obj, self.dialect.rules.version, &|c| {
            self.addresses.address(c)
        });
    }

    /// A code object's `repr`, worked out once: the listing that loads it
    /// and the header of its own listing both show it.
    fn write_code_repr(&self, out: &mut String, obj: &Object, code: &CodeObject) {
        let key = std::ptr::from_ref(code) as usize;
        let mut cache = self.code_reprs.borrow_mut();
        let CodeReprs { text, known } = &mut *cache;
        if let Some(shown) = known.get(&key).and_then(|range| text.get(range.clone())) {
            out.push_str(shown);
            return;
        }
        if text.len() > CODE_REPRS_KEPT {
            // Memory stays that of the module: a module of many functions
            // loads them all before listing any, and finds them here no
            // more (their reprs are then worked out again).
            text.clear();
            known.clear();
        }
        let start = text.len();
        pybc_repr::repr_into(text, obj, self.dialect.rules.version, &|c| {
            self.addresses.address(c)
        });
        if let Some(shown) = text.get(start..) {
            out.push_str(shown);
        }
        known.insert(key, start..text.len());
    }

    /// `dis.disassemble(code)`: one code object.
    pub fn write_code(&self, out: &mut String, code: &CodeObject) {
        match self.dialect.rules.layout {
            Layout::Print(style) => {
                let listing = decode(code, self.dialect, &|o| self.repr(o));
                write_print_layout(out, &listing, style, self.dialect);
            }
            Layout::Offsets => {
                let prepared =
                    Prepared::new_in(code, self.dialect, false, None, self.buffers.take());
                self.write_offsets_layout(out, &prepared);
                self.buffers.replace(prepared.into_buffers());
            }
            Layout::Labels => {
                let positions = self.show_positions();
                let prepared =
                    Prepared::new_in(code, self.dialect, positions, None, self.buffers.take());
                self.write_labels_layout(out, &prepared);
                self.buffers.replace(prepared.into_buffers());
            }
        }
    }

    fn show_positions(&self) -> bool {
        self.options.show_positions && self.dialect.rules.has_show_positions
    }

    fn write_offsets_layout(&self, out: &mut String, prepared: &Prepared<'_>) {
        let grow = self.dialect.rules.widths_grow;
        let lineno_width = match prepared.line_starts.iter().filter_map(|(_, l)| *l).max() {
            Some(max) if grow && max >= 1000 => max.to_string().len(),
            Some(_) => 3,
            None if !grow => 3,
            None => 0,
        };
        let max_offset = prepared.code_len() as i64 - 2;
        let offset_width = if grow && max_offset >= 10000 {
            max_offset.to_string().len()
        } else {
            4
        };
        // Offsets below this fill their column (only odd-length code can
        // go past the last even offset).
        let offset_limit = u32::try_from(offset_width)
            .ok()
            .and_then(|w| 10i64.checked_pow(w))
            .unwrap_or(i64::MAX);
        let show_caches = self.options.show_caches && self.dialect.rules.exception_table;
        let write_const = |out: &mut String, o: &Object| self.write_repr(out, o);
        for step in prepared.steps() {
            let r = step.raw;
            let line = step.starts_line.then_some(step.line_number).flatten();
            if lineno_width > 0 && line.is_some() && r.offset > 0 {
                out.push('\n');
            }
            self.write_source_line(out, step.starts_line, step.line_number);
            // The fields of `Line`, joined by single spaces, written out
            // directly: this is the listing's innermost loop. A run of
            // blanks is written as the padding of the number after it.
            let start = out.len();
            let mut blanks = 0;
            if lineno_width > 0 {
                match line {
                    Some(l) => push_int_right(out, l, lineno_width),
                    None => blanks += lineno_width,
                }
                blanks += 1;
            }
            // "   " and the separators around the marker.
            blanks += 4;
            if step.label.is_some() {
                push_spaces(out, blanks);
                out.push_str(">>");
                blanks = 1;
            } else {
                blanks += 3;
            }
            let offset = i64::from(r.offset);
            if offset < offset_limit {
                push_int_right(out, offset, blanks + offset_width);
            } else {
                push_spaces(out, blanks);
                push_int_right(out, offset, offset_width);
            }
            out.push(' ');
            let padded = self.dialect.ops.padded_name(r.opcode);
            match padded {
                // The name and the blanks before the argument, at once.
                Some(name) if r.has_arg() => push_padded_name(out, name, OPNAME_WIDTH + 1, 1),
                Some(name) => push_padded_name(out, name, 0, 0),
                None => {
                    out.push_str(step.opname());
                    if r.has_arg() {
                        // Opcode names are ASCII (a test of the tables checks it).
                        push_spaces(out, OPNAME_WIDTH.saturating_sub(step.opname().len()) + 1);
                    }
                }
            }
            if let Some(arg) = r.arg() {
                push_int_right(out, arg, OPARG_WIDTH);
                let before = out.len();
                out.push_str(" (");
                let open = out.len();
                prepared.write_argrepr(r, arg, &write_const, out);
                if out.len() == open {
                    out.truncate(before);
                } else {
                    out.push(')');
                }
            }
            finish_line(out, start);
            if self.maybe_flush(out) {
                return;
            }
            if show_caches && step.raw.cache_entries > 0 {
                let mut offset = r.offset;
                let described = self.dialect.rules.cache_text != CacheText::QuickenedOnly;
                for field in prepared.cache_fields(r) {
                    for i in 0..field.size {
                        offset += 2;
                        let mut fields = Line::new(out);
                        if lineno_width > 0 {
                            fields.spaces(lineno_width);
                        }
                        fields.str("   ");
                        fields.str("  ");
                        fields.int_right(i64::from(offset), offset_width);
                        push_op_fields(
                            &mut fields,
                            "CACHE",
                            None,
                            Some(0),
                            false,
                            &mut |out, _| {
                                if i == 0 && described {
                                    let _ = write!(out, "{}: {}", field.name, field.value);
                                }
                            },
                        );
                        fields.finish();
                    }
                }
            }
        }
        if !prepared.exception_entries.is_empty() {
            out.push_str("ExceptionTable:\n");
            for e in &prepared.exception_entries {
                let lasti = if e.lasti { " lasti" } else { "" };
                let end = i64::from(e.end) - 2;
                // "  {start} to {end} -> {target} [{depth}]{lasti}"
                out.push_str("  ");
                push_int_right(out, i64::from(e.start), 0);
                out.push_str(" to ");
                push_int_right(out, end, 0);
                out.push_str(" -> ");
                push_int_right(out, i64::from(e.target), 0);
                out.push_str(" [");
                push_int_right(out, i64::from(e.depth), 0);
                out.push(']');
                out.push_str(lasti);
                out.push('\n');
            }
        }
    }

    fn write_labels_layout(&self, out: &mut String, prepared: &Prepared<'_>) {
        let show_positions = self.show_positions();
        let lineno_width = if show_positions {
            positions_width(&prepared.positions)
        } else {
            lineno_width(&prepared.line_starts)
        };
        let offset_width = if self.options.show_offsets {
            (prepared.code_len() as i64 - 2).max(9999).to_string().len()
        } else {
            0
        };
        let label_width = 4 + prepared.label_count.to_string().len();
        let line_field = LineField {
            show_positions,
            width: lineno_width,
        };
        let write_const = |out: &mut String, o: &Object| self.write_repr(out, o);
        for step in prepared.steps() {
            let r = step.raw;
            if lineno_width > 0 && step.starts_line && r.offset > 0 {
                out.push('\n');
            }
            self.write_source_line(out, step.starts_line, step.line_number);
            let mut fields = Line::new(out);
            if lineno_width > 0 {
                if !show_positions && !step.starts_line {
                    fields.spaces(lineno_width);
                } else {
                    line_field.write(
                        &mut fields,
                        step.starts_line,
                        step.line_number,
                        &prepared.unit_positions(step.unit()),
                    );
                }
            }
            match step.label {
                Some(l) => {
                    // "L{l}:" right-aligned in label_width.
                    let digits = decimal_len(u64::from(l));
                    fields.spaces(label_width.saturating_sub(digits + 2));
                    fields.glue("L");
                    push_int_right(fields.out, i64::from(l), 0);
                    fields.glue(":");
                }
                None => fields.spaces(label_width),
            }
            if offset_width > 0 {
                fields.int_right(i64::from(r.offset), offset_width);
                fields.glue("  ");
            }
            fields.str("   ");
            let padded = self.dialect.ops.padded_name(r.opcode);
            push_op_fields(
                &mut fields,
                step.opname(),
                padded,
                r.arg(),
                true,
                &mut |out, arg| {
                    prepared.write_argrepr(r, arg, &write_const, out);
                },
            );
            fields.finish();
            if self.maybe_flush(out) {
                return;
            }
            if self.options.show_caches && step.raw.cache_entries > 0 {
                self.write_cache_lines(
                    out,
                    prepared,
                    &step,
                    label_width,
                    offset_width,
                    &line_field,
                );
            }
        }
        if !prepared.exception_entries.is_empty() {
            out.push_str("ExceptionTable:\n");
            for (e, (start, end, target)) in prepared
                .exception_entries
                .iter()
                .zip(&prepared.exception_labels)
            {
                let lasti = if e.lasti { " lasti" } else { "" };
                let _ = writeln!(
                    out,
                    "  L{start} to L{end} -> L{target} [{}]{lasti}",
                    e.depth
                );
            }
        }
    }

    fn write_cache_lines(
        &self,
        out: &mut String,
        prepared: &Prepared<'_>,
        step: &Step<'_>,
        label_width: usize,
        offset_width: usize,
        line_field: &LineField,
    ) {
        let mut offset = step.raw.offset;
        for field in prepared.cache_fields(step.raw) {
            for i in 0..field.size {
                offset += 2;
                let mut fields = Line::new(out);
                if line_field.width > 0 {
                    line_field.write(
                        &mut fields,
                        false,
                        None,
                        &prepared.unit_positions(step.unit()),
                    );
                }
                fields.spaces(label_width);
                if offset_width > 0 {
                    fields.int_right(i64::from(offset), offset_width);
                    fields.glue("  ");
                }
                fields.str("   ");
                push_op_fields(&mut fields, "CACHE", None, Some(0), true, &mut |out, _| {
                    if i == 0 {
                        let _ = write!(out, "{}: {}", field.name, field.value);
                    }
                });
                fields.finish();
            }
        }
    }
}

/// The line column of the 3.13+ layout: a line number where a line
/// starts, or (`show_positions`, 3.14+) every instruction's positions.
struct LineField {
    show_positions: bool,
    width: usize,
}

impl LineField {
    fn write(&self, fields: &mut Line<'_>, starts: bool, line: Option<i64>, positions: &Positions) {
        let width = self.width;
        if self.show_positions {
            let p = [
                positions.lineno,
                positions.end_lineno,
                positions.col_offset,
                positions.end_col_offset,
            ];
            let text = if p.iter().all(Option::is_none) {
                NO_LINENO.to_string()
            } else {
                let s = |v: Option<i64>| v.map_or("?".to_string(), |v| v.to_string());
                format!("{}:{}-{}:{}", s(p[0]), s(p[2]), s(p[1]), s(p[3]))
            };
            fields.str_left(&text, width);
        } else if starts {
            match line {
                Some(l) => fields.int_right(l, width),
                None => fields.str_right(NO_LINENO, width),
            }
        } else {
            fields.spaces(width);
        }
    }
}

/// `dis.disassemble` of the `print` era (1.x–3.3): each column printed on
/// its own, separated by single spaces, with no trailing whitespace
/// removed.
fn write_print_layout(out: &mut String, listing: &CodeListing, style: PrintStyle, d: Dialect) {
    for instr in &listing.instructions {
        if instr.starts_line && instr.offset > 0 {
            out.push('\n');
        }
        let mut fields: Vec<String> = Vec::with_capacity(7);
        if style.line_column {
            fields.push(
                match instr.starts_line.then_some(instr.line_number).flatten() {
                    Some(l) => format!("{l:>3}"),
                    None => "   ".into(),
                },
            );
        }
        fields.push("   ".into());
        fields.push(if instr.is_jump_target { ">>" } else { "  " }.into());
        fields.push(format!("{:>4}", instr.offset));
        fields.push(format!(
            "{:<width$}",
            instr.opname,
            width = style.opname_width
        ));
        if let Some(arg) = instr.arg {
            let suffix = if style.long_suffix && instr.long_arg {
                "L"
            } else {
                ""
            };
            fields.push(format!("{:>5}", format!("{arg}{suffix}")));
            // Every described kind is printed, even as "()" for an empty name.
            let kind = d.table.base(instr.opcode).arg_kind;
            if !matches!(kind, ArgKind::None | ArgKind::Plain) {
                fields.push(format!("({})", instr.argrepr));
            }
        }
        out.push_str(&fields.join(" "));
        if style.trailing_space {
            out.push(' ');
        }
        out.push('\n');
    }
}

/// The opcode name and argument columns; `argrepr` writes the
/// argument's description (nothing for none).
fn push_op_fields(
    fields: &mut Line<'_>,
    opname: &str,
    padded: Option<&PaddedName>,
    arg: Option<i64>,
    overflow: bool,
    argrepr: &mut dyn FnMut(&mut String, i64),
) {
    fields.separate();
    match (padded, arg) {
        (Some(name), Some(_)) => push_padded_name(fields.out, name, OPNAME_WIDTH, 0),
        (Some(name), None) => push_padded_name(fields.out, name, 0, 0),
        // Opcode names are ASCII (a test of the tables checks it): padded
        // by their length in bytes.
        (None, _) => {
            fields.glue(opname);
            push_spaces(fields.out, OPNAME_WIDTH.saturating_sub(opname.len()));
        }
    }
    if let Some(arg) = arg {
        // 3.13+ lets a long opname eat into the argument column.
        let excess = if overflow {
            opname.len().saturating_sub(OPNAME_WIDTH)
        } else {
            0
        };
        let width = OPARG_WIDTH.saturating_sub(excess);
        fields.int_right(arg, width);
        let before = fields.out.len();
        fields.out.push_str(" (");
        let open = fields.out.len();
        argrepr(fields.out, arg);
        if fields.out.len() == open {
            fields.out.truncate(before);
        } else {
            fields.out.push(')');
        }
    }
}

/// One listing line as `dis` builds it: fields joined by single spaces,
/// trailing whitespace removed. Fields are written straight into the
/// output, so printing a line allocates nothing.
struct Line<'a> {
    out: &'a mut String,
    start: usize,
    first: bool,
}

impl<'a> Line<'a> {
    fn new(out: &'a mut String) -> Line<'a> {
        let start = out.len();
        Line {
            out,
            start,
            first: true,
        }
    }

    fn separate(&mut self) {
        if !self.first {
            self.out.push(' ');
        }
        self.first = false;
    }

    fn str(&mut self, field: &str) {
        self.separate();
        self.out.push_str(field);
    }

    /// Continues the current field (no separator).
    fn glue(&mut self, more: &str) {
        self.out.push_str(more);
    }

    /// `f"{text:<width}"`.
    fn str_left(&mut self, text: &str, width: usize) {
        self.separate();
        self.out.push_str(text);
        push_spaces(self.out, width.saturating_sub(text_width(text)));
    }

    /// `f"{text:>width}"`.
    fn str_right(&mut self, text: &str, width: usize) {
        self.separate();
        push_spaces(self.out, width.saturating_sub(text_width(text)));
        self.out.push_str(text);
    }

    /// `f"{n:>width}"`.
    fn int_right(&mut self, n: i64, width: usize) {
        self.separate();
        push_int_right(self.out, n, width);
    }

    fn spaces(&mut self, n: usize) {
        self.separate();
        push_spaces(self.out, n);
    }

    fn finish(self) {
        finish_line(self.out, self.start);
    }
}

/// Ends the line that began at `start`: trailing whitespace removed, as
/// `dis` strips it, and a newline. Inlined: once per line, the call's
/// register saves took more than its work.
#[inline(always)]
fn finish_line(out: &mut String, start: usize) {
    // Most lines end in a visible ASCII character: nothing to strip.
    let last = out.as_bytes().last().copied().unwrap_or(b' ');
    if last.is_ascii_whitespace() || !last.is_ascii() {
        let kept = out.get(start..).map_or(0, |line| line.trim_end().len());
        out.truncate(start + kept);
    }
    out.push('\n');
}

/// Characters in `text` (what Python's format widths count).
fn text_width(text: &str) -> usize {
    if text.is_ascii() {
        text.len()
    } else {
        text.chars().count()
    }
}

fn decimal_len(mut n: u64) -> usize {
    let mut len = 1;
    while n >= 10 {
        n /= 10;
        len += 1;
    }
    len
}

/// `dis._get_lineno_width` (3.13+).
fn lineno_width(line_starts: &[(u32, Option<i64>)]) -> usize {
    // filter(None, ...) drops both None and 0.
    let max = line_starts
        .iter()
        .filter_map(|(_, l)| *l)
        .filter(|&l| l != 0)
        .max();
    let Some(max) = max else { return 0 };
    if max == -1 {
        return 0;
    }
    let width = 3.max(max.to_string().len());
    if width < NO_LINENO.len() && line_starts.iter().any(|(_, l)| l.is_none()) {
        NO_LINENO.len()
    } else {
        width
    }
}

/// `dis._get_positions_width` (3.14+).
fn positions_width(positions: &[Positions]) -> usize {
    let mut has_value = false;
    let mut values_width = 0;
    for p in positions {
        let all = [p.lineno, p.end_lineno, p.col_offset, p.end_col_offset];
        has_value |= all.iter().any(Option::is_some);
        let width: usize = all
            .iter()
            .map(|v| v.map_or(1, |v| v.to_string().len()))
            .sum();
        values_width = values_width.max(width);
    }
    if has_value {
        1 + NO_LINENO.len().max(3 + values_width)
    } else {
        0
    }
}
