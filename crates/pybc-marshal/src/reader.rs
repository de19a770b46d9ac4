//! The marshal reader: bytes → [`Object`] tree.
//!
//! Untrusted input is the normal case here. Every read is bounds-checked,
//! nesting is limited like CPython's own reader, and no allocation is sized
//! by a length field beyond what the remaining bytes could hold.
//!
//! Objects are allocated in an [`Arena`] and borrow strings and bytes from
//! the data read.

use pybc_model::{Arena, CodeObject, Obj, Object, PyInt, PyStr, Shared};
use pybc_versions::layout::{code_layout_of, CodeField, IntWidth};
use pybc_versions::PyVersion;

use crate::error::MarshalError;

/// CPython's `MAX_MARSHAL_STACK_DEPTH`.
pub const MAX_DEPTH: usize = 2000;

const FLAG_REF: u8 = 0x80;

// One shared object each for NULL, None, False, True, StopIteration and
// Ellipsis: a one-byte object then costs a pointer, not an allocation
// (hostile data may hold millions).
static NULL: Object<'static> = Object::Null;
static NONE: Object<'static> = Object::None;
static FALSE: Object<'static> = Object::False;
static TRUE: Object<'static> = Object::True;
static STOP_ITERATION: Object<'static> = Object::StopIteration;
static ELLIPSIS: Object<'static> = Object::Ellipsis;

/// A tree read from marshal data: its root, and what in it is reached
/// more than once.
#[derive(Clone, Debug)]
pub struct Loaded<'a> {
    pub root: Obj<'a>,
    pub shared: Shared,
}

/// Reads one marshalled object tree.
pub struct Reader<'a> {
    data: &'a [u8],
    arena: &'a Arena,
    pos: usize,
    /// Added to positions in error messages (e.g. the `.pyc` header size).
    base: usize,
    version: PyVersion,
    /// Objects flagged for reference; `None` while still being built.
    refs: Vec<Option<Obj<'a>>>,
    /// Python 2's interned-string table (`TYPE_STRINGREF`).
    interned: Vec<Obj<'a>>,
    /// Containers and code objects reached again through a reference.
    shared: Vec<Obj<'a>>,
    /// The items of the containers being read, innermost last (copied
    /// into the arena once each container is complete).
    items: Vec<Obj<'a>>,
    pairs: Vec<(Obj<'a>, Obj<'a>)>,
    depth: usize,
    /// The `.pyc` magic number, when known: a few pre-releases lay code
    /// objects out unlike their final release.
    magic: Option<u16>,
}

impl<'a> Reader<'a> {
    /// A reader for data written by `version`, allocating in `arena`;
    /// `base` is the offset of `data` within its file, for error messages.
    pub fn new(data: &'a [u8], version: PyVersion, base: usize, arena: &'a Arena) -> Reader<'a> {
        Reader {
            data,
            arena,
            pos: 0,
            base,
            version,
            refs: Vec::new(),
            interned: Vec::new(),
            shared: Vec::new(),
            items: Vec::new(),
            pairs: Vec::new(),
            depth: 0,
            magic: None,
        }
    }

    /// Reads the whole tree: its root, and what in it is shared.
    pub fn read_tree(mut self) -> Result<Loaded<'a>, MarshalError> {
        let root = self.read_object()?;
        Ok(Loaded {
            root,
            shared: Shared::new(self.shared),
        })
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
    pub fn read_object(&mut self) -> Result<Obj<'a>, MarshalError> {
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
    fn read_value(&mut self) -> Result<Obj<'a>, MarshalError> {
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

    fn fill(&mut self, slot: Option<usize>, obj: Obj<'a>) -> Obj<'a> {
        if let Some(slot) = slot.and_then(|i| self.refs.get_mut(i)) {
            *slot = Some(obj);
        }
        obj
    }

    fn read_object_inner(&mut self, at: usize) -> Result<Obj<'a>, MarshalError> {
        let code = self.u8("an object type code")?;
        let flagged = code & FLAG_REF != 0;
        let ty = code & !FLAG_REF;
        let slot = self.reserve(flagged);
        let obj = match ty {
            b'0' => return Ok(self.fill(slot, &NULL)),
            b'N' => return Ok(self.fill(slot, &NONE)),
            b'F' => return Ok(self.fill(slot, &FALSE)),
            b'T' => return Ok(self.fill(slot, &TRUE)),
            b'S' => return Ok(self.fill(slot, &STOP_ITERATION)),
            b'.' => return Ok(self.fill(slot, &ELLIPSIS)),
            b'i' => Object::Int(PyInt::Small(i64::from(self.i32("an int")?))),
            b'I' => {
                let bytes: [u8; 8] = self.array("a 64-bit int")?;
                Object::Int(PyInt::Small(i64::from_le_bytes(bytes)))
            }
            b'l' => Object::Int(self.read_long()?),
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
                Object::Bytes(self.take(n, "bytes")?)
            }
            b't' => {
                let n = self.length("a string length", 1)?;
                let data = self.take(n, "a string")?;
                if self.version.major < 3 {
                    // Python 2: an interned byte string, remembered for 'R'.
                    let obj: Obj<'a> = self.arena.alloc(Object::Bytes(data));
                    self.interned.push(obj);
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
                    .copied();
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
                let base = self.pairs.len();
                loop {
                    let key = self.read_object()?;
                    if matches!(*key, Object::Null) {
                        break;
                    }
                    let value = self.read_value()?;
                    self.pairs.push((key, value));
                }
                let pairs = self
                    .arena
                    .alloc_slice_copy(self.pairs.get(base..).unwrap_or_default());
                self.pairs.truncate(base);
                Object::Dict(pairs)
            }
            b':' => {
                let start = self.read_value()?;
                let stop = self.read_value()?;
                let step = self.read_value()?;
                Object::Slice { start, stop, step }
            }
            // 'C' is the code type of 1.0–1.2 (same fields as their 'c').
            b'c' | b'C' => Object::Code(self.arena.alloc(self.read_code()?)),
            b'r' => {
                let index_at = self.offset();
                let index = self.i32("a reference index")?;
                let entry = usize::try_from(index).ok().and_then(|i| self.refs.get(i));
                return match entry {
                    Some(&Some(obj)) => Ok(self.reached_again(obj)),
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
        let obj: Obj<'a> = self.arena.alloc(obj);
        Ok(self.fill(slot, obj))
    }

    /// The next item, when it is of the kinds most items of a module's
    /// tuples (of names, mostly) and code objects are: a plain reference
    /// to a finished object other than NULL, a short string, or bytes.
    /// They are read here, without a call; `None` leaves everything else,
    /// errors included, to [`Reader::read_value`] (nothing is consumed
    /// then).
    #[inline(always)]
    fn common_item(&mut self) -> Option<Obj<'a>> {
        if self.depth >= MAX_DEPTH {
            return None;
        }
        let code = *self.data.get(self.pos)?;
        match code & !FLAG_REF {
            b'r' => self.reference(),
            b's' => {
                // A code object's instructions and tables.
                let flagged = code & FLAG_REF != 0;
                let &[_, a, b, c, d] = self.data.get(self.pos..self.pos.checked_add(5)?)? else {
                    return None;
                };
                let n = usize::try_from(i32::from_le_bytes([a, b, c, d])).ok()?;
                let start = self.pos + 5;
                let bytes = self.data.get(start..start.checked_add(n)?)?;
                let slot = self.reserve(flagged);
                let obj: Obj<'a> = self.arena.alloc(Object::Bytes(bytes));
                self.pos = start + n;
                Some(self.fill(slot, obj))
            }
            ty @ (b'z' | b'Z') => {
                let flagged = code & FLAG_REF != 0;
                let n = usize::from(*self.data.get(self.pos + 1)?);
                let text = self.data.get(self.pos + 2..self.pos + 2 + n)?;
                let slot = self.reserve(flagged);
                let obj: Obj<'a> = self.arena.alloc(Object::Str(PyStr::new(text, ty == b'Z')));
                self.pos += 2 + n;
                Some(self.fill(slot, obj))
            }
            _ => None,
        }
    }

    /// [`Reader::common_item`]'s plain reference.
    #[inline(always)]
    fn reference(&mut self) -> Option<Obj<'a>> {
        let &[b'r', a, b, c, d] = self.data.get(self.pos..self.pos.checked_add(5)?)? else {
            return None;
        };
        let index = usize::try_from(i32::from_le_bytes([a, b, c, d])).ok()?;
        let obj = (*self.refs.get(index)?)?;
        if matches!(obj, Object::Null) {
            return None;
        }
        self.pos += 5;
        Some(self.reached_again(obj))
    }

    /// `obj`, met again through a reference: remembered as shared when
    /// that can make the tree larger.
    fn reached_again(&mut self, obj: Obj<'a>) -> Obj<'a> {
        if holds_objects(obj) {
            self.shared.push(obj);
        }
        obj
    }

    fn read_items(&mut self, n: usize) -> Result<&'a [Obj<'a>], MarshalError> {
        // Each item takes at least one byte, so the stack grows no more
        // than the input is long.
        let base = self.items.len();
        for _ in 0..n {
            let item = match self.common_item() {
                Some(item) => item,
                None => self.read_value()?,
            };
            self.items.push(item);
        }
        let items = self
            .arena
            .alloc_slice_copy(self.items.get(base..).unwrap_or_default());
        self.items.truncate(base);
        Ok(items)
    }

    fn read_long(&mut self) -> Result<PyInt<'a>, MarshalError> {
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
        Ok(if self.version.major < 3 {
            PyInt::long_from_digits15(negative, &digits, self.arena)
        } else {
            PyInt::from_digits15(negative, &digits, self.arena)
        })
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

    fn read_code(&mut self) -> Result<CodeObject<'a>, MarshalError> {
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
            // Names are mostly references and short strings: read here.
            let obj = match self.common_item() {
                Some(obj) => obj,
                None => self.read_value()?,
            };
            let (slot, expected): (&mut Option<Obj<'a>>, Expected) = match field {
                CodeField::Code => (&mut code.code, Expected::Bytes),
                CodeField::Consts => (&mut code.consts, Expected::Tuple),
                CodeField::Names => (&mut code.names, Expected::Tuple),
                CodeField::VarNames => (&mut code.varnames, Expected::Tuple),
                CodeField::FreeVars => (&mut code.freevars, Expected::Tuple),
                CodeField::CellVars => (&mut code.cellvars, Expected::Tuple),
                CodeField::LocalsPlusNames => (&mut code.localsplusnames, Expected::Tuple),
                CodeField::LocalsPlusKinds => (&mut code.localspluskinds, Expected::Bytes),
                CodeField::Filename => (&mut code.filename, Expected::Text),
                CodeField::Name => (&mut code.name, Expected::Text),
                CodeField::QualName => (&mut code.qualname, Expected::Text),
                CodeField::LineTable => (&mut code.linetable, Expected::Bytes),
                _ => (&mut code.exceptiontable, Expected::Bytes),
            };
            let ok = match expected {
                Expected::Bytes => matches!(*obj, Object::Bytes(_)),
                // 1.0 wrote co_consts and co_names as lists.
                Expected::Tuple => matches!(*obj, Object::Tuple(_) | Object::List(_)),
                Expected::Text => matches!(*obj, Object::Str(_) | Object::Bytes(_)),
            };
            if !ok {
                return Err(MarshalError::BadCodeField {
                    offset: at,
                    field: field_name(field),
                    expected: expected.name(),
                    found: obj.type_name(),
                });
            }
            *slot = Some(obj);
        }
        Ok(code)
    }
}

/// What a code object's field must hold.
#[derive(Copy, Clone)]
enum Expected {
    Bytes,
    Tuple,
    /// `str` (or `bytes`, as Python 2 wrote names).
    Text,
}

impl Expected {
    fn name(self) -> &'static str {
        match self {
            Expected::Bytes => "bytes",
            Expected::Tuple => "tuple",
            Expected::Text => "str",
        }
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

/// Whether `obj` holds other objects: only such objects make a tree larger
/// by being reached twice (empty tuples, shared everywhere, do not).
fn holds_objects(obj: &Object<'_>) -> bool {
    match obj {
        Object::Tuple(items)
        | Object::List(items)
        | Object::Set(items)
        | Object::FrozenSet(items) => !items.is_empty(),
        Object::Dict(pairs) => !pairs.is_empty(),
        Object::Slice { .. } | Object::Code(_) => true,
        _ => false,
    }
}

/// Reads one object tree from raw marshal data written by `version`,
/// allocating in `arena`.
pub fn loads<'a>(
    data: &'a [u8],
    version: PyVersion,
    arena: &'a Arena,
) -> Result<Loaded<'a>, MarshalError> {
    Reader::new(data, version, 0, arena).read_tree()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    fn load<'a>(data: &'a [u8], arena: &'a Arena) -> Loaded<'a> {
        loads(data, PyVersion::new(3, 13), arena).unwrap()
    }

    #[test]
    fn strings_and_bytes_are_borrowed_from_the_input() {
        let arena = Arena::new();
        let data = b")\x02z\x03abcs\x02\x00\x00\x00xy";
        let root = load(data, &arena).root;
        let [Object::Str(s), Object::Bytes(b)] = root.tuple_items() else {
            panic!("{root:?}");
        };
        assert_eq!(s.as_str(), Some("abc"));
        assert!(std::ptr::eq(s.as_bytes(), &data[4..7]));
        assert!(std::ptr::eq(*b, &data[12..14]));
    }

    #[test]
    fn items_read_without_a_call_are_those_read_with_one() {
        let arena = Arena::new();
        // (Z "ab" flagged, r 0, z "c", r 0 flagged): the last is read the
        // long way; all four as the long way reads them.
        let data = b")\x04\xda\x02abr\x00\x00\x00\x00z\x01c\xf2\x00\x00\x00\x00";
        let root = load(data, &arena).root;
        let items = root.tuple_items();
        let [Object::Str(ab), _, Object::Str(c), _] = items else {
            panic!("{root:?}");
        };
        assert_eq!((ab.as_str(), ab.interned), (Some("ab"), true));
        assert_eq!((c.as_str(), c.interned), (Some("c"), false));
        assert!(std::ptr::eq(items[0], items[1]));
        assert!(std::ptr::eq(items[0], items[3]));
        // Cut anywhere, the error is the long way's.
        for cut in 2..data.len() {
            let error = loads(&data[..cut], PyVersion::new(3, 13), &arena).unwrap_err();
            assert!(
                matches!(error, MarshalError::Truncated { .. }),
                "{cut}: {error}"
            );
        }
        // A reference to an object still being read, or to NULL.
        let error = loads(b"\xa9\x01r\x00\x00\x00\x00", PyVersion::new(3, 13), &arena);
        assert!(matches!(
            error,
            Err(MarshalError::IncompleteReference {
                offset: 3,
                index: 0
            })
        ));
        // (A dict ended by a flagged NULL, then a reference to that NULL.)
        let data = b")\x02{\xb0)\x01r\x00\x00\x00\x00";
        let error = loads(data, PyVersion::new(3, 13), &arena);
        assert!(
            matches!(error, Err(MarshalError::UnexpectedNull { .. })),
            "{error:?}"
        );
    }

    #[test]
    fn shared_holds_containers_reached_again() {
        let arena = Arena::new();
        // (t, t, s, s, e, e): t a flagged tuple, s a flagged string, e a
        // flagged empty tuple, each referenced once more.
        let data =
            b")\x06\xa9\x01N r\x00\x00\x00\x00\xfa\x01sr\x01\x00\x00\x00\xa9\x00r\x02\x00\x00\x00";
        let data: Vec<u8> = data.iter().copied().filter(|&b| b != b' ').collect();
        let loaded = load(&data, &arena);
        let items = loaded.root.tuple_items();
        assert_eq!(items.len(), 6);
        assert!(std::ptr::eq(items[0], items[1]));
        assert!(loaded.shared.contains(items[0]));
        assert!(!loaded.shared.contains(items[2]), "strings hold nothing");
        assert!(!loaded.shared.contains(items[4]), "nor do empty tuples");
        assert!(!loaded.shared.contains(loaded.root));
    }
}
