//! `pybc`: show the bytecode Python really runs, for any version.
//!
//! The binary only parses arguments, reads inputs and reports errors; the
//! work is done by the library crates.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::{Args, Parser, Subcommand};
use pybc_versions::PyVersion;

mod compile;

#[derive(Parser, Debug)]
#[command(
    name = "pybc",
    version,
    about = "Disassemble Python bytecode of any version, exactly as that version's dis prints it",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    dis: DisArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Disassemble .pyc, marshal or .py files (the default command).
    Dis(DisArgs),
    /// Show a .pyc header and, per code object, what dis.code_info prints.
    Info(DisArgs),
}

#[derive(Args, Debug, Default)]
struct DisArgs {
    /// Files to disassemble: .pyc, raw marshal data (with --pyversion), .py, or - for stdin.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// Show inline caches (dis -C / show_caches=True).
    #[arg(short = 'C', long)]
    show_caches: bool,
    /// Show instruction offsets (dis -O / show_offsets=True; 3.13+).
    #[arg(short = 'O', long)]
    show_offsets: bool,
    /// Show instruction positions (dis -P / show_positions=True; 3.14+).
    #[arg(short = 'P', long)]
    show_positions: bool,
    /// Treat the input as written by this Python version (X.Y), whatever its magic
    /// number says; required for raw marshal data.
    #[arg(long, value_name = "X.Y")]
    pyversion: Option<PyVersion>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = FormatArg::Text)]
    format: FormatArg,
    /// Python interpreter used to compile .py inputs.
    #[arg(long, value_name = "PATH", default_value = "python3")]
    python: PathBuf,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let (args, mode) = match cli.command {
        Some(Command::Dis(args)) => (args, Mode::Dis),
        Some(Command::Info(args)) => (args, Mode::Info),
        None => (cli.dis, Mode::Dis),
    };
    if args.files.is_empty() {
        eprintln!("pybc: no input files (try --help)");
        return ExitCode::from(2);
    }
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut failed = false;
    let several = args.files.len() > 1 && args.format == FormatArg::Text;
    for (index, path) in args.files.iter().enumerate() {
        match process_file(path, &args, mode, index == 0) {
            Ok(text) => {
                let written = if several {
                    writeln!(out, "==> {} <==", path.display())
                        .and_then(|_| out.write_all(text.as_bytes()))
                } else {
                    out.write_all(text.as_bytes())
                };
                if let Err(e) = written.and_then(|_| out.flush()) {
                    if e.kind() == io::ErrorKind::BrokenPipe {
                        return ExitCode::SUCCESS;
                    }
                    eprintln!("pybc: writing output: {e}");
                    return ExitCode::FAILURE;
                }
            }
            Err(e) => {
                let _ = out.flush();
                eprintln!("{}: {:#}", path.display(), e);
                failed = true;
            }
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn read_input(path: &Path) -> Result<Vec<u8>> {
    if path.as_os_str() == "-" {
        let mut data = Vec::new();
        io::stdin()
            .read_to_end(&mut data)
            .context("reading standard input")?;
        return Ok(data);
    }
    if path.is_dir() {
        bail!("is a directory");
    }
    std::fs::read(path).map_err(|e| anyhow::anyhow!("cannot read: {e}"))
}

/// `--format` values.
#[derive(clap::ValueEnum, Copy, Clone, Debug, Default, PartialEq, Eq)]
enum FormatArg {
    /// What that version's dis prints
    #[default]
    Text,
    /// One JSON document per file
    Json,
    /// One JSON object per code object per line
    Jsonl,
    /// One row per instruction
    Csv,
}

/// What to print for each input.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Mode {
    Dis,
    Info,
}

/// Turns one input into the text asked for.
fn process_file(path: &Path, args: &DisArgs, mode: Mode, first: bool) -> Result<String> {
    let is_source = path.extension().is_some_and(|e| e == "py" || e == "pyw");
    let data = if is_source {
        compile::compile_with_python(&args.python, path)?
    } else {
        read_input(path)?
    };
    let options = pybc::Options {
        version: args.pyversion,
        raw_marshal: !is_source && args.pyversion.is_some() && !looks_like_pyc(&data),
        show_caches: args.show_caches,
        show_offsets: args.show_offsets,
        show_positions: args.show_positions,
        recursive: None,
        csv_header: first,
    };
    let format = match args.format {
        FormatArg::Text => pybc::Format::Text,
        FormatArg::Json => pybc::Format::Json,
        FormatArg::Jsonl => pybc::Format::Jsonl,
        FormatArg::Csv => pybc::Format::Csv,
    };
    let module = pybc::load(&data, &options)?;
    Ok(match mode {
        Mode::Dis => pybc::render(&module, &path.display().to_string(), &options, format)?,
        Mode::Info => pybc::info_text(&module)?,
    })
}

/// Whether data starts like a `.pyc` (magic number followed by `\r\n`).
fn looks_like_pyc(data: &[u8]) -> bool {
    data.get(2..4) == Some(b"\r\n")
}
