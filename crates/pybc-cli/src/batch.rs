//! Running pybc over many inputs: expansion of directories and archives,
//! parallel work with output in input order, `-o DIR`, the progress bar and
//! the closing summary.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{anyhow, Context, Result};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pybc_inputs::{Input, Limits, Origin};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};

use crate::{compile, ColorArg, DisArgs, FormatArg, Mode};

/// How far, per worker thread, workers may run ahead of the input whose
/// output is written next: finished outputs wait in memory for their turn.
const AHEAD_PER_THREAD: usize = 16;
/// Bytes of finished outputs waiting for their turn past which workers
/// start no input but the one written next (each may then add one more
/// output of at most [`HOLD_UP_TO`]).
const WAITING_UP_TO: usize = 16 << 20;
/// Largest output a worker holds in memory. A longer listing (one input
/// may have hundreds of megabytes of it, see `pybc::budget`) is dropped
/// and listed again, streamed, when its turn to be written comes: memory
/// then stays bounded whatever the inputs' listings.
const HOLD_UP_TO: usize = 4 << 20;
/// Listing bytes to expect per input byte (about 4 for CPython's own
/// files), to size an output buffer once.
const LISTING_PER_INPUT_BYTE: usize = 5;
/// Output buffers are reused for later inputs up to this capacity (most
/// listings are far smaller; a few large ones need not stay allocated).
const KEEP_BUFFER_UP_TO: usize = 1 << 20;
/// A thread's arena is kept for the next module up to this size (a module
/// takes a few times its marshal data there).
const KEEP_ARENA_UP_TO: usize = 16 << 20;
/// Runs with at least this many inputs get a progress bar (on a terminal).
const PROGRESS_FROM: usize = 20;

/// An input to list, or why the command line's argument gave none.
type Item = std::result::Result<Input, (String, anyhow::Error)>;

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

/// One input's bytes: a `.pyc` or marshal data (source is compiled first).
fn read(input: &Input, args: &DisArgs) -> Result<Vec<u8>> {
    let data = input.read(&Limits::default())?;
    if input.is_source() {
        compile::compile_with_python(&args.python, &data, &input.name)
    } else {
        Ok(data)
    }
}

/// [`read`] into `buffer`, reusing its memory for a `.pyc` (see
/// [`Input::read_into`]): the input is `buffer[..n]` for the `n` returned.
fn read_into(input: &Input, args: &DisArgs, buffer: &mut Vec<u8>) -> Result<usize> {
    if input.is_source() {
        *buffer = read(input, args)?;
        Ok(buffer.len())
    } else {
        Ok(input.read_into(&Limits::default(), buffer)?)
    }
}

/// An input's bytes kept by a worker, or read again.
fn reread(input: &Input, args: &DisArgs, kept: Option<Vec<u8>>) -> Result<Vec<u8>> {
    match kept {
        Some(data) => Ok(data),
        None => read(input, args),
    }
}

/// Runs `f` with this thread's arena, emptied afterwards: every module
/// loaded on a thread reuses the same memory, which stays warm.
fn with_arena<R>(f: impl FnOnce(&pybc::Arena) -> R) -> R {
    thread_local! {
        static ARENA: std::cell::RefCell<pybc::Arena> = std::cell::RefCell::new(pybc::Arena::new());
    }
    ARENA.with(|cell| match cell.try_borrow_mut() {
        Ok(mut arena) => {
            let result = f(&arena);
            if arena.allocated_bytes() > KEEP_ARENA_UP_TO {
                // Not kept: memory follows the module being listed.
                *arena = pybc::Arena::new();
            } else {
                arena.reset();
            }
            result
        }
        // Already in use further up this thread's stack.
        Err(_) => f(&pybc::Arena::new()),
    })
}

/// Loads one input's bytes (from [`read`]) into a module (its objects in
/// `arena`) and the options to list it with.
fn load<'a>(
    input: &Input,
    data: &'a [u8],
    args: &DisArgs,
    csv_header: bool,
    arena: &'a pybc::Arena,
) -> Result<(pybc::Module<'a>, pybc::Options)> {
    let wants_source = args.source || args.format == FormatArg::Html;
    let options = pybc::Options {
        version: args.pyversion,
        raw_marshal: !input.is_source() && args.pyversion.is_some() && !looks_like_pyc(data),
        show_caches: args.show_caches,
        show_offsets: args.show_offsets,
        show_positions: args.show_positions,
        recursive: args.recursive.then_some(true),
        csv_header,
        source: if wants_source {
            input.source(&Limits::default())
        } else {
            None
        },
        show_source: args.source,
    };
    let module = pybc::load(data, arena, &options)?;
    Ok((module, options))
}

/// What a worker made of one input.
enum Produced {
    /// The whole output, header included.
    Held(Vec<u8>),
    /// The output is longer than [`HOLD_UP_TO`]: it is streamed at its
    /// turn, from the input read again, or from these bytes when it cannot
    /// be (standard input) or should not be (source, compiled once).
    TooLong(Option<Vec<u8>>),
}

/// Lists one input into `buffer` (reused from earlier inputs), or finds
/// that its output is too long to hold.
fn produce(
    input: &Input,
    args: &DisArgs,
    mode: Mode,
    look: Look,
    buffer: Vec<u8>,
) -> Result<Produced> {
    thread_local! {
        /// Each thread's input bytes, reused from one input to the next
        /// (fresh memory for every input costs page faults).
        static INPUT: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    INPUT.with(|cell| {
        let mut data = cell.take();
        let produced = produce_from(input, args, mode, look, buffer, &mut data);
        if data.capacity() <= KEEP_BUFFER_UP_TO {
            cell.replace(data);
        }
        produced
    })
}

/// [`produce`], reading the input into `data`.
fn produce_from(
    input: &Input,
    args: &DisArgs,
    mode: Mode,
    look: Look,
    buffer: Vec<u8>,
    data: &mut Vec<u8>,
) -> Result<Produced> {
    let mut buffer = buffer;
    buffer.clear();
    let len = read_into(input, args, data)?;
    let data = data.get(..len).unwrap_or_default();
    if mode == Mode::Dis && args.format == FormatArg::Text && !look.color {
        return with_arena(|arena| hold_text(input, data, args, look, buffer, arena));
    }
    let mut held = Held {
        bytes: buffer,
        too_long: false,
    };
    match stream_one(input, data, args, mode, look, &mut held)? {
        Ok(()) => Ok(Produced::Held(held.bytes)),
        Err(_) if held.too_long => too_long(input, data),
        Err(e) => Err(e.into()),
    }
}

/// An output too long to hold: listed again, streamed, at its turn.
fn too_long(input: &Input, data: &[u8]) -> Result<Produced> {
    let keep = matches!(input.origin, Origin::Stdin) || input.is_source();
    Ok(Produced::TooLong(keep.then(|| data.to_vec())))
}

/// Lists one input as text straight into the buffer it is held in: no
/// second copy of the text, no other buffer to fault in.
fn hold_text(
    input: &Input,
    data: &[u8],
    args: &DisArgs,
    look: Look,
    buffer: Vec<u8>,
    arena: &pybc::Arena,
) -> Result<Produced> {
    let (module, options) = load(input, data, args, look.csv_header, arena)?;
    let listing = pybc::TextListing::new(&module, &options)?;
    // Sized once: growing would copy the text, into fresh pages. A
    // reused buffer too small is replaced, not grown: growing would
    // copy its old contents, which are of no use.
    let expected = data
        .len()
        .saturating_mul(LISTING_PER_INPUT_BYTE)
        .min(HOLD_UP_TO + 1);
    let buffer = if buffer.capacity() < expected {
        Vec::with_capacity(expected)
    } else {
        buffer
    };
    let mut text = String::from_utf8(buffer).unwrap_or_default();
    if look.header {
        text.push_str(&header_line(input));
    }
    if listing.write_within(&mut text, HOLD_UP_TO) {
        return Ok(Produced::Held(text.into_bytes()));
    }
    too_long(input, data)
}

/// A worker's output buffer: writing past [`HOLD_UP_TO`] bytes fails.
struct Held {
    bytes: Vec<u8>,
    too_long: bool,
}

impl Write for Held {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.bytes.len().saturating_add(buf.len()) > HOLD_UP_TO {
            self.too_long = true;
            return Err(io::Error::other("output too long to hold"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// How one input's output looks, beyond the format.
#[derive(Copy, Clone)]
struct Look {
    /// CSV: the header row (the first input, or each `-o` file).
    csv_header: bool,
    /// Text: the `==> name <==` line before each input's listing.
    header: bool,
    /// Text: ANSI colour.
    color: bool,
}

/// Whether inputs are listed one after the other on this thread, each
/// written out as it is produced (one input, or one thread, to standard
/// output): memory then stays that of one loaded module, whatever its
/// listing's length.
fn streams(args: &DisArgs, threads: usize, inputs: usize) -> bool {
    args.output_dir.is_none() && (threads == 1 || inputs == 1)
}

/// The line naming an input before its listing, when several are listed.
fn header_line(input: &Input) -> String {
    format!("==> {} <==\n", input.name)
}

/// Lists one input to `out` as it is produced. The outer error is about
/// the input (nothing was written then); the inner one is about writing.
fn stream_one(
    input: &Input,
    data: &[u8],
    args: &DisArgs,
    mode: Mode,
    look: Look,
    out: &mut dyn Write,
) -> Result<io::Result<()>> {
    with_arena(|arena| {
        let (module, options) = load(input, data, args, look.csv_header, arena)?;
        let mut sink = Sink {
            header: look.header.then(|| header_line(input)),
            color: look.color,
            out,
        };
        let listed = match mode {
            Mode::Info => pybc::write_info_to(&module, &mut sink),
            Mode::Dis => {
                pybc::render_to(&module, &input.name, &options, format_of(args), &mut sink)
            }
        };
        match listed {
            Ok(()) => Ok(sink.finish()),
            Err(pybc::Error::Write(e)) => Ok(Err(e)),
            Err(e) => Err(e.into()),
        }
    })
}

/// Where `-o DIR` puts the output of the input at `rel`.
fn output_path(dir: &Path, rel: &Path, extension: &str) -> Result<PathBuf> {
    let mut name = rel.as_os_str().to_owned();
    name.push(".");
    name.push(extension);
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    Ok(path)
}

/// Streams one input's output (from its bytes) into its `-o` file.
fn stream_to_file(
    input: &Input,
    data: &[u8],
    args: &DisArgs,
    mode: Mode,
    look: Look,
    path: &Path,
) -> Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut file = io::BufWriter::new(file);
    stream_one(input, data, args, mode, look, &mut file)?
        .and_then(|()| file.flush())
        .with_context(|| format!("cannot write {}", path.display()))
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
    let mut items: Vec<Item> = Vec::new();
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
    let threads = match args.jobs {
        Some(n) if n > 0 => n,
        _ => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    // Not locked for the whole run: in parallel runs, any thread may write.
    let mut out = io::BufWriter::new(io::stdout());
    let mut failures: Vec<String> = Vec::new();
    let mut written = 0usize;
    let header = several && args.format == FormatArg::Text;
    let name_of = |item: &Item| match item {
        Ok(input) => input.name.clone(),
        Err((name, _)) => name.clone(),
    };
    let look = |index: usize| Look {
        csv_header: index == 0 || args.output_dir.is_some(),
        header: header && args.output_dir.is_none(),
        color,
    };
    if streams(args, threads, items.len()) {
        // One buffer for every input's bytes, kept at the largest size.
        let mut data = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let outcome = match item {
                Ok(input) => read_into(input, args, &mut data).and_then(|len| {
                    let data = data.get(..len).unwrap_or_default();
                    stream_one(input, data, args, mode, look(index), &mut out)
                }),
                Err((_, e)) => Err(anyhow!("{e:#}")),
            };
            bar.inc(1);
            match outcome {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return write_failed(&bar, &e),
                Err(e) => {
                    let _ = out.flush();
                    let name = name_of(item);
                    bar.suspend(|| eprintln!("{name}: {e:#}"));
                    failures.push(name);
                }
            }
        }
    } else {
        let work = |index: usize, buffer: Vec<u8>| -> Result<Produced> {
            let outcome = match items.get(index) {
                Some(Ok(input)) => produce(input, args, mode, look(index), buffer),
                Some(Err((_, e))) => Err(anyhow!("{e:#}")),
                None => Err(anyhow!("no such input")),
            };
            bar.inc(1);
            outcome
        };
        let deliver = |index: usize, result: Result<Produced>| -> Delivered {
            let Some(item) = items.get(index) else {
                return Delivered::Next(None);
            };
            let name = name_of(item);
            let fail = |e: anyhow::Error, failures: &mut Vec<String>| {
                bar.suspend(|| eprintln!("{name}: {e:#}"));
                failures.push(name.clone());
            };
            // `work` gave an error for an item that is one.
            let produced = match (result, item) {
                (Ok(produced), Ok(input)) => (produced, input),
                (result, _) => {
                    let _ = out.flush();
                    fail(
                        result.err().unwrap_or_else(|| anyhow!("not an input")),
                        &mut failures,
                    );
                    return Delivered::Next(None);
                }
            };
            if let Some(dir) = &args.output_dir {
                let (produced, input) = produced;
                let saved =
                    output_path(dir, &input.rel, extension).and_then(|path| match produced {
                        Produced::Held(bytes) => std::fs::write(&path, &bytes)
                            .with_context(|| format!("cannot write {}", path.display()))
                            .map(|()| Some(bytes)),
                        Produced::TooLong(data) => reread(input, args, data).and_then(|data| {
                            stream_to_file(input, &data, args, mode, look(index), &path)
                                .map(|()| None)
                        }),
                    });
                return match saved {
                    Ok(buffer) => {
                        written += 1;
                        Delivered::Next(buffer)
                    }
                    Err(e) => {
                        fail(e, &mut failures);
                        Delivered::Next(None)
                    }
                };
            }
            let written_out = match produced {
                (Produced::Held(bytes), _) => out.write_all(&bytes).map(|()| Some(bytes)),
                (Produced::TooLong(data), input) => {
                    let listed = reread(input, args, data).and_then(|data| {
                        stream_one(input, &data, args, mode, look(index), &mut out)
                    });
                    match listed {
                        Ok(Ok(())) => Ok(None),
                        Ok(Err(e)) => Err(e),
                        // Listed once already: only a file changed in
                        // between can fail now.
                        Err(e) => {
                            let _ = out.flush();
                            fail(e, &mut failures);
                            return Delivered::Next(None);
                        }
                    }
                }
            };
            match written_out.and_then(|buffer| out.flush().map(|()| buffer)) {
                Ok(buffer) => Delivered::Next(buffer),
                Err(e) => Delivered::Stop(e),
            }
        };
        if let Err(e) = in_order(items.len(), threads, &work, deliver) {
            return write_failed(&bar, &e);
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

/// What became of an output handed to [`in_order`]'s `deliver`.
enum Delivered {
    /// Written (or reported); its buffer, for reuse.
    Next(Option<Vec<u8>>),
    /// Writing failed: stop everything.
    Stop(io::Error),
}

/// What the threads of [`in_order`] share: which outputs may be produced,
/// those finished and waiting for their turn, and the buffers to reuse.
struct Window {
    /// Outputs delivered so far (all those before this index).
    delivered: usize,
    /// Finished outputs not delivered yet, by input index.
    done: BTreeMap<usize, Result<Produced>>,
    /// Bytes those outputs hold.
    waiting: usize,
    /// A thread is delivering outputs (only one at a time does).
    delivering: bool,
    spare: Vec<Vec<u8>>,
    stop: bool,
    /// The write error that stopped the run.
    failed: Option<io::Error>,
}

/// Bytes an output holds while it waits for its turn.
fn waiting_len(result: &Result<Produced>) -> usize {
    match result {
        Ok(Produced::Held(bytes)) => bytes.capacity(),
        Ok(Produced::TooLong(data)) => data.as_ref().map_or(0, Vec::capacity),
        Err(_) => 0,
    }
}

/// Runs `work` on inputs `0..count` on `threads` threads (the calling one
/// included), and `deliver` on each result in input order. No thread
/// only writes: the one that finishes the output due next delivers it,
/// and every later one already finished, while the others go on working
/// (a writer thread of its own would compete with them for the cores,
/// and wake up for every output). Threads take inputs in order and stay
/// at most [`AHEAD_PER_THREAD`] × `threads` inputs, and [`WAITING_UP_TO`]
/// bytes of finished outputs, ahead of delivery.
fn in_order(
    count: usize,
    threads: usize,
    work: &(dyn Fn(usize, Vec<u8>) -> Result<Produced> + Sync),
    deliver: impl FnMut(usize, Result<Produced>) -> Delivered + Send,
) -> io::Result<()> {
    let threads = threads.clamp(1, count.max(1));
    let ahead = threads * AHEAD_PER_THREAD;
    let next = AtomicUsize::new(0);
    let window = Mutex::new(Window {
        delivered: 0,
        done: BTreeMap::new(),
        waiting: 0,
        delivering: false,
        spare: Vec::new(),
        stop: false,
        failed: None,
    });
    let turn = Condvar::new();
    let deliver = Mutex::new(deliver);
    let worker = || loop {
        let index = next.fetch_add(1, Ordering::Relaxed);
        if index >= count {
            break;
        }
        let buffer = {
            let Ok(mut w) = window.lock() else { break };
            while (index >= w.delivered + ahead || index > w.delivered && w.waiting > WAITING_UP_TO)
                && !w.stop
            {
                w = match turn.wait(w) {
                    Ok(w) => w,
                    Err(_) => return,
                };
            }
            if w.stop {
                break;
            }
            w.spare.pop().unwrap_or_default()
        };
        let result = work(index, buffer);
        let Ok(mut w) = window.lock() else { break };
        w.waiting += waiting_len(&result);
        w.done.insert(index, result);
        if w.delivering {
            continue;
        }
        w.delivering = true;
        while !w.stop {
            let due = w.delivered;
            let Some(result) = w.done.remove(&due) else {
                break;
            };
            let len = waiting_len(&result);
            drop(w);
            let delivered = match deliver.lock() {
                Ok(mut deliver) => deliver(due, result),
                Err(_) => Delivered::Stop(io::Error::other("an output thread failed")),
            };
            w = match window.lock() {
                Ok(w) => w,
                Err(_) => return,
            };
            w.delivered = due + 1;
            w.waiting = w.waiting.saturating_sub(len);
            match delivered {
                Delivered::Next(Some(buffer)) if buffer.capacity() <= KEEP_BUFFER_UP_TO => {
                    // A few buffers serve the threads; more would only
                    // keep memory.
                    if w.spare.len() < 2 * threads {
                        w.spare.push(buffer);
                    }
                }
                Delivered::Next(_) => {}
                Delivered::Stop(e) => {
                    w.failed = Some(e);
                    w.stop = true;
                }
            }
            turn.notify_all();
        }
        w.delivering = false;
    };
    std::thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(worker);
        }
        worker();
    });
    match window.into_inner() {
        Ok(Window {
            failed: Some(e), ..
        }) => Err(e),
        Ok(_) => Ok(()),
        Err(_) => Err(io::Error::other("an output thread failed")),
    }
}

/// Where a streamed listing goes: `header` is written just before its
/// first bytes (so only once every check on the input has passed), and
/// text is coloured piece by piece (pieces are whole lines).
struct Sink<'w> {
    header: Option<String>,
    color: bool,
    out: &'w mut dyn Write,
}

impl Sink<'_> {
    /// Writes the header if the listing was empty, and flushes.
    fn finish(&mut self) -> io::Result<()> {
        if let Some(header) = self.header.take() {
            self.out.write_all(header.as_bytes())?;
        }
        self.out.flush()
    }
}

impl Write for Sink<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(header) = self.header.take() {
            if !self.color {
                // One system call for both: the header alone would be
                // written on its own when the listing is longer than the
                // output buffer.
                write_both(self.out, header.as_bytes(), buf)?;
                return Ok(buf.len());
            }
            self.out.write_all(header.as_bytes())?;
        }
        if self.color {
            let text = String::from_utf8_lossy(buf);
            self.out.write_all(pybc::color::ansi(&text).as_bytes())?;
            Ok(buf.len())
        } else {
            self.out.write(buf)
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// Writes `first` then `second`, together where `out` can.
fn write_both(out: &mut dyn Write, first: &[u8], second: &[u8]) -> io::Result<()> {
    let written = loop {
        match out.write_vectored(&[io::IoSlice::new(first), io::IoSlice::new(second)]) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            result => break result?,
        }
    };
    match first.get(written..) {
        Some(rest) => {
            out.write_all(rest)?;
            out.write_all(second)
        }
        None => out.write_all(second.get(written - first.len()..).unwrap_or_default()),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Takes at most `step` bytes per call, vectored or not.
    struct Trickle {
        step: usize,
        got: Vec<u8>,
    }

    impl Write for Trickle {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            let n = buf.len().min(self.step);
            self.got.extend_from_slice(buf.get(..n).unwrap_or_default());
            Ok(n)
        }

        fn write_vectored(&mut self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
            let mut left = self.step;
            for buf in bufs {
                let n = buf.len().min(left);
                self.got.extend_from_slice(buf.get(..n).unwrap_or_default());
                left -= n;
            }
            Ok(self.step - left)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn both_parts_are_written_whatever_each_call_takes() {
        for step in 1..12 {
            let mut out = Trickle {
                step,
                got: Vec::new(),
            };
            assert!(write_both(&mut out, b"head\n", b"body").is_ok());
            assert_eq!(out.got, b"head\nbody", "{step} bytes a call");
        }
    }
}
