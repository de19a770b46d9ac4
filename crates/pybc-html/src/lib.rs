//! One self-contained HTML page of a module's bytecode beside its source.
//!
//! The page needs no network: its style and script are inline. The source
//! is on the left, one element per line; the bytecode is on the right, one
//! table row per instruction, each code object in a `<details>` element
//! nested inside its parent's. Source lines and instructions carry the
//! same `data-line`, so hovering or clicking either highlights the other
//! (the inline script); jump arguments and nested code objects are links.
//! Without source the bytecode side is shown alone.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::io;

use pybc_dis::{CodeAddresses, Decoder, Dialect, TextOptions, TextPrinter};
use pybc_model::{CodeObject, Object};
use pybc_versions::rules::Layout;

const CSS: &str = include_str!("assets/page.css");
const JS: &str = include_str!("assets/page.js");

/// What the page is about.
#[derive(Copy, Clone, Debug)]
pub struct Page<'a> {
    /// The input's name, shown as the title.
    pub file: &'a str,
    /// The Python source, when it was found.
    pub source: Option<&'a str>,
}

/// HTML-escapes text for element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Bytes of page gathered before they are written out.
const CHUNK: usize = 1 << 20;

/// The whole page for the module code object `root`, written to `sink` as
/// it is produced, a megabyte at a time: memory stays that of the module,
/// however long its listing.
pub fn write_page(
    root: &CodeObject,
    dialect: Dialect,
    page: Page<'_>,
    sink: &mut dyn io::Write,
) -> io::Result<()> {
    // The source side, which comes first, marks the lines that have code:
    // a first pass finds them without describing any argument.
    let mut lines_with_code = BTreeSet::new();
    collect_lines(root, dialect, 0, &mut lines_with_code);
    let counter = count_codes(root, 0);
    let mut out = Chunked {
        text: String::new(),
        sink,
        failed: None,
    };
    let title = escape(page.file);
    let _ = write!(
        out.text,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} · pybc</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n\
         <header><h1>{title}</h1><span>Python {} bytecode · {counter} code object{}</span></header>\n<main>\n",
        dialect.rules.version,
        if counter == 1 { "" } else { "s" },
    );
    out.text.push_str("<section id=\"source\">\n");
    match page.source {
        Some(source) => {
            out.text.push_str("<pre>");
            for (i, text) in source.lines().enumerate() {
                let n = i + 1;
                let has = lines_with_code.contains(&(n as i64));
                let _ = write!(
                    out.text,
                    "<span class=\"src{}\" id=\"L{n}\"{}><span class=\"n\">{n}</span>{}</span>",
                    if has { "" } else { " nocode" },
                    if has {
                        format!(" data-line=\"{n}\"")
                    } else {
                        String::new()
                    },
                    escape(text)
                );
                out.pass();
            }
            out.text.push_str("</pre>\n");
        }
        None => out
            .text
            .push_str("<p class=\"none\">Source not found.</p>\n"),
    }
    out.text.push_str("</section>\n<section id=\"bytecode\">\n");
    let addresses = CodeAddresses::new();
    let printer = TextPrinter::new(dialect, TextOptions::default(), &addresses);
    let mut next_id = 0usize;
    write_code(&mut out, root, dialect, &printer, &mut next_id, 0);
    let _ = write!(
        out.text,
        "</section>\n</main>\n<script>\n{JS}</script>\n</body>\n</html>\n"
    );
    out.finish()
}

/// Page text on its way to the sink: written out whenever a chunk's worth
/// has gathered; the first write error stops all writing.
struct Chunked<'s> {
    text: String,
    sink: &'s mut dyn io::Write,
    failed: Option<io::Error>,
}

impl Chunked<'_> {
    /// Writes the gathered text out if there is a chunk of it.
    fn pass(&mut self) {
        if self.text.len() >= CHUNK {
            self.write_out();
        }
    }

    fn write_out(&mut self) {
        if self.failed.is_none() {
            if let Err(e) = self.sink.write_all(self.text.as_bytes()) {
                self.failed = Some(e);
            }
        }
        self.text.clear();
    }

    fn finish(mut self) -> io::Result<()> {
        self.write_out();
        match self.failed {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

/// Every line any instruction in the tree belongs to.
fn collect_lines(code: &CodeObject, dialect: Dialect, depth: usize, lines: &mut BTreeSet<i64>) {
    lines.extend(Decoder::new(code, dialect).line_numbers().flatten());
    if depth < pybc_dis::MAX_CODE_NESTING {
        for c in code.consts() {
            if let Object::Code(inner) = &**c {
                collect_lines(inner, dialect, depth + 1, lines);
            }
        }
    }
}

fn write_code(
    out: &mut Chunked<'_>,
    code: &CodeObject,
    dialect: Dialect,
    printer: &TextPrinter<'_>,
    counter: &mut usize,
    depth: usize,
) {
    let id = *counter;
    *counter += 1;
    let repr = |o: &Object| printer.repr(o);
    let decoder = Decoder::new(code, dialect);
    let flags = pybc_dis::info::pretty_flags(dialect.table, code.flags);
    let _ = writeln!(
        out.text,
        "<details open id=\"code{id}\"><summary><span class=\"q\">{}</span>\
         <span class=\"m\">line {} · args {} · {}</span></summary>",
        escape(&code.qualname()),
        code.firstlineno as i32,
        code.argcount,
        escape(&flags)
    );
    // Code objects in co_consts get the ids their preorder position gives.
    let mut child_ids = std::collections::HashMap::new();
    let mut next = id + 1;
    for c in code.consts() {
        if let Object::Code(inner) = &**c {
            child_ids.insert(&**inner as *const CodeObject, next);
            next += count_codes(inner, depth + 1);
        }
    }
    out.text.push_str("<table>\n");
    let labels = dialect.rules.layout == Layout::Labels;
    for instr in decoder.instructions(&repr) {
        let line = instr.line_number;
        let label = match (labels, instr.label) {
            (true, Some(l)) => format!("L{l}:"),
            (false, _) if instr.is_jump_target => ">>".to_string(),
            _ => String::new(),
        };
        let rep = escape(&instr.argrepr);
        let rep = match (&instr.argval, instr.jump_target) {
            (_, Some(target)) => format!("<a href=\"#c{id}-o{target}\">{rep}</a>"),
            (pybc_dis::ArgValue::Const(Object::Code(inner)), _) => {
                match child_ids.get(&(&**inner as *const CodeObject)) {
                    Some(child) => format!("<a href=\"#code{child}\">{rep}</a>"),
                    None => rep,
                }
            }
            _ => rep,
        };
        let _ = writeln!(
            out.text,
            "<tr class=\"ins{}\" id=\"c{id}-o{}\"{}><td class=\"ln\">{}</td><td class=\"lbl\">{label}</td>\
             <td class=\"off\">{}</td><td class=\"op\">{}</td><td class=\"arg\">{}</td><td class=\"rep\">{rep}</td></tr>",
            if instr.starts_line && instr.offset > 0 { " start" } else { "" },
            instr.offset,
            line.map(|l| format!(" data-line=\"{l}\"")).unwrap_or_default(),
            match (instr.starts_line, line) {
                (true, Some(l)) => l.to_string(),
                _ => String::new(),
            },
            instr.offset,
            instr.opname,
            instr.arg.map(|a| a.to_string()).unwrap_or_default(),
        );
        out.pass();
    }
    out.text.push_str("</table>\n");
    let entries = decoder.exception_entries();
    if !entries.is_empty() {
        out.text.push_str("<div class=\"exc\">Exception table:");
        for e in entries {
            let _ = write!(
                out.text,
                "<br>{} to {} → <a href=\"#c{id}-o{}\">{}</a> [{}]{}",
                e.start,
                e.end,
                e.target,
                e.target,
                e.depth,
                if e.lasti { " lasti" } else { "" }
            );
            out.pass();
        }
        out.text.push_str("</div>\n");
    }
    if depth < pybc_dis::MAX_CODE_NESTING {
        for c in code.consts() {
            if let Object::Code(inner) = &**c {
                write_code(out, inner, dialect, printer, counter, depth + 1);
            }
        }
    }
    out.text.push_str("</details>\n");
    out.pass();
}

/// Code objects in a tree (itself included), as [`write_code`] numbers them.
fn count_codes(code: &CodeObject, depth: usize) -> usize {
    if depth >= pybc_dis::MAX_CODE_NESTING {
        return 1;
    }
    1 + code
        .consts()
        .iter()
        .map(|c| match &**c {
            Object::Code(inner) => count_codes(inner, depth + 1),
            _ => 0,
        })
        .sum::<usize>()
}
