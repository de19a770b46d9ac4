//! The marshal reader: bytes → [`Object`] tree.
//!
//! Untrusted input is the normal case here. Every read is bounds-checked,
//! nesting is limited like CPython's own reader, and no allocation is sized
//! by a length field beyond what the remaining bytes could hold.

use pybc_model::{CodeObject, Obj, Object, PyInt, PyStr};
use pybc_versions::layout::{code_layout_of, CodeField, IntWidth};
use pybc_versions::PyVersion;

use crate::error::MarshalError;

/// CPython's `MAX_MARSHAL_STACK_DEPTH`.
pub const MAX_DEPTH: usize = 2000;

const FLAG_REF: u8 = 0x80;

/// Reads one marshalled object tree.
pub struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
    /// Added to positions in error messages (e.g. the `.pyc` header size).
    base: usize,
    version: PyVersion,
    /// Objects flagged for reference; `None` while still being built.
    refs: Vec<Option<Obj>>,
    /// Python 2's interned-string table (`TYPE_STRINGREF`).
    interned: Vec<Obj>,
    depth: usize,
    /// The `.pyc` magic number, when known: a few pre-releases lay code
    /// objects out unlike their final release.
    magic: Option<u16>,
    /// One shared object each for NULL, None, False, True, StopIteration
    /// and Ellipsis: a one-byte object then costs a pointer, not an
    /// allocation (hostile data may hold millions).
    singletons: [Obj; 6],
}

impl<'a> Reader<'a> {
    /// A reader for data written by `version`; `base` is the offset of
    /// `data` within its file, for error messages.
    pub fn new(data: &'a [u8], version: PyVersion, base: usize) -> Reader<'a> {
        Reader {
            data,
            pos: 0,
            base,
            version,
            refs: Vec::new(),
            interned: Vec::new(),
            depth: 0,
            magic: None,
            singletons: [
                Object::Null,
                Object::None,
                Object::False,
                Object::True,
                Object::StopIteration,
                Object::Ellipsis,
            ]
            .map(Obj::new),
        }
    }

    /// Reads code objects as the release with this magic number wrote them.
    pub fn with_magic(mut self, magic: u16) -> Reader<'a> {
        self.magic = Some(magic);
        self
    }

    /// Position within `data`, after what has been read.
    pub fn position(&self) -> usize {
        self.pos
    }

    fn offset(&self) -> usize {
        self.base + self.pos
    }

    fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }

    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], MarshalError> {
        let end = self.pos.checked_add(n);
        match end.and_then(|end| self.data.get(self.pos..end)) {
            Some(bytes) => {
                self.pos += n;
                Ok(bytes)
            }
            None => Err(MarshalError::Truncated {
                offset: self.offset(),
                needed: n - self.remaining().min(n),
                what,
            }),
        }
    }

    fn u8(&mut self, what: &'static str) -> Result<u8, MarshalError> {
        let b = self.take(1, what)?;
        Ok(b.first().copied().unwrap_or(0))
    }

    fn array<const N: usize>(&mut self, what: &'static str) -> Result<[u8; N], MarshalError> {
        let bytes = self.take(N, what)?;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    fn i32(&mut self, what: &'static str) -> Result<i32, MarshalError> {
        Ok(i32::from_le_bytes(self.array(what)?))
    }

    fn i16(&mut self, what: &'static str) -> Result<i16, MarshalError> {
        Ok(i16::from_le_bytes(self.array(what)?))
    }

    /// A length field: non-negative, and (given `unit` bytes per element at
    /// the least) not larger than the rest of the data can hold.
    fn length(&mut self, what: &'static str, unit: usize) -> Result<usize, MarshalError> {
        let at = self.offset();
        let n = self.i32(what)?;
        self.check_length(at, i64::from(n), what, unit)
    }

    fn check_length(
        &self,
        at: usize,
        n: i64,
        what: &'static str,
        unit: usize,
    ) -> Result<usize, MarshalError> {
        let n_usize = usize::try_from(n).map_err(|_| MarshalError::BadLength {
            offset: at,
            length: n,
            what,
        })?;
        if n_usize.saturating_mul(unit) > self.remaining() {
            return Err(MarshalError::Truncated {
                offset: self.offset(),
                needed: n_usize.saturating_mul(unit) - self.remaining(),
                what,
            });
        }
        Ok(n_usize)
    }

    /// Reads one object (the root of a tree, or a child).
    pub fn read_object(&mut self) -> Result<Obj, MarshalError> {
        let at = self.offset();
        if self.depth >= MAX_DEPTH {
            return Err(MarshalError::TooDeep {
                offset: at,
                limit: MAX_DEPTH,
            });
        }
        self.depth += 1;
        let result = self.read_object_inner(at);
        self.depth -= 1;
        result
    }

    /// Reads an object that must not be NULL.
    fn read_value(&mut self) -> Result<Obj, MarshalError> {
        let at = self.offset();
        let obj = self.read_object()?;
        if matches!(*obj, Object::Null) {
            return Err(MarshalError::UnexpectedNull { offset: at });
        }
        Ok(obj)
    }

    fn reserve(&mut self, flagged: bool) -> Option<usize> {
        flagged.then(|| {
            self.refs.push(None);
            self.refs.len() - 1
        })
    }

    fn fill(&mut self, slot: Option<usize>, obj: Obj) -> Obj {
        if let Some(slot) = slot.and_then(|i| self.refs.get_mut(i)) {
            *slot = Some(obj.clone());
        }
        obj
    }

    fn read_object_inner(&mut self, at: usize) -> Result<Obj, MarshalError> {
        let code = self.u8("an object type code")?;
        let flagged = code & FLAG_REF != 0;
        let ty = code & !FLAG_REF;
        let slot = self.reserve(flagged);
        let singleton = match ty {
            b'0' => Some(0),
            b'N' => Some(1),
            b'F' => Some(2),
            b'T' => Some(3),
            b'S' => Some(4),
            b'.' => Some(5),
            _ => None,
        };
        if let Some(shared) = singleton.and_then(|i| self.singletons.get(i)) {
            let shared = shared.clone();
            return Ok(self.fill(slot, shared));
        }
        let obj = match ty {
            b'i' => Object::Int(PyInt::Small(i64::from(self.i32("an int")?))),
            b'I' => {
                let bytes: [u8; 8] = self.array("a 64-bit int")?;
                Object::Int(PyInt::Small(i64::from_le_bytes(bytes)))
            }
            b'l' => self.read_long()?,
            b'f' => Object::Float(self.read_text_float("a float")?),
            b'g' => Object::Float(f64::from_le_bytes(self.array("a float")?)),
            b'x' => {
                let real = self.read_text_float("a complex")?;
                let imag = self.read_text_float("a complex")?;
                Object::Complex { real, imag }
            }
            b'y' => {
                let real = f64::from_le_bytes(self.array("a complex")?);
                let imag = f64::from_le_bytes(self.array("a complex")?);
                Object::Complex { real, imag }
            }
            b's' => {
                let n = self.length("a bytes length", 1)?;
                Object::Bytes(self.take(n, "bytes")?.into())
            }
            b't' => {
                let n = self.length("a string length", 1)?;
                let data = self.take(n, "a string")?;
                if self.version.major < 3 {
                    // Python 2: an interned byte string, remembered for 'R'.
                    let obj: Obj = Obj::new(Object::Bytes(data.into()));
                    self.interned.push(obj.clone());
                    return Ok(self.fill(slot, obj));
                }
                Object::Str(PyStr::new(data, true))
            }
            b'R' => {
                let index_at = self.offset();
                let index = self.i32("a string reference")?;
                let found = usize::try_from(index)
                    .ok()
                    .and_then(|i| self.interned.get(i))
                    .cloned();
                return match found {
                    Some(obj) => Ok(self.fill(slot, obj)),
                    None => Err(MarshalError::BadReference {
                        offset: index_at,
                        index: i64::from(index),
                        count: self.interned.len(),
                    }),
                };
            }
            b'u' => {
                let n = self.length("a string length", 1)?;
                Object::Str(PyStr::new(self.take(n, "a string")?, false))
            }
            b'a' | b'A' => {
                let n = self.length("a string length", 1)?;
                Object::Str(PyStr::new(self.take(n, "a string")?, ty == b'A'))
            }
            b'z' | b'Z' => {
                let n = usize::from(self.u8("a string length")?);
                Object::Str(PyStr::new(self.take(n, "a string")?, ty == b'Z'))
            }
            b'(' => {
                let n = self.length("a tuple length", 1)?;
                Object::Tuple(self.read_items(n)?)
            }
            b')' => {
                let n = usize::from(self.u8("a tuple length")?);
                self.check_length(at, n as i64, "a tuple length", 1)?;
                Object::Tuple(self.read_items(n)?)
            }
            b'[' => {
                let n = self.length("a list length", 1)?;
                Object::List(self.read_items(n)?)
            }
            b'<' | b'>' => {
                let n = self.length("a set length", 1)?;
                let items = self.read_items(n)?;
                if ty == b'<' {
                    Object::Set(items)
                } else {
                    Object::FrozenSet(items)
                }
            }
            b'{' => {
                let mut pairs = Vec::new();
                loop {
                    let key = self.read_object()?;
                    if matches!(*key, Object::Null) {
                        break;
                    }
                    let value = self.read_value()?;
                    pairs.push((key, value));
                }
                Object::Dict(pairs)
            }
            b':' => {
                let start = self.read_value()?;
                let stop = self.read_value()?;
                let step = self.read_value()?;
                Object::Slice { start, stop, step }
            }
            // 'C' is the code type of 1.0–1.2 (same fields as their 'c').
            b'c' | b'C' => Object::Code(Box::new(self.read_code()?)),
            b'r' => {
                let index_at = self.offset();
                let index = self.i32("a reference index")?;
                let entry = usize::try_from(index).ok().and_then(|i| self.refs.get(i));
                return match entry {
                    Some(Some(obj)) => Ok(obj.clone()),
                    Some(None) => Err(MarshalError::IncompleteReference {
                        offset: index_at,
                        index: usize::try_from(index).unwrap_or(0),
                    }),
                    None => Err(MarshalError::BadReference {
                        offset: index_at,
                        index: i64::from(index),
                        count: self.refs.len(),
                    }),
                };
            }
            other => {
                return Err(MarshalError::UnknownType {
                    offset: at,
                    code: other,
                    shown: if other.is_ascii_graphic() {
                        char::from(other)
                    } else {
                        '?'
                    },
                })
            }
        };
        Ok(self.fill(slot, Obj::new(obj)))
    }

    fn read_items(&mut self, n: usize) -> Result<Vec<Obj>, MarshalError> {
        // Each item takes at least one byte, so `n` is bounded by the input.
        let mut items = Vec::with_capacity(n.min(self.remaining()));
        for _ in 0..n {
            items.push(self.read_value()?);
        }
        Ok(items)
    }

    fn read_long(&mut self) -> Result<Object, MarshalError> {
        let at = self.offset();
        let n = self.i32("a long size")?;
        let negative = n < 0;
        let count = self.check_length(at, i64::from(n).abs(), "a long size", 2)?;
        let mut digits = Vec::with_capacity(count);
        for _ in 0..count {
            let digit_at = self.offset();
            let d = self.i16("a long digit")?;
            if d < 0 {
                return Err(MarshalError::Invalid {
                    offset: digit_at,
                    what: "long digit",
                    detail: format!("{d} is out of range"),
                });
            }
            digits.push(d as u16);
        }
        Ok(Object::Int(if self.version.major < 3 {
            PyInt::long_from_digits15(negative, &digits)
        } else {
            PyInt::from_digits15(negative, &digits)
        }))
    }

    fn read_text_float(&mut self, what: &'static str) -> Result<f64, MarshalError> {
        let at = self.offset();
        let n = usize::from(self.u8(what)?);
        let text = self.take(n, what)?;
        parse_python_float(text).ok_or_else(|| MarshalError::Invalid {
            offset: at,
            what,
            detail: format!("{:?} is not a number", String::from_utf8_lossy(text)),
        })
    }

    fn read_code(&mut self) -> Result<CodeObject, MarshalError> {
        let (fields, width) = code_layout_of(self.version, self.magic);
        let mut code = CodeObject::default();
        for &field in fields {
            let at = self.offset();
            let int = match field {
                CodeField::ArgCount
                | CodeField::PosOnlyArgCount
                | CodeField::KwOnlyArgCount
                | CodeField::NLocals
                | CodeField::StackSize
                | CodeField::Flags
                | CodeField::FirstLineNo => Some(match width {
                    IntWidth::Long => self.i32("a code object field")? as u32,
                    IntWidth::Short => u32::from(self.i16("a code object field")? as u16),
                }),
                _ => None,
            };
            if let Some(value) = int {
                match field {
                    CodeField::ArgCount => code.argcount = value,
                    CodeField::PosOnlyArgCount => code.posonlyargcount = value,
                    CodeField::KwOnlyArgCount => code.kwonlyargcount = value,
                    CodeField::NLocals => code.nlocals = value,
                    CodeField::StackSize => code.stacksize = value,
                    CodeField::Flags => code.flags = value,
                    _ => code.firstlineno = value,
                }
                continue;
            }
            let obj = self.read_value()?;
            let (slot, expected): (&mut Option<Obj>, &'static str) = match field {
                CodeField::Code => (&mut code.code, "bytes"),
                CodeField::Consts => (&mut code.consts, "tuple"),
                CodeField::Names => (&mut code.names, "tuple"),
                CodeField::VarNames => (&mut code.varnames, "tuple"),
                CodeField::FreeVars => (&mut code.freevars, "tuple"),
                CodeField::CellVars => (&mut code.cellvars, "tuple"),
                CodeField::LocalsPlusNames => (&mut code.localsplusnames, "tuple"),
                CodeField::LocalsPlusKinds => (&mut code.localspluskinds, "bytes"),
                CodeField::Filename => (&mut code.filename, "str"),
                CodeField::Name => (&mut code.name, "str"),
                CodeField::QualName => (&mut code.qualname, "str"),
                CodeField::LineTable => (&mut code.linetable, "bytes"),
                _ => (&mut code.exceptiontable, "bytes"),
            };
            let ok = match expected {
                "bytes" => matches!(*obj, Object::Bytes(_)),
                // 1.0 wrote co_consts and co_names as lists.
                "tuple" => matches!(*obj, Object::Tuple(_) | Object::List(_)),
                _ => matches!(*obj, Object::Str(_) | Object::Bytes(_)),
            };
            if !ok {
                return Err(MarshalError::BadCodeField {
                    offset: at,
                    field: field_name(field),
                    expected,
                    found: obj.type_name(),
                });
            }
            *slot = Some(obj);
        }
        Ok(code)
    }
}

fn field_name(field: CodeField) -> &'static str {
    match field {
        CodeField::ArgCount => "co_argcount",
        CodeField::PosOnlyArgCount => "co_posonlyargcount",
        CodeField::KwOnlyArgCount => "co_kwonlyargcount",
        CodeField::NLocals => "co_nlocals",
        CodeField::StackSize => "co_stacksize",
        CodeField::Flags => "co_flags",
        CodeField::Code => "co_code",
        CodeField::Consts => "co_consts",
        CodeField::Names => "co_names",
        CodeField::VarNames => "co_varnames",
        CodeField::FreeVars => "co_freevars",
        CodeField::CellVars => "co_cellvars",
        CodeField::LocalsPlusNames => "co_localsplusnames",
        CodeField::LocalsPlusKinds => "co_localspluskinds",
        CodeField::Filename => "co_filename",
        CodeField::Name => "co_name",
        CodeField::QualName => "co_qualname",
        CodeField::FirstLineNo => "co_firstlineno",
        CodeField::LineTable => "co_linetable",
        CodeField::ExceptionTable => "co_exceptiontable",
    }
}

/// Parses a float as Python's `float()` writes/reads text floats in marshal
/// (`inf`, `-inf`, `nan` and ordinary decimal notation).
fn parse_python_float(text: &[u8]) -> Option<f64> {
    let s = std::str::from_utf8(text).ok()?.trim();
    match s.to_ascii_lowercase().as_str() {
        "inf" | "+inf" | "infinity" => Some(f64::INFINITY),
        "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
        "nan" | "+nan" => Some(f64::NAN),
        "-nan" => Some(-f64::NAN),
        _ => s.parse().ok(),
    }
}

/// Reads one object from raw marshal data written by `version`.
pub fn loads(data: &[u8], version: PyVersion) -> Result<Obj, MarshalError> {
    Reader::new(data, version, 0).read_object()
}
