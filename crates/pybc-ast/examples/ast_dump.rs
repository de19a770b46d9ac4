//! Prints `ast.dump(ast.parse(src), include_attributes=True)` for each file
//! given, each followed by a marker line, so that one process serves many
//! files.  Syntax errors print as `SyntaxError: <msg> (line N)`.
//!
//! Usage: `ast_dump [--indent N] [--no-attributes] FILE...`
//! (with `-` among the files, the file names are read from standard input,
//! one per line).

use std::io::{BufRead, Write};

const MARKER: &str = "\u{1}----pybc-ast-end----";

fn run(
    path: &str,
    attrs: bool,
    indent: Option<usize>,
    out: &mut impl Write,
) -> std::io::Result<()> {
    match std::fs::read(path) {
        Ok(bytes) => match pybc_ast::parse_module(&bytes, pybc_ast::Target::PY313) {
            Ok(m) => writeln!(out, "{}", pybc_ast::dump(&m, attrs, indent))?,
            Err(e) => writeln!(out, "SyntaxError: {} (line {})", e.msg, e.lineno)?,
        },
        Err(e) => writeln!(out, "IOError: {e}")?,
    }
    writeln!(out, "{MARKER}")?;
    out.flush()
}

fn main() -> std::io::Result<()> {
    let mut attrs = true;
    let mut indent = None;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--indent" => indent = args.next().and_then(|n| n.parse().ok()),
            "--no-attributes" => attrs = false,
            _ => files.push(a),
        }
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for f in files {
        if f == "-" {
            for line in std::io::stdin().lock().lines() {
                run(&line?, attrs, indent, &mut out)?;
            }
        } else {
            run(&f, attrs, indent, &mut out)?;
        }
    }
    Ok(())
}
