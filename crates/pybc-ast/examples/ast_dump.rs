//! Prints `ast.dump(ast.parse(src), include_attributes=True)` for each file
//! given, each followed by a marker line, so that one process serves many
//! files.  Syntax errors print as `Kind: <msg> (line N, offset C)`.
//!
//! Usage: `ast_dump [--target X.Y] [--indent N] [--no-attributes] FILE...`
//! (with `-` among the files, the file names are read from standard input,
//! one per line).

use std::io::{BufRead, Write};

const MARKER: &str = "\u{1}----pybc-ast-end----";

fn run(
    path: &str,
    target: pybc_ast::Target,
    attrs: bool,
    indent: Option<usize>,
    out: &mut impl Write,
) -> std::io::Result<()> {
    match std::fs::read(path) {
        Ok(bytes) => match pybc_ast::parse_module(&bytes, target) {
            Ok(m) => {
                let options = pybc_ast::DumpOptions {
                    target,
                    include_attributes: attrs,
                    indent,
                };
                writeln!(out, "{}", pybc_ast::dump(&m, &options))?
            }
            Err(pybc_ast::Error::Syntax(e)) => writeln!(out, "{e}")?,
            Err(e) => writeln!(out, "Error: {e}")?,
        },
        Err(e) => writeln!(out, "IOError: {e}")?,
    }
    writeln!(out, "{MARKER}")?;
    out.flush()
}

fn main() -> std::io::Result<()> {
    let mut attrs = true;
    let mut target = pybc_ast::Target::PY313;
    let mut indent = None;
    let mut files = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--indent" => indent = args.next().and_then(|n| n.parse().ok()),
            "--no-attributes" => attrs = false,
            "--target" => match args.next().as_deref().and_then(pybc_ast::Target::parse) {
                Some(t) => target = t,
                None => {
                    eprintln!("ast_dump: --target needs a supported X.Y");
                    std::process::exit(2);
                }
            },
            "--list" => {
                if let Some(p) = args.next() {
                    files.extend(
                        std::fs::read_to_string(p)?
                            .lines()
                            .filter(|l| !l.trim().is_empty())
                            .map(str::to_owned),
                    );
                }
            }
            _ => files.push(a),
        }
    }
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for f in files {
        if f == "-" {
            for line in std::io::stdin().lock().lines() {
                run(&line?, target, attrs, indent, &mut out)?;
            }
        } else {
            run(&f, target, attrs, indent, &mut out)?;
        }
    }
    Ok(())
}
