//! ANSI colour for text listings shown on a terminal.
//!
//! Colour is added to the finished `dis` text, line by line, so the
//! listing itself stays byte-identical to what `dis` prints: line numbers
//! yellow, labels and `>>` magenta, offsets dim, opcode names bold blue,
//! argument descriptions green, section headers bold, `--source` lines dim.

const RESET: &str = "\x1b[0m";
const BOLD: &str = "\x1b[1m";
const DIM: &str = "\x1b[2m";
const YELLOW: &str = "\x1b[33m";
const MAGENTA: &str = "\x1b[35m";
const BLUE_BOLD: &str = "\x1b[1;34m";
const GREEN: &str = "\x1b[32m";

fn is_opname(token: &str) -> bool {
    token.len() >= 2
        && token.starts_with(|c: char| c.is_ascii_uppercase())
        && token
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

fn paint(out: &mut String, color: &str, text: &str) {
    out.push_str(color);
    out.push_str(text);
    out.push_str(RESET);
}

/// Whitespace-separated tokens of `line` with their byte ranges.
fn tokens(line: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        match (c == ' ', start) {
            (true, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, line.len()));
    }
    out
}

fn color_line(out: &mut String, line: &str) {
    if line.starts_with("Disassembly of ") || line == "ExceptionTable:" {
        return paint(out, BOLD, line);
    }
    if line.trim_start().starts_with("# ") {
        return paint(out, DIM, line);
    }
    let toks = tokens(line);
    let Some(op_index) = toks
        .iter()
        .position(|&(s, e)| line.get(s..e).is_some_and(is_opname))
    else {
        out.push_str(line);
        return;
    };
    let mut pos = 0;
    for (k, &(s, e)) in toks.iter().enumerate().take(op_index + 1) {
        out.push_str(line.get(pos..s).unwrap_or_default());
        let text = line.get(s..e).unwrap_or_default();
        let color = if k == op_index {
            BLUE_BOLD
        } else if text == ">>" || (text.starts_with('L') && text.ends_with(':')) {
            MAGENTA
        } else if k == 0 && s == 0 {
            YELLOW
        } else {
            DIM
        };
        paint(out, color, text);
        pos = e;
    }
    let rest = line.get(pos..).unwrap_or_default();
    match rest.find('(') {
        Some(p) => {
            out.push_str(rest.get(..p).unwrap_or_default());
            paint(out, GREEN, rest.get(p..).unwrap_or_default());
        }
        None => out.push_str(rest),
    }
}

/// `text` with ANSI colour codes added.
pub fn ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for line in text.split_inclusive('\n') {
        let (body, nl) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        color_line(&mut out, body);
        out.push_str(nl);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(text: &str) -> String {
        let mut out = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            if c == '\x1b' {
                for d in chars.by_ref() {
                    if d == 'm' {
                        break;
                    }
                }
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn colour_only_adds_escape_codes() {
        let text = "  1           RESUME                   0\n\n  2   L1:     LOAD_CONST               0 (None)\n\
                    ExceptionTable:\n  L1 to L2 -> L3 [0]\n\nDisassembly of <code object f at 0x10000>:\n";
        let colored = ansi(text);
        assert_ne!(colored, text);
        assert_eq!(strip(&colored), text);
        assert!(colored.contains("\x1b[1;34mLOAD_CONST\x1b[0m"));
        assert!(colored.contains("\x1b[32m(None)\x1b[0m"));
        assert!(colored.contains("\x1b[35mL1:\x1b[0m"));
    }
}
