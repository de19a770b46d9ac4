//! The version-neutral object model shared by every pybc crate.
//!
//! A `.pyc` holds a tree of marshalled objects whose root is usually a code
//! object. This crate holds that tree losslessly: every field of every
//! CPython version's code object is kept as read (object-valued fields stay
//! objects), so that printers can show them and a writer can emit them again.
//! Shared sub-objects (marshal references) are shared through [`Obj`].
//!
//! Objects live in an [`Arena`] and borrow their strings and bytes from the
//! input: loading a module allocates no object of its own and freeing it is
//! one reset of the arena (per-object allocations, reference counts and
//! frees were a quarter of a listing's time).

mod int;
mod string;

pub use int::PyInt;
pub use string::PyStr;

/// Where objects are allocated: a bump arena, freed (or reset for the
/// next module) all at once.
pub type Arena = bumpalo::Bump;

/// A shared handle on an object; marshal references make the tree a DAG.
pub type Obj<'a> = &'a Object<'a>;

/// One Python object as marshal can hold it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Object<'a> {
    /// marshal's NULL marker (ends dicts; never a value of its own).
    Null,
    None,
    False,
    True,
    StopIteration,
    Ellipsis,
    Int(PyInt<'a>),
    Float(f64),
    Complex {
        real: f64,
        imag: f64,
    },
    /// Python 3 `bytes`, Python 2 `str`.
    Bytes(&'a [u8]),
    /// Python 3 `str`, Python 2 `unicode`.
    Str(PyStr<'a>),
    Tuple(&'a [Obj<'a>]),
    List(&'a [Obj<'a>]),
    Dict(&'a [(Obj<'a>, Obj<'a>)]),
    Set(&'a [Obj<'a>]),
    FrozenSet(&'a [Obj<'a>]),
    Slice {
        start: Obj<'a>,
        stop: Obj<'a>,
        step: Obj<'a>,
    },
    Code(&'a CodeObject<'a>),
}

impl<'a> Object<'a> {
    /// The elements of a tuple, or an empty slice for anything else.
    pub fn tuple_items(&self) -> &'a [Obj<'a>] {
        match self {
            Object::Tuple(items) | Object::List(items) => items,
            _ => &[],
        }
    }

    /// The text of a `str` (Python 3) or `bytes`/`str` (Python 2) object, lossily.
    pub fn text(&self) -> Option<std::borrow::Cow<'a, str>> {
        match self {
            Object::Str(s) => Some(s.to_string_lossy()),
            Object::Bytes(b) => Some(String::from_utf8_lossy(b)),
            _ => None,
        }
    }

    /// Raw bytes of a bytes-like object (code strings, line tables).
    pub fn bytes(&self) -> Option<&'a [u8]> {
        match self {
            Object::Bytes(b) => Some(b),
            Object::Str(s) => Some(s.as_bytes()),
            _ => None,
        }
    }

    /// The name Python gives this object's type (used in error messages).
    pub fn type_name(&self) -> &'static str {
        match self {
            Object::Null => "NULL",
            Object::None => "NoneType",
            Object::False | Object::True => "bool",
            Object::StopIteration => "type",
            Object::Ellipsis => "ellipsis",
            Object::Int(_) => "int",
            Object::Float(_) => "float",
            Object::Complex { .. } => "complex",
            Object::Bytes(_) => "bytes",
            Object::Str(_) => "str",
            Object::Tuple(_) => "tuple",
            Object::List(_) => "list",
            Object::Dict(_) => "dict",
            Object::Set(_) => "set",
            Object::FrozenSet(_) => "frozenset",
            Object::Slice { .. } => "slice",
            Object::Code(_) => "code",
        }
    }
}

/// A code object, holding the union of the fields of all CPython versions.
///
/// Fields a version does not have are `None` (object fields) or 0 (integers).
/// Object-valued fields keep the object as read, so a tuple of names stays a
/// tuple object with its sharing intact.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CodeObject<'a> {
    pub argcount: u32,
    pub posonlyargcount: u32,
    pub kwonlyargcount: u32,
    pub nlocals: u32,
    pub stacksize: u32,
    pub flags: u32,
    pub code: Option<Obj<'a>>,
    pub consts: Option<Obj<'a>>,
    pub names: Option<Obj<'a>>,
    /// `co_varnames` (≤ 3.10).
    pub varnames: Option<Obj<'a>>,
    /// `co_freevars` (≤ 3.10).
    pub freevars: Option<Obj<'a>>,
    /// `co_cellvars` (≤ 3.10).
    pub cellvars: Option<Obj<'a>>,
    /// `co_localsplusnames` (3.11+).
    pub localsplusnames: Option<Obj<'a>>,
    /// `co_localspluskinds` (3.11+).
    pub localspluskinds: Option<Obj<'a>>,
    pub filename: Option<Obj<'a>>,
    pub name: Option<Obj<'a>>,
    /// `co_qualname` (3.11+).
    pub qualname: Option<Obj<'a>>,
    pub firstlineno: u32,
    /// `co_lnotab` (≤ 3.9) or `co_linetable` (3.10+).
    pub linetable: Option<Obj<'a>>,
    /// `co_exceptiontable` (3.11+).
    pub exceptiontable: Option<Obj<'a>>,
}

/// Bits of `co_localspluskinds` (3.11+).
pub mod local_kind {
    pub const ARG_VAR: u8 = 0x04;
    pub const ARG_KW: u8 = 0x08;
    pub const HIDDEN: u8 = 0x10;
    pub const LOCAL: u8 = 0x20;
    pub const CELL: u8 = 0x40;
    pub const FREE: u8 = 0x80;
}

impl<'a> CodeObject<'a> {
    fn items(field: &Option<Obj<'a>>) -> &'a [Obj<'a>] {
        field.map(Object::tuple_items).unwrap_or(&[])
    }

    /// The instruction bytes.
    pub fn code_bytes(&self) -> &'a [u8] {
        self.code.and_then(Object::bytes).unwrap_or(&[])
    }

    pub fn consts(&self) -> &'a [Obj<'a>] {
        Self::items(&self.consts)
    }

    pub fn names(&self) -> &'a [Obj<'a>] {
        Self::items(&self.names)
    }

    /// `co_varnames`, `co_cellvars` + `co_freevars` as separate lists, computed
    /// from `co_localsplusnames` on 3.11+.
    pub fn localsplus(&self) -> &'a [Obj<'a>] {
        Self::items(&self.localsplusnames)
    }

    pub fn localspluskinds(&self) -> &'a [u8] {
        self.localspluskinds.and_then(Object::bytes).unwrap_or(&[])
    }

    pub fn varnames(&self) -> &'a [Obj<'a>] {
        Self::items(&self.varnames)
    }

    pub fn cellvars(&self) -> &'a [Obj<'a>] {
        Self::items(&self.cellvars)
    }

    pub fn freevars(&self) -> &'a [Obj<'a>] {
        Self::items(&self.freevars)
    }

    pub fn linetable_bytes(&self) -> &'a [u8] {
        self.linetable.and_then(Object::bytes).unwrap_or(&[])
    }

    pub fn exceptiontable_bytes(&self) -> &'a [u8] {
        self.exceptiontable.and_then(Object::bytes).unwrap_or(&[])
    }

    fn text_of(field: &Option<Obj<'a>>) -> String {
        field
            .and_then(Object::text)
            .map(|t| t.into_owned())
            .unwrap_or_default()
    }

    pub fn name(&self) -> String {
        Self::text_of(&self.name)
    }

    pub fn qualname(&self) -> String {
        if self.qualname.is_some() {
            Self::text_of(&self.qualname)
        } else {
            self.name()
        }
    }

    pub fn filename(&self) -> String {
        Self::text_of(&self.filename)
    }
}

/// The containers and code objects of a tree that marshal references reach
/// more than once, by address. Everything else in a tree read from marshal
/// data has a single owner, so a walk that remembers what it has seen need
/// remember only these.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shared {
    /// Sorted, without duplicates.
    addresses: Vec<usize>,
}

impl Shared {
    /// The set of `objects` (duplicates allowed).
    pub fn new<'o>(objects: impl IntoIterator<Item = &'o Object<'o>>) -> Shared {
        let mut addresses: Vec<usize> = objects.into_iter().map(address).collect();
        addresses.sort_unstable();
        addresses.dedup();
        Shared { addresses }
    }

    /// Whether `obj` may be reached more than once.
    pub fn contains(&self, obj: &Object<'_>) -> bool {
        !self.addresses.is_empty() && self.addresses.binary_search(&address(obj)).is_ok()
    }

    pub fn is_empty(&self) -> bool {
        self.addresses.is_empty()
    }
}

fn address(obj: &Object<'_>) -> usize {
    std::ptr::from_ref(obj) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_objects_are_found_by_address() {
        let arena = Arena::new();
        let a: Obj = arena.alloc(Object::Tuple(&[]));
        let b: Obj = arena.alloc(Object::Tuple(&[]));
        let shared = Shared::new([a, a]);
        assert!(shared.contains(a));
        assert!(!shared.contains(b), "equal is not the same object");
        assert!(Shared::default().is_empty());
    }
}
