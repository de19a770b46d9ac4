//! Running pybc over many inputs: expansion of directories and archives,
//! parallel work with output in input order, `-o DIR`, the progress bar and
//! the closing summary.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pybc_inputs::{Input, Limits};
use rayon::prelude::*;

use crate::{compile, ColorArg, DisArgs, FormatArg, Mode};

/// Inputs processed between two writes of output, per worker thread: the
/// outputs of a batch are all held in memory, and one hostile input may
/// have a listing of many megabytes (see `pybc::budget`).
const BATCH_PER_THREAD: usize = 4;
/// Output buffers larger than this are not kept for the next inputs (a
/// hostile input's listing must not stay in memory for the whole run).
const KEEP_BUFFER_UP_TO: usize = 32 << 20;
/// Bytes of listing written at a time when streaming.
const STREAM_CHUNK: usize = 1 << 20;
/// Runs with at least this many inputs get a progress bar (on a terminal).
const PROGRESS_FROM: usize = 20;

/// One input's outcome: its text, or the error to report.
type Outcome = (String, Result<String>);

fn format_of(args: &DisArgs) -> pybc::Format {
    match args.format {
        FormatArg::Text => pybc::Format::Text,
        FormatArg::Json => pybc::Format::Json,
        FormatArg::Jsonl => pybc::Format::Jsonl,
        FormatArg::Csv => pybc::Format::Csv,
        FormatArg::Html => pybc::Format::Html,
    }
}

/// File name extension of `-o` outputs.
fn output_extension(args: &DisArgs, mode: Mode) -> &'static str {
    match (mode, args.format) {
        (Mode::Info, _) => "info",
        (_, FormatArg::Text) => "dis",
        (_, FormatArg::Json) => "json",
        (_, FormatArg::Jsonl) => "jsonl",
        (_, FormatArg::Csv) => "csv",
        (_, FormatArg::Html) => "html",
    }
}

/// Whether text output gets ANSI colour.
fn use_color(args: &DisArgs, mode: Mode) -> bool {
    if args.format != FormatArg::Text || mode != Mode::Dis || args.output_dir.is_some() {
        return false;
    }
    match args.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Whether data starts like a `.pyc` (magic number followed by `\r\n`).
fn looks_like_pyc(data: &[u8]) -> bool {
    data.get(2..4) == Some(b"\r\n")
}

/// Reads one input (compiling source first) into a loaded module and the
/// options to list it with.
fn load(input: &Input, args: &DisArgs, csv_header: bool) -> Result<(pybc::Module, pybc::Options)> {
    let limits = Limits::default();
    let is_source = input.is_source();
    let data = input.read(&limits)?;
    let data = if is_source {
        compile::compile_with_python(&args.python, &data, &input.name)?
    } else {
        data
    };
    let wants_source = args.source || args.format == FormatArg::Html;
    let options = pybc::Options {
        version: args.pyversion,
        raw_marshal: !is_source && args.pyversion.is_some() && !looks_like_pyc(&data),
        show_caches: args.show_caches,
        show_offsets: args.show_offsets,
        show_positions: args.show_positions,
        recursive: args.recursive.then_some(true),
        csv_header,
        source: if wants_source {
            input.source(&limits)
        } else {
            None
        },
        show_source: args.source,
    };
    let module = pybc::load(&data, &options)?;
    Ok((module, options))
}

/// Turns one input into the text asked for, written into `out` (a
/// buffer reused from earlier inputs).
fn process(
    input: &Input,
    args: &DisArgs,
    mode: Mode,
    csv_header: bool,
    color: bool,
    mut out: String,
) -> Result<String> {
    let (module, options) = load(input, args, csv_header)?;
    out.clear();
    match mode {
        Mode::Dis => pybc::render_into(&module, &input.name, &options, format_of(args), &mut out)?,
        Mode::Info => out.push_str(&pybc::info_text(&module)?),
    }
    Ok(if color { pybc::color::ansi(&out) } else { out })
}

/// Whether inputs are listed one after the other, each written out as it
/// is produced (text listings of one input, or on one thread): memory
/// then stays that of one loaded module, whatever its listing's length.
fn streams(args: &DisArgs, mode: Mode, threads: usize, inputs: usize) -> bool {
    mode == Mode::Dis
        && args.format == FormatArg::Text
        && args.output_dir.is_none()
        && (threads == 1 || inputs == 1)
}

/// Lists one input to `out` as it is produced. The outer error is about
/// the input (nothing was written then); the inner one is about writing.
fn stream_one(
    input: &Input,
    args: &DisArgs,
    header: bool,
    color: bool,
    out: &mut dyn Write,
) -> Result<io::Result<()>> {
    let (module, options) = load(input, args, false)?;
    let listing = pybc::TextListing::new(&module, &options)?;
    let mut written: io::Result<()> = if header {
        writeln!(out, "==> {} <==", input.name)
    } else {
        Ok(())
    };
    listing.stream(STREAM_CHUNK, &mut |text| {
        if written.is_ok() {
            written = if color {
                out.write_all(pybc::color::ansi(text).as_bytes())
            } else {
                out.write_all(text.as_bytes())
            };
        }
    });
    Ok(written.and_then(|_| out.flush()))
}

fn write_output(dir: &Path, rel: &Path, extension: &str, text: &str) -> Result<PathBuf> {
    let mut name = rel.as_os_str().to_owned();
    name.push(".");
    name.push(extension);
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(path)
}

fn progress_bar(count: usize) -> ProgressBar {
    if count < PROGRESS_FROM || !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(count as u64), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} files, {elapsed} ({eta} left)")
    {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// Runs `mode` over every input named by `args`; the exit status is 1 when
/// any input failed.
pub fn run(args: &DisArgs, mode: Mode) -> ExitCode {
    let start = Instant::now();
    let mut items: Vec<std::result::Result<Input, (String, anyhow::Error)>> = Vec::new();
    for arg in &args.files {
        match pybc_inputs::expand_one(arg) {
            Ok(found) if found.is_empty() => items.push(Err((
                arg.display().to_string(),
                anyhow!("no .pyc or .py files in this directory"),
            ))),
            Ok(found) => items.extend(found.into_iter().map(Ok)),
            Err(e) => items.push(Err((arg.display().to_string(), e.into()))),
        }
    }
    // Inputs found in a directory or archive are always named.
    let several = items.len() > 1
        || args
            .files
            .iter()
            .any(|f| f.is_dir() || pybc_inputs::is_archive(f));
    let color = use_color(args, mode);
    let extension = output_extension(args, mode);
    let bar = progress_bar(items.len());
    let pool = match rayon::ThreadPoolBuilder::new()
        .num_threads(args.jobs.unwrap_or(0))
        .build()
    {
        Ok(pool) => pool,
        Err(e) => {
            eprintln!("pybc: cannot start worker threads: {e}");
            return ExitCode::FAILURE;
        }
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut failures: Vec<String> = Vec::new();
    let mut written = 0usize;
    let header = several && args.format == FormatArg::Text;
    let streaming = streams(args, mode, pool.current_num_threads(), items.len());
    if streaming {
        for item in &items {
            let outcome = match item {
                Ok(input) => stream_one(input, args, header, color, &mut out),
                Err((_, e)) => Err(anyhow!("{e:#}")),
            };
            bar.inc(1);
            let name = match item {
                Ok(input) => &input.name,
                Err((name, _)) => name,
            };
            match outcome {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return write_failed(&bar, &e),
                Err(e) => {
                    let _ = out.flush();
                    bar.suspend(|| eprintln!("{name}: {e:#}"));
                    failures.push(name.clone());
                }
            }
        }
    }
    let batched: &[_] = if streaming { &[] } else { &items };
    let batch_size = pool.current_num_threads().max(1) * BATCH_PER_THREAD;
    let mut spare: Vec<String> = Vec::new();
    for (batch_index, batch) in batched.chunks(batch_size).enumerate() {
        let buffers: Vec<String> = batch
            .iter()
            .map(|_| spare.pop().unwrap_or_default())
            .collect();
        let outcomes: Vec<Outcome> = pool.install(|| {
            batch
                .par_iter()
                .zip(buffers)
                .enumerate()
                .map(|(i, (item, buffer))| {
                    let first = batch_index == 0 && i == 0;
                    let csv_header = first || args.output_dir.is_some();
                    let outcome = match item {
                        Ok(input) => (
                            input.name.clone(),
                            process(input, args, mode, csv_header, color, buffer),
                        ),
                        Err((name, e)) => (name.clone(), Err(anyhow!("{e:#}"))),
                    };
                    bar.inc(1);
                    outcome
                })
                .collect()
        });
        for ((name, result), item) in outcomes.into_iter().zip(batch) {
            let text = match result {
                Ok(text) => text,
                Err(e) => {
                    let _ = out.flush();
                    bar.suspend(|| eprintln!("{name}: {e:#}"));
                    failures.push(name);
                    continue;
                }
            };
            if let (Some(dir), Ok(input)) = (&args.output_dir, item) {
                if let Err(e) = write_output(dir, &input.rel, extension, &text) {
                    bar.suspend(|| eprintln!("{name}: {e:#}"));
                    failures.push(name);
                } else {
                    written += 1;
                }
                if text.capacity() <= KEEP_BUFFER_UP_TO {
                    spare.push(text);
                }
                continue;
            }
            let result = if header {
                writeln!(out, "==> {name} <==").and_then(|_| out.write_all(text.as_bytes()))
            } else {
                out.write_all(text.as_bytes())
            };
            if text.capacity() <= KEEP_BUFFER_UP_TO {
                spare.push(text);
            }
            if let Err(e) = result.and_then(|_| out.flush()) {
                return write_failed(&bar, &e);
            }
        }
    }
    bar.finish_and_clear();
    if several || args.output_dir.is_some() {
        summary(
            items.len(),
            &failures,
            written,
            args.output_dir.as_deref(),
            start.elapsed(),
        );
    }
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Ends the run when standard output fails: quietly for a closed pipe
/// (`pybc … | head`), with an error otherwise.
fn write_failed(bar: &ProgressBar, e: &io::Error) -> ExitCode {
    bar.finish_and_clear();
    if e.kind() == io::ErrorKind::BrokenPipe {
        return ExitCode::SUCCESS;
    }
    eprintln!("pybc: writing output: {e}");
    ExitCode::FAILURE
}

fn summary(count: usize, failures: &[String], written: usize, dir: Option<&Path>, time: Duration) {
    let mut line = format!(
        "pybc: {count} file{}, {} failed",
        if count == 1 { "" } else { "s" },
        failures.len()
    );
    if let Some(dir) = dir {
        line.push_str(&format!(", {written} written under {}", dir.display()));
    }
    line.push_str(&format!(", {:.2}s", time.as_secs_f64()));
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{line}");
    for name in failures {
        let _ = writeln!(err, "  failed: {name}");
    }
}
