//! `pybc`: show the bytecode Python really runs, for any version.
//!
//! The binary only parses arguments, reads inputs and reports errors; the
//! work is done by the library crates.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use pybc_versions::PyVersion;

mod ast_cmd;
mod batch;

/// Disassembly allocates many small strings; mimalloc serves them far
/// faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
mod compile;
mod extras;

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
    /// Print a Python file's AST as that version's ast.dump(ast.parse(src),
    /// include_attributes=True) does.
    Ast(ast_cmd::AstArgs),
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
}

#[derive(Args, Debug, Default)]
struct DisArgs {
    /// Inputs: .pyc, raw marshal data (with --pyversion), .py, - for stdin,
    /// directories (recursively) and .zip/.whl/.pyz/.egg archives.
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
    /// Disassemble nested code objects too, for every version (dis.dis
    /// itself recurses from 3.7 on, and did not before).
    #[arg(long)]
    recursive: bool,
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
    /// Text output: print each source line above its instructions (the .py
    /// next to the .pyc, or the one its __pycache__ name maps back to).
    #[arg(long)]
    source: bool,
    /// Colour text output: auto (terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, value_name = "WHEN")]
    color: ColorArg,
    /// Worker threads (default: one per core); output stays in input order.
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<usize>,
    /// Write one output file per input under DIR, mirroring the input tree
    /// (DIR/<input path>.<format extension>), instead of standard output.
    #[arg(short = 'o', long = "output-dir", value_name = "DIR")]
    output_dir: Option<PathBuf>,
}

fn main() -> ExitCode {
    // Transparent huge pages are faulted in (and zeroed) whole: they took
    // 8 to 14 MiB of resident memory in a run over one small file, for no
    // measurable speed. mimalloc is built without asking for them
    // (`no_thp`); this covers systems that give them unasked. Failing to
    // change it only costs that memory.
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    let cli = Cli::parse();
    let (args, mode) = match cli.command {
        Some(Command::Dis(args)) => (args, Mode::Dis),
        Some(Command::Info(args)) => (args, Mode::Info),
        Some(Command::Completions { shell }) => return report(extras::completions(shell)),
        Some(Command::Man) => return report(extras::man()),
        Some(Command::Ast(args)) => return ast_cmd::run(&args),
        None => (cli.dis, Mode::Dis),
    };
    if args.files.is_empty() {
        eprintln!("pybc: no input files (try --help)");
        return ExitCode::from(2);
    }
    batch::run(&args, mode)
}

/// Exit status of a command that only writes to standard output.
fn report(result: Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pybc: {e:#}");
            ExitCode::FAILURE
        }
    }
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
    /// One self-contained page: source beside bytecode, cross-linked
    Html,
}

/// `--color` values.
#[derive(clap::ValueEnum, Copy, Clone, Debug, Default, PartialEq, Eq)]
enum ColorArg {
    /// When standard output is a terminal and NO_COLOR is not set
    #[default]
    Auto,
    Always,
    Never,
}

/// What to print for each input.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Mode {
    Dis,
    Info,
}
