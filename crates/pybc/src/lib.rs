//! pybc: Python bytecode of any version, shown exactly as that version's
//! `dis` shows it.
//!
//! This crate is the front door: it ties the reader ([`pybc_marshal`]) to
//! the decoder and printers ([`pybc_dis`]) for the common case of "here are
//! the bytes of a `.pyc`, give me its listing".
//!
//! ```no_run
//! let data = std::fs::read("module.cpython-313.pyc")?;
//! let text = pybc::dis_text(&data, &pybc::Options::default())?;
//! print!("{text}");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A loaded [`Module`] borrows its strings and bytes from the input and
//! keeps its objects in an [`Arena`] (reuse one, after
//! [`Arena::reset`], for many modules):
//!
//! ```no_run
//! let data = std::fs::read("module.cpython-313.pyc")?;
//! let arena = pybc::Arena::new();
//! let module = pybc::load(&data, &arena, &pybc::Options::default())?;
//! print!("{}", pybc::module_text(&module, &pybc::Options::default())?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub use pybc_dis as dis;
pub use pybc_marshal as marshal;
pub use pybc_model as model;
pub use pybc_repr as repr;
pub use pybc_versions as versions;

pub mod budget;
pub mod color;

use pybc_dis::{CodeAddresses, Dialect, TextOptions, TextPrinter};
use pybc_marshal::{loads, Pyc, PycError};
pub use pybc_model::Arena;
use pybc_model::{Obj, Object, Shared};
use pybc_versions::PyVersion;

/// Everything that can go wrong turning bytes into a listing.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Pyc(#[from] PycError),
    #[error(transparent)]
    Marshal(#[from] pybc_marshal::MarshalError),
    #[error(transparent)]
    Unsupported(#[from] pybc_dis::UnsupportedVersion),
    #[error("the file holds a {0} object, not a code object")]
    NotCode(&'static str),
    #[error("cannot format output: {0}")]
    Output(String),
    /// Writing the output failed (only from [`render_to`]). The cause is
    /// in the message, so it is not also the `source()`.
    #[error("cannot write output: {0}")]
    Write(std::io::Error),
    /// The listing would be far larger than the input justifies (objects
    /// shared through marshal references and listed once per use, colliding
    /// set hashes, huge numbers); see [`budget`].
    #[error(
        "refusing to list this input: its listing could take {} bytes of output and work, \
         over the limit of {} for an input of this size",
        .0.estimate,
        .0.limit
    )]
    TooLarge(budget::TooLarge),
}

/// How to read the input and what to show.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Treat the input as written by this version, whatever its magic number
    /// says. Required for raw marshal data (no `.pyc` header).
    pub version: Option<PyVersion>,
    /// The input is raw marshal data, not a `.pyc`.
    pub raw_marshal: bool,
    pub show_caches: bool,
    pub show_offsets: bool,
    pub show_positions: bool,
    /// Recurse into nested code objects even where that version's `dis`
    /// did not (`None`: do what that version did).
    pub recursive: Option<bool>,
    /// Write the CSV header row (the first file of a batch only).
    pub csv_header: bool,
    /// The module's Python source, when it was found: the HTML page shows
    /// it, and so does text output with `show_source`.
    pub source: Option<String>,
    /// Text output: each source line above its instructions.
    pub show_source: bool,
}

/// A loaded module: its version and root object.
#[derive(Clone, Debug)]
pub struct Module<'a> {
    pub version: PyVersion,
    /// The `.pyc` header, absent for raw marshal input.
    pub header: Option<pybc_marshal::PycHeader>,
    pub code: Obj<'a>,
    /// What the tree reaches more than once (marshal references). The
    /// output budget remembers the sizes of only these: a module built by
    /// hand must name here every container it shares.
    pub shared: Shared,
    /// Bytes of input the module was read from: what the output budget
    /// allows grows with it.
    pub input_len: usize,
}

/// Reads a `.pyc` (or raw marshal data, per `options`); its objects are
/// kept in `arena`.
pub fn load<'a>(data: &'a [u8], arena: &'a Arena, options: &Options) -> Result<Module<'a>, Error> {
    if options.raw_marshal {
        let version = options.version.unwrap_or(PyVersion::new(3, 13));
        let loaded = loads(data, version, arena)?;
        return Ok(Module {
            version,
            header: None,
            code: loaded.root,
            shared: loaded.shared,
            input_len: data.len(),
        });
    }
    let pyc = Pyc::parse(data, options.version, arena)?;
    Ok(Module {
        version: pyc.header.version,
        header: Some(pyc.header),
        code: pyc.code,
        shared: pyc.shared,
        input_len: data.len(),
    })
}

impl Module<'_> {
    /// Which interpreter wrote the module (CPython for raw marshal data).
    pub fn implementation(&self) -> pybc_versions::Implementation {
        self.header
            .as_ref()
            .map_or(pybc_versions::Implementation::CPython, |h| h.implementation)
    }

    /// The opcode tables and `dis` rules for this module.
    pub fn dialect(&self) -> Result<Dialect, pybc_dis::UnsupportedVersion> {
        Dialect::for_implementation(self.version, self.implementation())
    }
}

/// The text `dis.dis(code)` prints for a loaded module.
pub fn module_text(module: &Module, options: &Options) -> Result<String, Error> {
    let mut text = String::new();
    TextListing::new(module, options)?.write_into(&mut text);
    Ok(text)
}

/// A module checked and ready to be listed as text: every error about the
/// input comes from [`TextListing::new`], so writing can stream.
pub struct TextListing<'a> {
    code: &'a pybc_model::CodeObject<'a>,
    dialect: Dialect,
    text_options: TextOptions,
    source_lines: Option<Vec<&'a str>>,
}

impl<'a> TextListing<'a> {
    pub fn new(module: &'a Module<'a>, options: &'a Options) -> Result<TextListing<'a>, Error> {
        let dialect = module.dialect()?;
        let Object::Code(code) = module.code else {
            return Err(Error::NotCode(module.code.type_name()));
        };
        budget::check_text(module, dialect).map_err(Error::TooLarge)?;
        let text_options = TextOptions {
            show_caches: options.show_caches,
            show_offsets: options.show_offsets,
            show_positions: options.show_positions,
            recursive: options.recursive.unwrap_or(dialect.rules.recursive),
        };
        let source_lines = match (&options.source, options.show_source) {
            (Some(source), true) => Some(source.lines().collect()),
            (None, true) => Some(Vec::new()),
            _ => None,
        };
        Ok(TextListing {
            code,
            dialect,
            text_options,
            source_lines,
        })
    }

    fn write(&self, out: &mut String, flush: Option<(pybc_dis::FlushHook<'_>, usize)>) {
        let addresses = CodeAddresses::new();
        let mut printer = TextPrinter::new(self.dialect, self.text_options, &addresses);
        if let Some(lines) = &self.source_lines {
            printer = printer.with_source(lines);
        }
        if let Some((hook, at_least)) = flush {
            printer = printer.with_flush(hook, at_least);
        }
        printer.write_dis(out, self.code);
    }

    /// The whole listing, appended to `out`.
    pub fn write_into(&self, out: &mut String) {
        // A listing line takes about 60 bytes per 2-byte code unit; reserving
        // that up front saves copying the text as it grows.
        out.reserve(self.code.code_bytes().len().saturating_mul(32).min(1 << 26));
        self.write(out, None);
    }

    /// The whole listing appended to `out`, unless that would make `out`
    /// longer than `limit` bytes: then `false`, and `out` holds only part
    /// of it (the listing stops soon after the limit, not at its end).
    pub fn write_within(&self, out: &mut String, limit: usize) -> bool {
        let over = std::cell::Cell::new(false);
        let hook = |_: &mut String| {
            over.set(true);
            std::ops::ControlFlow::Break(())
        };
        self.write(out, Some((&hook, limit.saturating_add(1))));
        !over.get() && out.len() <= limit
    }

    /// The listing, handed to `sink` in pieces of whole lines, each of
    /// `chunk` bytes or a little more (the last one shorter), so memory
    /// stays that of the loaded module however long the listing is.
    pub fn stream(&self, chunk: usize, sink: &mut dyn FnMut(&str)) {
        let sink = std::cell::RefCell::new(sink);
        let hook = |text: &mut String| {
            (sink.borrow_mut())(text);
            text.clear();
            std::ops::ControlFlow::Continue(())
        };
        thread_local! {
            /// The text of a chunk, kept from one listing to the next.
            static CHUNK: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
        }
        let mut out = CHUNK.with(|c| c.take());
        out.clear();
        // Room for a chunk and the code object that crosses its end, so the
        // text is not copied as it grows.
        out.reserve(chunk.saturating_add(chunk / 2));
        self.write(&mut out, Some((&hook, chunk)));
        if !out.is_empty() {
            (sink.borrow_mut())(&out);
        }
        if out.capacity() <= 2 * chunk {
            CHUNK.with(|c| c.replace(out));
        }
    }
}

/// Bytes of a `.pyc` (or raw marshal data) → what that version's
/// `dis.dis` prints for its module code object.
pub fn dis_text(data: &[u8], options: &Options) -> Result<String, Error> {
    let arena = Arena::new();
    module_text(&load(data, &arena, options)?, options)
}

/// `pybc info`: the `.pyc` header, then `dis.code_info` of every code
/// object (module first, then nested ones in the order `dis` visits them),
/// separated by blank lines.
pub fn info_text(module: &Module) -> Result<String, Error> {
    let mut bytes = Vec::new();
    write_info_to(module, &mut bytes)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// [`info_text`], written to `out` one code object at a time. Every error
/// about the input comes before anything is written; after that, only
/// [`Error::Write`].
pub fn write_info_to(module: &Module, out: &mut dyn std::io::Write) -> Result<(), Error> {
    use std::fmt::Write;

    let dialect = module.dialect()?;
    budget::check(module, dialect).map_err(Error::TooLarge)?;
    let Object::Code(root) = module.code else {
        return Err(Error::NotCode(module.code.type_name()));
    };
    let addresses = CodeAddresses::new();
    let printer = TextPrinter::new(dialect, TextOptions::default(), &addresses);
    let mut text = String::new();
    write_header_info(&mut text, module);
    out.write_all(text.as_bytes()).map_err(Error::Write)?;
    let mut stack: Vec<(&pybc_model::CodeObject<'_>, usize)> = vec![(root, 0)];
    let repr = |o: &Object| printer.repr(o);
    // Depth-first, in co_consts order, like dis's recursion.
    while let Some((code, depth)) = stack.pop() {
        if depth < pybc_dis::MAX_CODE_NESTING {
            for c in code.consts().iter().rev() {
                if let Object::Code(inner) = &**c {
                    stack.push((inner, depth + 1));
                }
            }
        }
        text.clear();
        let _ = writeln!(text);
        text.push_str(&pybc_dis::info::code_info(code, dialect.table, &repr));
        text.push('\n');
        out.write_all(text.as_bytes()).map_err(Error::Write)?;
    }
    Ok(())
}

/// The `.pyc` header lines of `pybc info`.
fn write_header_info(out: &mut String, module: &Module) {
    use std::fmt::Write;

    if let Some(h) = &module.header {
        let _ = writeln!(out, "Magic number:      {} ({})", h.magic, h.label);
        let _ = writeln!(out, "Python version:    {}", h.version);
        let _ = writeln!(out, "Header flags:      {:#010x}", h.flags);
        match h.validation {
            pybc_marshal::Validation::Timestamp { mtime, source_size } => {
                let _ = writeln!(out, "Validation:        timestamp");
                let _ = writeln!(out, "Source mtime:      {mtime}");
                if let Some(size) = source_size {
                    let _ = writeln!(out, "Source size:       {size}");
                }
            }
            pybc_marshal::Validation::Hash { hash, checked } => {
                let kind = if checked { "checked" } else { "unchecked" };
                let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
                let _ = writeln!(out, "Validation:        {kind} hash");
                let _ = writeln!(out, "Source hash:       {hex}");
            }
        }
    } else {
        let _ = writeln!(
            out,
            "Python version:    {} (raw marshal data)",
            module.version
        );
    }
}

/// Output formats of [`render`].
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum Format {
    /// Exactly what that version's `dis.dis` prints.
    #[default]
    Text,
    /// One JSON document per input (see `schema/pybc.schema.json`).
    Json,
    /// One JSON object per code object, one per line.
    Jsonl,
    /// One CSV row per instruction, with a header row.
    Csv,
    /// One self-contained HTML page: source beside bytecode, cross-linked.
    Html,
}

fn header_json(module: &Module) -> serde_json::Value {
    use serde_json::json;
    match &module.header {
        None => serde_json::Value::Null,
        Some(h) => {
            let mut v = json!({
                "magic": h.magic,
                "label": h.label,
                "flags": h.flags,
                "size": h.len,
            });
            if let Some(map) = v.as_object_mut() {
                match h.validation {
                    pybc_marshal::Validation::Timestamp { mtime, source_size } => {
                        map.insert("validation".into(), json!("timestamp"));
                        map.insert("mtime".into(), json!(mtime));
                        map.insert("source_size".into(), json!(source_size));
                    }
                    pybc_marshal::Validation::Hash { hash, checked } => {
                        let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
                        map.insert(
                            "validation".into(),
                            json!(if checked {
                                "checked-hash"
                            } else {
                                "unchecked-hash"
                            }),
                        );
                        map.insert("source_hash".into(), json!(hex));
                    }
                }
            }
            v
        }
    }
}

/// Renders a loaded module in `format`; `file` names the input in the
/// machine-readable formats.
pub fn render(
    module: &Module,
    file: &str,
    options: &Options,
    format: Format,
) -> Result<String, Error> {
    if format == Format::Text {
        return module_text(module, options);
    }
    let mut bytes = Vec::new();
    render_to(module, file, options, format, &mut bytes)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Bytes of text written at a time by [`render_to`].
pub const STREAM_CHUNK: usize = 1 << 20;

/// [`render`], written to `out` as it is produced: no format is held whole
/// in memory (JSON holds one code object's instructions at a time). Every error about
/// the input comes before anything is written; after that, only
/// [`Error::Write`].
pub fn render_to(
    module: &Module,
    file: &str,
    options: &Options,
    format: Format,
    out: &mut dyn std::io::Write,
) -> Result<(), Error> {
    use pybc_dis::json::{walk_codes, write_csv, CodeJsonStream, SCHEMA_ID};

    if format == Format::Text {
        let listing = TextListing::new(module, options)?;
        let mut written = Ok(());
        listing.stream(STREAM_CHUNK, &mut |piece| {
            if written.is_ok() {
                written = out.write_all(piece.as_bytes());
            }
        });
        return written.map_err(Error::Write);
    }
    let dialect = module.dialect()?;
    let Object::Code(root) = module.code else {
        return Err(Error::NotCode(module.code.type_name()));
    };
    budget::check(module, dialect).map_err(Error::TooLarge)?;
    let addresses = CodeAddresses::new();
    let version = module.version.to_string();
    let stream = |code, parent_path, nested| CodeJsonStream {
        code,
        dialect,
        addresses: &addresses,
        parent_path,
        nested,
    };
    match format {
        Format::Text => Ok(()),
        Format::Html => pybc_html::write_page(
            root,
            dialect,
            pybc_html::Page {
                file,
                source: options.source.as_deref(),
            },
            out,
        )
        .map_err(Error::Write),
        Format::Json => {
            let doc = JsonDocument {
                schema: SCHEMA_ID,
                file,
                version: &version,
                header: header_json(module),
                code: stream(root, Vec::new(), true),
            };
            serde_json::to_writer_pretty(&mut *out, &doc).map_err(json_error)?;
            out.write_all(b"\n").map_err(Error::Write)
        }
        Format::Jsonl => {
            for (code, parents) in walk_codes(root) {
                let line = JsonDocument {
                    schema: SCHEMA_ID,
                    file,
                    version: &version,
                    header: serde_json::Value::Null,
                    code: stream(code, parents, false),
                };
                serde_json::to_writer(&mut *out, &JsonLine(&line)).map_err(json_error)?;
                out.write_all(b"\n").map_err(Error::Write)?;
            }
            Ok(())
        }
        Format::Csv => {
            write_csv(&mut *out, file, root, dialect, options.csv_header).map_err(Error::Write)
        }
    }
}

/// The JSON document of one module (`-f json`).
#[derive(serde::Serialize)]
struct JsonDocument<'a> {
    schema: &'static str,
    file: &'a str,
    version: &'a str,
    header: serde_json::Value,
    code: pybc_dis::json::CodeJsonStream<'a>,
}

/// One line of `-f jsonl`: the document without its header.
struct JsonLine<'a>(&'a JsonDocument<'a>);

impl serde::Serialize for JsonLine<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("schema", self.0.schema)?;
        map.serialize_entry("file", self.0.file)?;
        map.serialize_entry("version", self.0.version)?;
        map.serialize_entry("code", &self.0.code)?;
        map.end()
    }
}

fn json_error(e: serde_json::Error) -> Error {
    if e.is_io() {
        Error::Write(e.into())
    } else {
        Error::Output(e.to_string())
    }
}
