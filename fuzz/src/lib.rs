//! The fuzz harnesses: one function per entry point that takes untrusted
//! bytes. Each must return normally for every input; a panic, an abort, a
//! hang or runaway memory is a bug.
//!
//! The libFuzzer targets in `fuzz_targets/` call these (one target per
//! function, same name); `scripts/fuzz.sh` runs them. Regression tests for
//! what they found live in `crates/pybc/tests/hostile.rs`.

use pybc::versions::PyVersion;

/// Versions `marshal_loads` picks from with the first input byte: every
/// version `pybc` disassembles first, then older ones the reader supports.
pub const MARSHAL_VERSIONS: &[(u8, u8)] = &[
    (3, 10),
    (3, 11),
    (3, 12),
    (3, 13),
    (3, 14),
    (3, 15),
    (3, 9),
    (3, 8),
    (3, 7),
    (3, 6),
    (3, 0),
    (2, 7),
];

/// The version for a selector byte.
pub fn marshal_version(selector: u8) -> PyVersion {
    let count = MARSHAL_VERSIONS.len();
    let (major, minor) = MARSHAL_VERSIONS
        .get(usize::from(selector) % count)
        .copied()
        .unwrap_or((3, 13));
    PyVersion::new(major, minor)
}

/// Raw marshal data: byte 0 picks the version, the rest is the data.
pub fn marshal_loads(data: &[u8]) {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let version = marshal_version(selector);
    let arena = pybc::Arena::new();
    match pybc::marshal::loads(body, version, &arena) {
        Ok(loaded) => {
            // Touch the tree so that a lazily wrong result would show.
            let _ = loaded.root.type_name();
        }
        Err(e) => check_message(&e.to_string()),
    }
}

/// A small module source, for the HTML page and `show_source` text: its
/// lines are what instructions of lines 1–6 point at; other lines point
/// past it.
pub const SOURCE: &str = "import os\n\ndef f(x):\n    return x + 1\n\nclass C: pass\n";

/// Options from a selector byte: bit 0 `show_caches`, bit 1
/// `show_offsets`, bit 2 `show_positions`, bits 3–4 `recursive` (default /
/// on / off / default), bit 5 `show_source` with [`SOURCE`] given, bits 6–7
/// a version override (none, or 3.10 / 3.12 / 3.14 whatever the magic
/// number says).
pub fn text_options(selector: u8) -> pybc::Options {
    let with_source = selector & 0x20 != 0;
    pybc::Options {
        show_caches: selector & 1 != 0,
        show_offsets: selector & 2 != 0,
        show_positions: selector & 4 != 0,
        recursive: match (selector >> 3) & 3 {
            1 => Some(true),
            2 => Some(false),
            _ => None,
        },
        show_source: with_source,
        source: with_source.then(|| SOURCE.to_string()),
        csv_header: selector & 1 != 0,
        version: match selector >> 6 {
            1 => Some(PyVersion::new(3, 10)),
            2 => Some(PyVersion::new(3, 12)),
            3 => Some(PyVersion::new(3, 14)),
            _ => None,
        },
        ..pybc::Options::default()
    }
}

/// A whole `.pyc` file: byte 0 picks the options, the rest is the file;
/// its listing, whole and streamed in small pieces, must agree.
pub fn pyc_to_text(data: &[u8]) {
    let Some((&selector, pyc)) = data.split_first() else {
        return;
    };
    let options = text_options(selector);
    match pybc::dis_text(pyc, &options) {
        Ok(text) => {
            // Streamed in small pieces, the listing must be the same text.
            let arena = pybc::Arena::new();
            let Ok(module) = pybc::load(pyc, &arena, &options) else {
                panic!("loaded once, not twice");
            };
            let Ok(listing) = pybc::TextListing::new(&module, &options) else {
                panic!("listed once, not twice");
            };
            let mut streamed = String::new();
            listing.stream(256, &mut |piece| streamed.push_str(piece));
            assert!(streamed == text, "streamed listing differs");
        }
        Err(e) => check_message(&e.to_string()),
    }
}

/// A whole `.pyc` file (after the options byte of [`text_options`]) in
/// every other output format: `pybc info`, JSON, JSON Lines, CSV, HTML.
pub fn pyc_formats(data: &[u8]) {
    let Some((&selector, pyc)) = data.split_first() else {
        return;
    };
    let options = text_options(selector);
    let arena = pybc::Arena::new();
    let module = match pybc::load(pyc, &arena, &options) {
        Ok(module) => module,
        Err(e) => return check_message(&e.to_string()),
    };
    match pybc::info_text(&module) {
        Ok(text) => {
            let _ = text.len();
        }
        Err(e) => check_message(&e.to_string()),
    }
    for format in [
        pybc::Format::Json,
        pybc::Format::Jsonl,
        pybc::Format::Csv,
        pybc::Format::Html,
    ] {
        match pybc::render(&module, "fuzz.pyc", &options, format) {
            Ok(text) => {
                let _ = text.len();
            }
            Err(e) => check_message(&e.to_string()),
        }
    }
}

/// A zip archive (wheel, zipapp, egg): its members listed, each one read
/// within the CLI's limits (with its source, when the archive has it) and
/// disassembled. The reader takes a path, so the input goes to a file of
/// this process first.
pub fn archive(data: &[u8]) {
    let path = std::env::temp_dir().join(format!("pybc-fuzz-{}.zip", std::process::id()));
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let inputs = match pybc_inputs::expand_one(&path) {
        Ok(inputs) => inputs,
        Err(e) => return check_message(&e.to_string()),
    };
    let limits = pybc_inputs::Limits::default();
    for input in inputs {
        let source = input.source(&limits);
        let bytes = match input.read(&limits) {
            Ok(bytes) => bytes,
            Err(e) => {
                check_message(&e.to_string());
                continue;
            }
        };
        if input.is_source() {
            continue;
        }
        let options = pybc::Options {
            show_source: source.is_some(),
            source,
            ..pybc::Options::default()
        };
        match pybc::dis_text(&bytes, &options) {
            Ok(text) => {
                let _ = text.len();
            }
            Err(e) => check_message(&e.to_string()),
        }
    }
}

/// Python source text → `pybc-ast` for every target version, then
/// `ast.dump` of the tree (with attributes and indentation, which walks
/// every node and position).
pub fn source_to_ast(data: &[u8]) {
    for &target in pybc_ast::Target::ALL.iter() {
        match pybc_ast::parse_module(data, target) {
            Ok(module) => {
                let options = pybc_ast::DumpOptions {
                    target,
                    include_attributes: true,
                    indent: Some(1),
                };
                let _ = pybc_ast::dump(&module, &options).len();
            }
            Err(e) => check_message(&e.to_string()),
        }
    }
}

/// The CLI prints `FILE: message` on one line: an error message must not
/// span several.
fn check_message(message: &str) {
    assert!(
        !message.contains('\n') && !message.contains('\r'),
        "error message spans several lines: {message:?}"
    );
}
