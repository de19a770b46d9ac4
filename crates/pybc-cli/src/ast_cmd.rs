//! `pybc ast`: what `ast.dump(ast.parse(source), include_attributes=True)`
//! prints under the target Python version.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

#[derive(Args, Debug)]
pub struct AstArgs {
    /// The Python source file (- for standard input).
    #[arg(value_name = "FILE.py")]
    file: PathBuf,
    /// Python version whose grammar and AST are used (3.12, 3.13, 3.14).
    #[arg(long, value_name = "X.Y", default_value = "3.13", value_parser = parse_target)]
    target: pybc_ast::Target,
    /// Indent nested nodes by N spaces (ast.dump's indent=N).
    #[arg(long, value_name = "N")]
    indent: Option<usize>,
    /// Leave out line and column attributes (include_attributes=False).
    #[arg(long)]
    no_attributes: bool,
}

fn parse_target(s: &str) -> Result<pybc_ast::Target, String> {
    pybc_ast::Target::parse(s).ok_or_else(|| format!("unsupported target {s:?} (3.12, 3.13, 3.14)"))
}

/// Prints the dump, or CPython's report of the syntax error (exit status 1).
pub fn run(args: &AstArgs) -> ExitCode {
    let name = args.file.display().to_string();
    let read = if name == "-" {
        let mut buf = Vec::new();
        std::io::stdin().read_to_end(&mut buf).map(|_| buf)
    } else {
        std::fs::read(&args.file)
    };
    let source = match read {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("pybc: {name}: {e}");
            return ExitCode::FAILURE;
        }
    };
    match pybc_ast::parse_module(&source, args.target) {
        Ok(module) => {
            let options = pybc_ast::DumpOptions {
                target: args.target,
                include_attributes: !args.no_attributes,
                indent: args.indent,
            };
            let text = pybc_ast::dump(&module, &options);
            let mut out = std::io::stdout().lock();
            match writeln!(out, "{text}").and_then(|()| out.flush()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("pybc: writing output: {e}");
                    ExitCode::FAILURE
                }
            }
        }
        Err(pybc_ast::Error::Syntax(e)) => {
            eprint!(
                "{}",
                e.traceback(if name == "-" { "<stdin>" } else { &name })
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("pybc: {e}");
            ExitCode::FAILURE
        }
    }
}
