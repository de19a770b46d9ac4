//! Line and position tables: `co_lines()` and `co_positions()` as each
//! CPython version computes them.

use pybc_model::CodeObject;
use pybc_versions::rules::LineTable;

/// A range of bytecode offsets `[start, end)` sharing one line.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct LineRange {
    pub start: u32,
    pub end: u32,
    pub line: Option<i64>,
}

/// Source span of one code unit, like `dis.Positions`.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub struct Positions {
    pub lineno: Option<i64>,
    pub end_lineno: Option<i64>,
    pub col_offset: Option<i64>,
    pub end_col_offset: Option<i64>,
}

/// CPython turns -1 (and only -1) into `None`.
fn opt(v: i64) -> Option<i64> {
    (v != -1).then_some(v)
}

/// Reads the varints of the 3.11+ location table.
struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Bytes<'_> {
    fn next(&mut self) -> Option<u8> {
        let b = self.data.get(self.pos).copied();
        self.pos += 1;
        b
    }

    fn varint(&mut self) -> i64 {
        let mut shift = 0u32;
        let mut value: i64 = 0;
        while let Some(b) = self.next() {
            if shift < 56 {
                value |= i64::from(b & 63) << shift;
            }
            shift += 6;
            if b & 64 == 0 {
                break;
            }
        }
        value
    }

    /// The code and unit count of the next location entry. Only entry
    /// starts have the top bit set: columns and stray continuation bytes
    /// are skipped, as CPython skips them.
    fn entry_start(&mut self) -> Option<(u8, u32)> {
        loop {
            let first = self.next()?;
            if first & 0x80 != 0 {
                return Some(((first >> 3) & 15, u32::from(first & 7) + 1));
            }
        }
    }

    fn signed_varint(&mut self) -> i64 {
        let v = self.varint();
        if v & 1 != 0 {
            -(v >> 1)
        } else {
            v >> 1
        }
    }
}

/// The line delta of an entry of kind `kind` (`None`: the entry has no
/// line), read from the bytes after its first. Both `co_lines` and
/// `co_positions` start every entry here.
impl Bytes<'_> {
    fn line_delta(&mut self, kind: u8) -> Option<i64> {
        match kind {
            15 => None,
            13 | 14 => Some(self.signed_varint()),
            10..=12 => Some(i64::from(kind) - 10),
            _ => Some(0),
        }
    }
}

/// One decoded entry of the 3.11+ location table.
struct LocationEntry {
    units: u32,
    /// `None`: the entry has no line (nor any other position).
    line_delta: Option<i64>,
    end_line_delta: i64,
    columns: (i64, i64),
}

fn location_entries(table: &[u8]) -> impl Iterator<Item = LocationEntry> + '_ {
    let mut bytes = Bytes {
        data: table,
        pos: 0,
    };
    std::iter::from_fn(move || {
        let (kind, units) = bytes.entry_start()?;
        let line_delta = bytes.line_delta(kind);
        let (end_line_delta, columns) = match kind {
            15 | 13 => (0, (-1, -1)),
            14 => {
                let end_line_delta = bytes.varint();
                let col = bytes.varint() - 1;
                let end_col = bytes.varint() - 1;
                (end_line_delta, (col, end_col))
            }
            10..=12 => {
                let col = i64::from(bytes.next().unwrap_or(0));
                let end_col = i64::from(bytes.next().unwrap_or(0));
                (0, (col, end_col))
            }
            _ => {
                let second = i64::from(bytes.next().unwrap_or(0));
                let col = (i64::from(kind) << 3) | (second >> 4);
                (0, (col, col + (second & 15)))
            }
        };
        Some(LocationEntry {
            units,
            line_delta,
            end_line_delta,
            columns,
        })
    })
}

/// Each 3.11+ location entry as `co_lines()` reads it (columns skipped):
/// the offsets it covers and its line (`None`: no line), unmerged.
pub(crate) fn location_ranges<'a>(code: &CodeObject<'a>) -> impl Iterator<Item = LineRange> + 'a {
    let mut bytes = Bytes {
        data: code.linetable_bytes(),
        pos: 0,
    };
    let mut line = i64::from(code.firstlineno as i32);
    let mut end = 0u32;
    std::iter::from_fn(move || {
        let (kind, units) = bytes.entry_start()?;
        let delta = bytes.line_delta(kind);
        line += delta.unwrap_or(0);
        let start = end;
        end = end.saturating_add(units * 2);
        Some(LineRange {
            start,
            end,
            line: delta.map(|_| line),
        })
    })
}

/// `code.co_lines()`.
pub fn co_lines(code: &CodeObject, format: LineTable) -> Vec<LineRange> {
    let table = code.linetable_bytes();
    let first = i64::from(code.firstlineno as i32);
    match format {
        LineTable::Locations => {
            // Consecutive entries with the same line are merged.
            let mut out: Vec<LineRange> = Vec::new();
            for range in location_ranges(code) {
                match out.last_mut() {
                    Some(last) if last.line == range.line => last.end = range.end,
                    _ => out.push(range),
                }
            }
            out
        }
        LineTable::Linetable310 => {
            let mut out = Vec::new();
            let mut line = first;
            let mut end = 0u32;
            let mut current: Option<i64> = None;
            let mut start = 0u32;
            let mut pairs = table.chunks_exact(2);
            // Each range: advance, skipping empty advances, as
            // PyLineTable_NextAddressRange does.
            'ranges: loop {
                loop {
                    let Some(pair) = pairs.next() else {
                        break 'ranges;
                    };
                    let delta = u32::from(pair.first().copied().unwrap_or(0));
                    let ldelta = pair.get(1).copied().unwrap_or(0) as i8;
                    start = end;
                    end = end.saturating_add(delta);
                    current = if ldelta == -128 {
                        None
                    } else {
                        line += i64::from(ldelta);
                        Some(line)
                    };
                    if start != end {
                        break;
                    }
                }
                out.push(LineRange {
                    start,
                    end,
                    line: current.filter(|&l| l >= 0),
                });
            }
            let _ = (start, current);
            out
        }
        LineTable::Lnotab { .. } => {
            // Each line start runs to the next one, the last to the end.
            let starts = lnotab_line_starts(code, format);
            let code_len = u32::try_from(code.code_bytes().len()).unwrap_or(u32::MAX);
            let ends = starts.iter().skip(1).map(|&(offset, _)| offset);
            starts
                .iter()
                .zip(ends.chain(std::iter::once(code_len)))
                .map(|(&(start, line), end)| LineRange {
                    start,
                    end: end.max(start),
                    line: Some(line),
                })
                .collect()
        }
        LineTable::SetLineno | LineTable::LnotabWalk => Vec::new(),
    }
}

/// The line numbers 2.3's and 2.4's `dis.disassemble` prints, walking
/// `co_lnotab` alongside the instructions at `offsets` (in order).
pub fn lnotab_walk_starts(
    code: &CodeObject,
    offsets: impl Iterator<Item = u32>,
) -> Vec<(u32, i64)> {
    let pairs: Vec<(u64, i64)> = code
        .linetable_bytes()
        .chunks_exact(2)
        .map(|p| match p {
            [b, l] => (u64::from(*b), i64::from(*l)),
            _ => (0, 0),
        })
        .collect();
    let mut line = i64::from(code.firstlineno as i32);
    let mut index = 0;
    // Leading entries that do not advance the address only move the line.
    while let Some(&(0, incr)) = pairs.get(index) {
        line += incr;
        index += 1;
    }
    let mut addr: u64 = 0;
    let mut line_incr = 0;
    let mut out = Vec::new();
    for offset in offsets {
        if u64::from(offset) < addr {
            continue;
        }
        line += line_incr;
        // Advance to the next entry that moves the line; none left: never
        // print another number.
        let mut moved = false;
        while let Some(&(byte_incr, incr)) = pairs.get(index) {
            addr += byte_incr;
            line_incr = incr;
            index += 1;
            if incr != 0 {
                moved = true;
                break;
            }
        }
        if !moved {
            addr = u64::MAX;
        }
        out.push((offset, line));
    }
    out
}

/// `dis.findlinestarts` over `co_lnotab` (2.3–3.9): (offset, line) pairs,
/// a pair only where the line changes.
pub fn lnotab_line_starts(code: &CodeObject, format: LineTable) -> Vec<(u32, i64)> {
    let LineTable::Lnotab {
        signed,
        stops_at_code_end,
    } = format
    else {
        return Vec::new();
    };
    let table = code.linetable_bytes();
    let code_len = code.code_bytes().len() as u64;
    let mut out = Vec::new();
    let mut last: Option<i64> = None;
    let mut line = i64::from(code.firstlineno as i32);
    let mut addr: u64 = 0;
    for pair in table.chunks_exact(2) {
        let (byte_incr, line_incr) = match pair {
            [b, l] => (u64::from(*b), *l),
            _ => continue,
        };
        if byte_incr != 0 {
            if last != Some(line) {
                out.push((u32::try_from(addr).unwrap_or(u32::MAX), line));
                last = Some(line);
            }
            addr += byte_incr;
            if stops_at_code_end && addr >= code_len {
                return out;
            }
        }
        line += if signed {
            i64::from(line_incr as i8)
        } else {
            i64::from(line_incr)
        };
    }
    if last != Some(line) {
        out.push((u32::try_from(addr).unwrap_or(u32::MAX), line));
    }
    out
}

/// `code.co_positions()`: one entry per 2-byte code unit (3.11+).
pub fn co_positions(code: &CodeObject) -> Vec<Positions> {
    let table = code.linetable_bytes();
    let mut line = i64::from(code.firstlineno as i32);
    let mut out = Vec::with_capacity(code.code_bytes().len() / 2);
    for entry in location_entries(table) {
        line += entry.line_delta.unwrap_or(0);
        let positions = match entry.line_delta {
            None => Positions::default(),
            Some(_) => Positions {
                lineno: opt(line),
                end_lineno: opt(line + entry.end_line_delta),
                col_offset: opt(entry.columns.0),
                end_col_offset: opt(entry.columns.1),
            },
        };
        for _ in 0..entry.units {
            out.push(positions);
        }
    }
    out
}
