//! Hostile input: never crash, never hang, never blow up memory.
//!
//! Hand-built marshal data for each kind of attack the fuzzers and
//! `scripts/mutation_sweep.py` look for; every test is named after the
//! problem it guards against. Inputs are raw marshal data
//! (`Options::raw_marshal`), so no `.pyc` header is involved.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod common;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use pybc::versions::opcodes::OpcodeTable;
use pybc::versions::PyVersion;
use pybc::{Error, Format, Options};

const FLAG_REF: u8 = 0x80;

/// Versions pybc disassembles.
fn versions() -> Vec<PyVersion> {
    (10..=15).map(|minor| PyVersion::new(3, minor)).collect()
}

fn le(n: u32) -> [u8; 4] {
    n.to_le_bytes()
}

fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

fn bytes_obj(b: &[u8]) -> Vec<u8> {
    cat(&[b"s", &le(b.len() as u32), b])
}

fn str_obj(s: &str) -> Vec<u8> {
    cat(&[b"u", &le(s.len() as u32), s.as_bytes()])
}

fn tuple(items: &[Vec<u8>]) -> Vec<u8> {
    let mut out = cat(&[b"(", &le(items.len() as u32)]);
    for item in items {
        out.extend_from_slice(item);
    }
    out
}

/// A marshalled Python int (TYPE_LONG, 15-bit digits).
fn long_obj(mut v: u128) -> Vec<u8> {
    let mut digits = Vec::new();
    while v != 0 {
        digits.extend_from_slice(&((v & 0x7fff) as u16).to_le_bytes());
        v >>= 15;
    }
    cat(&[b"l", &le((digits.len() / 2) as u32), &digits])
}

fn opcode(version: PyVersion, name: &str) -> u8 {
    let table = OpcodeTable::for_version(version).unwrap();
    (0..=255u8)
        .find(|&op| table.op(op).name == name && table.op(op).deopt == op)
        .unwrap_or_else(|| panic!("{name} in {version}"))
}

/// One instruction, cache entries included.
fn instr(version: PyVersion, name: &str, arg: u8) -> Vec<u8> {
    let table = OpcodeTable::for_version(version).unwrap();
    let op = opcode(version, name);
    let mut out = vec![op, arg];
    out.resize(2 + 2 * usize::from(table.op(op).cache_entries), 0);
    out
}

struct Code {
    code: Vec<u8>,
    consts: Vec<u8>,
    names: Vec<u8>,
    linetable: Vec<u8>,
    flag_ref: bool,
    name: String,
}

impl Code {
    fn new(code: Vec<u8>, consts: Vec<u8>) -> Code {
        Code {
            code,
            consts,
            names: tuple(&[]),
            linetable: Vec::new(),
            flag_ref: false,
            name: "f".into(),
        }
    }

    fn marshal(&self, version: PyVersion) -> Vec<u8> {
        let ints = if version.at_least(3, 11) { 5 } else { 6 };
        let mut out = vec![if self.flag_ref { b'c' | FLAG_REF } else { b'c' }];
        for i in 0..ints {
            // ..., stacksize, flags
            out.extend_from_slice(&le(if i == ints - 2 { 16 } else { 0 }));
        }
        let empty = tuple(&[]);
        out.extend(bytes_obj(&self.code));
        out.extend_from_slice(&self.consts);
        out.extend_from_slice(&self.names);
        if version.at_least(3, 11) {
            out.extend_from_slice(&empty); // localsplusnames
            out.extend(bytes_obj(b"")); // localspluskinds
            out.extend(str_obj("<hostile>"));
            out.extend(str_obj(&self.name));
            out.extend(str_obj(&self.name));
            out.extend_from_slice(&le(1));
            out.extend(bytes_obj(&self.linetable));
            out.extend(bytes_obj(b"")); // exceptiontable
        } else {
            for _ in 0..3 {
                out.extend_from_slice(&empty); // varnames, freevars, cellvars
            }
            out.extend(str_obj("<hostile>"));
            out.extend(str_obj(&self.name));
            out.extend_from_slice(&le(1));
            out.extend(bytes_obj(&self.linetable));
        }
        out
    }
}

fn raw(version: PyVersion) -> Options {
    Options {
        version: Some(version),
        raw_marshal: true,
        ..Options::default()
    }
}

/// Every way of showing `data`: text (with caches, offsets and positions),
/// info, JSON, JSON Lines and CSV. Each must finish quickly.
fn show_all(data: &[u8], version: PyVersion) -> Vec<Result<String, Error>> {
    let start = Instant::now();
    let mut out = Vec::new();
    let options = raw(version);
    out.push(pybc::dis_text(data, &options));
    let all = Options {
        show_caches: true,
        show_offsets: true,
        show_positions: true,
        ..raw(version)
    };
    out.push(pybc::dis_text(data, &all));
    let arena = pybc::Arena::new();
    match pybc::load(data, &arena, &options) {
        Ok(module) => {
            out.push(pybc::info_text(&module));
            for format in [Format::Json, Format::Jsonl, Format::Csv] {
                out.push(pybc::render(&module, "hostile", &options, format));
            }
        }
        Err(e) => out.push(Err(e)),
    }
    // A guard against hangs (quadratic or worse work), not a speed test:
    // the limit is far above what a loaded machine takes.
    assert!(
        start.elapsed() < Duration::from_secs(120),
        "took {:?}",
        start.elapsed()
    );
    for r in &out {
        if let Err(e) = r {
            let message = e.to_string();
            assert!(!message.contains('\n'), "multi-line error: {message}");
        }
    }
    out
}

fn assert_refused(data: &[u8], version: PyVersion) {
    for r in show_all(data, version) {
        match r {
            Err(Error::TooLarge(t)) => assert!(t.estimate > t.limit),
            Err(other) => panic!("{version}: expected TooLarge, got {other}"),
            Ok(text) => panic!("{version}: expected TooLarge, got {} bytes", text.len()),
        }
    }
}

fn assert_shown(data: &[u8], version: PyVersion) -> String {
    let results = show_all(data, version);
    for r in &results {
        if let Err(e) = r {
            panic!("{version}: {e}");
        }
    }
    results.into_iter().next().unwrap().unwrap()
}

fn assert_marshal_error(data: &[u8], version: PyVersion, expected: &str) {
    match pybc::dis_text(data, &raw(version)) {
        Err(Error::Marshal(e)) => {
            let message = e.to_string();
            assert!(
                message.contains(expected),
                "{version}: expected {expected:?} in {message:?}"
            );
        }
        Err(other) => panic!("{version}: expected a marshal error, got {other}"),
        Ok(_) => panic!("{version}: expected a marshal error, got a listing"),
    }
}

/// t1 = (None,); t(i) = (t(i-1), t(i-1)), the second through a reference.
/// Reserves slots `first_slot..first_slot + levels`, outermost first.
fn shared_tuples(levels: u32, first_slot: u32) -> Vec<u8> {
    let mut out = cat(&[&[b'(' | FLAG_REF], &le(1), b"N"]);
    for i in 2..=levels {
        let inner_slot = first_slot + levels - (i - 1);
        out = cat(&[&[b'(' | FLAG_REF], &le(2), &out, b"r", &le(inner_slot)]);
    }
    out
}

#[test]
fn shared_tuples_expanding_exponentially_are_refused() {
    for v in versions() {
        let code = instr(v, "LOAD_CONST", 0);
        let data = Code::new(code.clone(), tuple(&[shared_tuples(100, 0)])).marshal(v);
        assert!(data.len() < 2000);
        assert_refused(&data, v);
        // The same construction with a few levels is listed in full.
        let small = Code::new(code, tuple(&[shared_tuples(3, 0)])).marshal(v);
        let text = assert_shown(&small, v);
        assert!(
            text.contains("(((None,), (None,)), ((None,), (None,)))"),
            "{text}"
        );
    }
}

#[test]
fn shared_code_objects_expanding_exponentially_are_refused() {
    for v in versions() {
        let levels = 60u32;
        let load = |i| instr(v, "LOAD_CONST", i);
        let mut inner = Code::new(load(0), tuple(&[b"N".to_vec()]));
        inner.flag_ref = true;
        let mut inner = inner.marshal(v);
        for i in 2..=levels {
            let slot = levels - (i - 1);
            let mut c = Code::new(
                cat(&[&load(0), &load(1)]),
                tuple(&[inner, cat(&[b"r", &le(slot)])]),
            );
            c.flag_ref = true;
            c.name = format!("c{i}");
            inner = c.marshal(v);
        }
        let data = Code::new(load(0), tuple(&[inner])).marshal(v);
        assert!(data.len() < 20_000);
        assert_refused(&data, v);
    }
}

#[test]
fn big_constant_loaded_by_every_instruction_is_refused() {
    for v in versions() {
        let big = tuple(&vec![b"N".to_vec(); 20_000]);
        let code = instr(v, "LOAD_CONST", 0).repeat(20_000);
        let data = Code::new(code, tuple(&[big])).marshal(v);
        assert_refused(&data, v);
    }
}

#[test]
fn huge_name_used_by_every_instruction_is_refused() {
    for v in versions() {
        let mut c = Code::new(instr(v, "LOAD_NAME", 0).repeat(50_000), tuple(&[]));
        c.names = tuple(&[str_obj(&"n".repeat(100_000))]);
        assert_refused(&c.marshal(v), v);
    }
}

/// A 1 MB name used by 100 instructions: its JSON listing holds the name
/// eight times per use (argval and argrepr, in the instructions and in the
/// JSON forms) and took 800 MB of memory (found by the mutation sweep).
#[test]
fn megabyte_name_used_a_hundred_times_is_refused() {
    for v in versions() {
        let mut c = Code::new(instr(v, "LOAD_NAME", 0).repeat(100), tuple(&[]));
        c.names = tuple(&[str_obj(&"n".repeat(1_000_000))]);
        assert_refused(&c.marshal(v), v);
    }
}

/// One 200 KB string shared 12 times by a tuple constant: its `repr`, one
/// line of 2.4 MB, is within the whole listing's budget but far over what a
/// constant of 200 KB of input can honestly print.
#[test]
fn constant_amplified_through_references_is_refused() {
    for v in versions() {
        let text = "x".repeat(200_000);
        let first = cat(&[&[b'u' | FLAG_REF], &le(text.len() as u32), text.as_bytes()]);
        let mut items = vec![first];
        items.extend((1..12).map(|_| cat(&[b"r", &le(0)])));
        let data = Code::new(instr(v, "LOAD_CONST", 0), tuple(&[tuple(&items)])).marshal(v);
        let arena = pybc::Arena::new();
        let module = pybc::load(&data, &arena, &raw(v)).unwrap();
        let dialect = module.dialect().unwrap();
        let listing = pybc::budget::estimate(&module, dialect);
        assert!(
            listing.estimate < listing.limit,
            "{v}: the listing alone is allowed"
        );
        assert_refused(&data, v);
        // Shared 3 times, it is listed.
        let mut items = vec![cat(&[
            &[b'u' | FLAG_REF],
            &le(text.len() as u32),
            text.as_bytes(),
        ])];
        items.extend((1..3).map(|_| cat(&[b"r", &le(0)])));
        assert_shown(
            &Code::new(instr(v, "LOAD_CONST", 0), tuple(&[tuple(&items)])).marshal(v),
            v,
        );
    }
}

#[test]
fn colliding_set_hashes_are_refused() {
    // k * (2**61 - 1) all hash to 0: replaying CPython's set table for them
    // is quadratic in their number.
    let p = (1u128 << 61) - 1;
    for v in versions() {
        let items = |n: u128| -> Vec<u8> {
            let mut out = cat(&[b">", &le(n as u32)]);
            for k in 1..=n {
                out.extend(long_obj(k * p));
            }
            out
        };
        let code = instr(v, "LOAD_CONST", 0);
        let data = Code::new(code.clone(), tuple(&[items(30_000)])).marshal(v);
        assert_refused(&data, v);
        // A few collisions are fine.
        let data = Code::new(code, tuple(&[items(50)])).marshal(v);
        assert_shown(&data, v);
    }
}

#[test]
fn huge_int_constant_is_refused() {
    // Decimal conversion is quadratic in the number of digits.
    for v in versions() {
        let digits = 200_000u32;
        let mut long = cat(&[b"l", &le(digits)]);
        long.extend(std::iter::repeat_n([0xff, 0x7f], digits as usize).flatten());
        let data = Code::new(instr(v, "LOAD_CONST", 0), tuple(&[long])).marshal(v);
        assert_refused(&data, v);
        // A merely big one (about 6,000 decimal digits) is printed.
        let mut long = cat(&[b"l", &le(1300)]);
        long.extend(std::iter::repeat_n([0xff, 0x7f], 1300).flatten());
        let data = Code::new(instr(v, "LOAD_CONST", 0), tuple(&[long])).marshal(v);
        assert_shown(&data, v);
    }
}

#[test]
fn location_table_claiming_millions_of_units_is_refused() {
    // Each 0xff byte of a 3.11+ location table claims 8 code units.
    for v in versions().into_iter().filter(|v| v.at_least(3, 11)) {
        let mut c = Code::new(instr(v, "NOP", 0), tuple(&[]));
        c.linetable = vec![0xff; 1 << 20];
        assert_refused(&c.marshal(v), v);
    }
}

/// `depth` nested containers of one kind around `None`.
fn nest(kind: u8, depth: usize) -> Vec<u8> {
    let mut out = Vec::new();
    match kind {
        b'(' | b'[' | b'<' | b'>' => {
            for _ in 0..depth {
                out.push(kind);
                out.extend_from_slice(&le(1));
            }
            out.push(b'N');
        }
        b')' => {
            out.extend(std::iter::repeat_n([b')', 1], depth).flatten());
            out.push(b'N');
        }
        b'{' => {
            out.extend(std::iter::repeat_n([b'{', b'N'], depth).flatten());
            out.push(b'N');
            out.extend(std::iter::repeat_n(b'0', depth));
        }
        _ => {
            out.extend(std::iter::repeat_n(b':', depth));
            out.push(b'N');
            out.extend(std::iter::repeat_n([b'N', b'N'], depth).flatten());
        }
    }
    out
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    on_big_stack(|| {
        for v in versions() {
            for kind in [b'(', b')', b'[', b'{', b'<', b'>', b':'] {
                for depth in [2001, 100_000] {
                    let data = Code::new(instr(v, "LOAD_CONST", 0), tuple(&[nest(kind, depth)]))
                        .marshal(v);
                    assert_marshal_error(&data, v, "nested more than 2000 levels");
                }
            }
            // Code objects nested through their constants.
            let mut inner = Code::new(Vec::new(), tuple(&[])).marshal(v);
            for _ in 0..1500 {
                inner = Code::new(instr(v, "LOAD_CONST", 0), tuple(&[inner])).marshal(v);
            }
            assert_marshal_error(&inner, v, "nested more than 2000 levels");
        }
    });
}

/// The stack of a process's main thread on most systems.
const STACK: usize = 8 << 20;

fn on_big_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn nesting_just_under_the_limit_is_listed_on_a_small_stack() {
    // 2000 levels (the reader's limit) must fit in a main thread's usual
    // 8 MiB stack even in debug builds (release builds need far less).
    let handle = std::thread::Builder::new()
        .stack_size(STACK)
        .spawn(|| {
            for v in versions() {
                for kind in [b'(', b'[', b'{', b'>', b':'] {
                    // Deeper trees are refused: their JSON form (a repr at every level) grows
                    // with the square of the depth.
                    let depth = 500;
                    let data = Code::new(instr(v, "LOAD_CONST", 0), tuple(&[nest(kind, depth)]))
                        .marshal(v);
                    assert_shown(&data, v);
                }
                let mut inner = Code::new(Vec::new(), tuple(&[])).marshal(v);
                for _ in 0..300 {
                    inner = Code::new(instr(v, "LOAD_CONST", 0), tuple(&[inner])).marshal(v);
                }
                assert_shown(&inner, v);
            }
        })
        .unwrap();
    handle.join().unwrap();
}

#[test]
fn references_to_unfinished_or_missing_objects_are_errors() {
    for v in versions() {
        let load = instr(v, "LOAD_CONST", 0);
        let cases: Vec<(Vec<u8>, &str)> = vec![
            // A tuple holding a reference to itself.
            (
                cat(&[&[b'(' | FLAG_REF], &le(1), b"r", &le(0)]),
                "still being read",
            ),
            // To its parent, from deeper down.
            (
                cat(&[&[b'(' | FLAG_REF], &le(1), b"(", &le(1), b"r", &le(0)]),
                "still being read",
            ),
            // A reference flagged for reference itself, to itself.
            (cat(&[&[b'r' | FLAG_REF], &le(0)]), "still being read"),
            // Forward, huge, negative.
            (cat(&[b"r", &le(1)]), "invalid marshal reference 1"),
            (cat(&[b"r", &le(0x7fff_ffff)]), "invalid marshal reference"),
            (
                cat(&[b"r", &le(0xffff_ffff)]),
                "invalid marshal reference -1",
            ),
            (cat(&[b"r", &le(0x8000_0000)]), "invalid marshal reference"),
        ];
        for (constant, expected) in cases {
            let data = Code::new(load.clone(), tuple(&[constant])).marshal(v);
            assert_marshal_error(&data, v, expected);
        }
    }
}

#[test]
fn huge_and_negative_lengths_are_errors() {
    let v = PyVersion::new(3, 13);
    for code in [b's', b'u', b't', b'a', b'A', b'(', b'[', b'<', b'>', b'l'] {
        for length in [
            0x7fff_ffffu32,
            0xffff_ffff,
            0x8000_0000,
            0xffff_fffe,
            0x1000_0000,
        ] {
            if code == b'l' && length >= 0xffff_fffe {
                continue; // -1 and -2 digits: a valid negative number
            }
            let data = cat(&[&[code], &le(length), b"NNNN"]);
            let arena = pybc::Arena::new();
            let r = pybc::marshal::loads(&data, v, &arena);
            let message = r.expect_err("an error").to_string();
            assert!(
                message.contains("truncated") || message.contains("invalid length"),
                "{}: {length:#x}: {message}",
                char::from(code)
            );
        }
    }
}

fn fixtures() -> Vec<PathBuf> {
    common::fixture_pycs()
}

#[test]
fn truncated_fixtures_are_errors() {
    for path in fixtures() {
        let data = std::fs::read(&path).unwrap();
        let step = (data.len() / 150).max(1);
        for cut in (0..data.len()).step_by(step).chain([data.len() - 1]) {
            match pybc::dis_text(&data[..cut], &Options::default()) {
                Err(e) => assert!(!e.to_string().contains('\n')),
                Ok(_) => panic!("{}: truncated at {cut} gave a listing", path.display()),
            }
        }
    }
}

#[test]
fn estimates_bound_the_listings_of_real_files() {
    for path in fixtures() {
        let data = std::fs::read(&path).unwrap();
        let arena = pybc::Arena::new();
        let options = Options {
            show_caches: true,
            show_offsets: true,
            show_positions: true,
            ..Options::default()
        };
        let module = pybc::load(&data, &arena, &options).unwrap();
        let Ok(dialect) = pybc::dis::Dialect::for_version(module.version) else {
            continue;
        };
        let all = pybc::budget::estimate(&module, dialect).estimate;
        let text = pybc::budget::estimate_text(&module, dialect).estimate;
        assert!(text <= all, "{}", path.display());
        let listed = |format| pybc::render(&module, "f", &options, format).unwrap().len() as u64;
        assert!(listed(Format::Text) <= text, "{}", path.display());
        for format in [Format::Json, Format::Jsonl, Format::Csv] {
            assert!(listed(format) <= all, "{}: {format:?}", path.display());
        }
    }
}

#[test]
fn real_files_stay_far_below_the_listing_limit() {
    for path in fixtures() {
        let data = std::fs::read(&path).unwrap();
        let arena = pybc::Arena::new();
        let module = pybc::load(&data, &arena, &Options::default()).unwrap();
        let Ok(dialect) = pybc::dis::Dialect::for_version(module.version) else {
            continue;
        };
        let found = pybc::budget::estimate(&module, dialect);
        let per_byte = found.estimate / data.len() as u64;
        assert!(
            per_byte * 2 < pybc::budget::PER_INPUT_BYTE,
            "{}: {per_byte} estimated bytes per input byte",
            path.display()
        );
        assert!(found.estimate < pybc::budget::FLOOR / 16);
        let value = pybc::budget::largest_value(&module, dialect);
        assert!(
            value.estimate < pybc::budget::VALUE_FLOOR / 4,
            "{}: a constant's repr estimated at {} bytes",
            path.display(),
            value.estimate
        );
    }
}
