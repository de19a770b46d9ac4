//! Compares `repr`, `py_hash` and the frozenset order with what the real
//! interpreters print (fixtures written by `scripts/gen_repr_fixtures.py`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::path::Path;

use pybc_model::{Arena, CodeObject, Obj, Object, PyInt, PyStr};
use pybc_repr::{py_hash, repr};
use pybc_versions::PyVersion;

/// A marshal reader for the constant types the fixtures use.
struct Reader<'a> {
    data: &'a [u8],
    arena: &'a Arena,
    pos: usize,
    py2: bool,
    refs: Vec<Option<Obj<'a>>>,
    interned: Vec<Obj<'a>>,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> u8 {
        let b = self.data[self.pos];
        self.pos += 1;
        b
    }

    fn take(&mut self, n: usize) -> &'a [u8] {
        let s = &self.data[self.pos..self.pos + n];
        self.pos += n;
        s
    }

    fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.take(4).try_into().unwrap())
    }

    fn f64(&mut self) -> f64 {
        f64::from_le_bytes(self.take(8).try_into().unwrap())
    }

    fn items(&mut self, n: usize) -> &'a [Obj<'a>] {
        let items: Vec<Obj> = (0..n).map(|_| self.object()).collect();
        self.arena.alloc_slice_copy(&items)
    }

    fn object(&mut self) -> Obj<'a> {
        let code = self.byte();
        let flag = code & 0x80 != 0;
        let slot = flag.then(|| {
            self.refs.push(None);
            self.refs.len() - 1
        });
        let obj = match code & 0x7f {
            b'N' => Object::None,
            b'T' => Object::True,
            b'F' => Object::False,
            b'.' => Object::Ellipsis,
            b'S' => Object::StopIteration,
            b'i' => Object::Int(PyInt::Small(i64::from(self.u32() as i32))),
            b'I' => {
                let lo = u64::from(self.u32());
                let hi = u64::from(self.u32());
                Object::Int(PyInt::Small((lo | (hi << 32)) as i64))
            }
            b'l' => {
                let n = self.u32() as i32;
                let digits: Vec<u16> = (0..n.unsigned_abs())
                    .map(|_| u16::from_le_bytes(self.take(2).try_into().unwrap()))
                    .collect();
                Object::Int(PyInt::from_digits15(n < 0, &digits, self.arena))
            }
            b'g' => Object::Float(self.f64()),
            b'y' => Object::Complex {
                real: self.f64(),
                imag: self.f64(),
            },
            b's' => {
                let n = self.u32() as usize;
                Object::Bytes(self.take(n))
            }
            b't' if self.py2 => {
                let n = self.u32() as usize;
                let obj: Obj = self.arena.alloc(Object::Bytes(self.take(n)));
                self.interned.push(obj);
                return obj;
            }
            b'R' => {
                let i = self.u32() as usize;
                return self.interned[i];
            }
            b'u' | b't' | b'a' | b'A' => {
                let n = self.u32() as usize;
                Object::Str(PyStr::new(self.take(n), false))
            }
            b'z' | b'Z' => {
                let n = usize::from(self.byte());
                Object::Str(PyStr::new(self.take(n), false))
            }
            b')' => {
                let n = usize::from(self.byte());
                Object::Tuple(self.items(n))
            }
            b'(' => {
                let n = self.u32() as usize;
                Object::Tuple(self.items(n))
            }
            b'[' => {
                let n = self.u32() as usize;
                Object::List(self.items(n))
            }
            b'<' => {
                let n = self.u32() as usize;
                Object::Set(self.items(n))
            }
            b'>' => {
                let n = self.u32() as usize;
                Object::FrozenSet(self.items(n))
            }
            b'{' => {
                let mut pairs = Vec::new();
                loop {
                    let k = self.object();
                    if *k == Object::Null {
                        break;
                    }
                    let v = self.object();
                    pairs.push((k, v));
                }
                Object::Dict(self.arena.alloc_slice_copy(&pairs))
            }
            b'0' => Object::Null,
            b'r' => {
                let i = self.u32() as usize;
                return self.refs[i].unwrap();
            }
            other => panic!("unsupported marshal type {:?}", char::from(other)),
        };
        let obj: Obj = self.arena.alloc(obj);
        if let Some(i) = slot {
            self.refs[i] = Some(obj);
        }
        obj
    }
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn decode<'a>(data: &'a [u8], version: PyVersion, arena: &'a Arena) -> Obj<'a> {
    let hex = data.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let mut r = Reader {
        data,
        arena,
        pos: 0,
        py2: version.major < 3,
        refs: Vec::new(),
        interned: Vec::new(),
    };
    let obj = r.object();
    assert_eq!(r.pos, data.len(), "trailing marshal data in {hex}");
    obj
}

/// Whether a set inside `obj` has two or more items (its order then matters).
fn has_ordered_set(obj: &Object) -> bool {
    match obj {
        Object::Set(items) | Object::FrozenSet(items) => {
            items.len() > 1 || items.iter().any(|i| has_ordered_set(i))
        }
        Object::Tuple(items) | Object::List(items) => items.iter().any(|i| has_ordered_set(i)),
        Object::Dict(pairs) => pairs
            .iter()
            .any(|(k, v)| has_ordered_set(k) || has_ordered_set(v)),
        _ => false,
    }
}

const VERSIONS: &[&str] = &[
    "2.7", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13",
];

#[derive(Default, Debug)]
struct Counts {
    reprs: usize,
    hashes: usize,
    codes: usize,
    skipped_address_sets: usize,
}

fn check_version(name: &str) -> (Counts, Vec<String>) {
    let version: PyVersion = name.parse().unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(format!("{name}.tsv"));
    let text = std::fs::read_to_string(&path).unwrap();
    let mut counts = Counts::default();
    let mut failures = Vec::new();
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        let f: Vec<&str> = line.split('\t').collect();
        match f[0] {
            "obj" => {
                let (hex, want_hash, want) = (f[1], f[2], f[3]);
                let arena = Arena::new();
                let data = unhex(hex);
                let obj = decode(&data, version, &arena);
                let got_hash = py_hash(obj, version);
                match want_hash {
                    "address" | "unhashable" => {
                        if let Some(h) = got_hash {
                            failures.push(format!("{name} hash {want}: got {h}, want {want_hash}"));
                        }
                    }
                    h => {
                        counts.hashes += 1;
                        if got_hash != Some(h.parse().unwrap()) {
                            failures
                                .push(format!("{name} hash {want}: got {got_hash:?}, want {h}"));
                        }
                    }
                }
                if want_hash == "address" && has_ordered_set(obj) {
                    counts.skipped_address_sets += 1;
                    continue;
                }
                counts.reprs += 1;
                let got = repr(obj, version, &|_| 0xdead_beef);
                if got != want {
                    failures.push(format!("{name} repr:\n  got  {got}\n  want {want}"));
                }
            }
            "code" => {
                let name_bytes = unhex(f[1]);
                let file_bytes = unhex(f[2]);
                fn text_obj(b: &[u8], version: PyVersion) -> Object<'_> {
                    if version.major < 3 {
                        Object::Bytes(b)
                    } else {
                        Object::Str(PyStr::new(b, false))
                    }
                }
                let (name_obj, file_obj) = (
                    text_obj(&name_bytes, version),
                    text_obj(&file_bytes, version),
                );
                let code = CodeObject {
                    name: Some(&name_obj),
                    filename: Some(&file_obj),
                    firstlineno: f[3].parse().unwrap(),
                    ..CodeObject::default()
                };
                let obj = Object::Code(&code);
                counts.codes += 1;
                let got = repr(&obj, version, &|_| 0xdead_beef);
                if got != f[4] {
                    failures.push(format!("{name} code repr:\n  got  {got}\n  want {}", f[4]));
                }
            }
            other => panic!("unknown fixture line kind {other}"),
        }
    }
    (counts, failures)
}

#[test]
fn fixtures_match_real_interpreters() {
    let mut all = Vec::new();
    for name in VERSIONS {
        let (counts, failures) = check_version(name);
        eprintln!("{name}: {counts:?}, {} failures", failures.len());
        assert!(counts.reprs > 500, "{name}: too few fixtures");
        all.extend(failures.into_iter().take(15));
    }
    assert!(
        all.is_empty(),
        "{} failures:\n{}",
        all.len(),
        all.join("\n")
    );
}
