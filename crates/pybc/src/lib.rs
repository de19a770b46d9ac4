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

pub use pybc_dis as dis;
pub use pybc_marshal as marshal;
pub use pybc_model as model;
pub use pybc_repr as repr;
pub use pybc_versions as versions;

use pybc_dis::{CodeAddresses, Dialect, TextOptions, TextPrinter};
use pybc_marshal::{loads, Pyc, PycError};
use pybc_model::{Obj, Object};
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
}

/// A loaded module: its version and root object.
#[derive(Clone, Debug)]
pub struct Module {
    pub version: PyVersion,
    /// The `.pyc` header, absent for raw marshal input.
    pub header: Option<pybc_marshal::PycHeader>,
    pub code: Obj,
}

/// Reads a `.pyc` (or raw marshal data, per `options`).
pub fn load(data: &[u8], options: &Options) -> Result<Module, Error> {
    if options.raw_marshal {
        let version = options.version.unwrap_or(PyVersion::new(3, 13));
        let code = loads(data, version)?;
        return Ok(Module {
            version,
            header: None,
            code,
        });
    }
    let pyc = Pyc::parse(data, options.version)?;
    Ok(Module {
        version: pyc.header.version,
        header: Some(pyc.header),
        code: pyc.code,
    })
}

/// The text `dis.dis(code)` prints for a loaded module.
pub fn module_text(module: &Module, options: &Options) -> Result<String, Error> {
    let dialect = Dialect::for_version(module.version)?;
    let text_options = TextOptions {
        show_caches: options.show_caches,
        show_offsets: options.show_offsets,
        show_positions: options.show_positions,
        recursive: options.recursive.unwrap_or(dialect.rules.recursive),
    };
    let addresses = CodeAddresses::new();
    let printer = TextPrinter::new(dialect, text_options, &addresses);
    let mut text = String::new();
    match &*module.code {
        Object::Code(code) => printer.write_dis(&mut text, code),
        other => return Err(Error::NotCode(other.type_name())),
    }
    Ok(text)
}

/// Bytes of a `.pyc` (or raw marshal data) → what that version's
/// `dis.dis` prints for its module code object.
pub fn dis_text(data: &[u8], options: &Options) -> Result<String, Error> {
    module_text(&load(data, options)?, options)
}

/// `pybc info`: the `.pyc` header, then `dis.code_info` of every code
/// object (module first, then nested ones in the order `dis` visits them),
/// separated by blank lines.
pub fn info_text(module: &Module) -> Result<String, Error> {
    use std::fmt::Write;

    let dialect = Dialect::for_version(module.version)?;
    let addresses = CodeAddresses::new();
    let printer = TextPrinter::new(dialect, TextOptions::default(), &addresses);
    let mut out = String::new();
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
    let Object::Code(root) = &*module.code else {
        return Err(Error::NotCode(module.code.type_name()));
    };
    let mut stack: Vec<(&pybc_model::CodeObject, usize)> = vec![(root, 0)];
    let repr = |o: &Object| printer.repr(o);
    // Depth-first, in co_consts order, like dis's recursion.
    let mut order = Vec::new();
    while let Some((code, depth)) = stack.pop() {
        order.push(code);
        if depth < pybc_dis::MAX_CODE_NESTING {
            for c in code.consts().iter().rev() {
                if let Object::Code(inner) = &**c {
                    stack.push((inner, depth + 1));
                }
            }
        }
    }
    for code in order {
        out.push('\n');
        out.push_str(&pybc_dis::info::code_info(code, dialect.table, &repr));
        out.push('\n');
    }
    Ok(out)
}
