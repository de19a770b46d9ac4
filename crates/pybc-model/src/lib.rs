//! The version-neutral object model shared by every pybc crate.
//!
//! A `.pyc` holds a tree of marshalled objects whose root is usually a code
//! object. This crate holds that tree losslessly: every field of every
//! CPython version's code object is kept as read (object-valued fields stay
//! objects), so that printers can show them and a writer can emit them again.
//! Shared sub-objects (marshal references) are shared through [`Obj`].

mod int;
mod string;

pub use int::PyInt;
pub use string::PyStr;

/// A shared handle on an object; marshal references make the tree a DAG.
pub type Obj = triomphe::Arc<Object>;

/// One Python object as marshal can hold it.
#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    /// marshal's NULL marker (ends dicts; never a value of its own).
    Null,
    None,
    False,
    True,
    StopIteration,
    Ellipsis,
    Int(PyInt),
    Float(f64),
    Complex {
        real: f64,
        imag: f64,
    },
    /// Python 3 `bytes`, Python 2 `str`.
    Bytes(Box<[u8]>),
    /// Python 3 `str`, Python 2 `unicode`.
    Str(PyStr),
    Tuple(Vec<Obj>),
    List(Vec<Obj>),
    Dict(Vec<(Obj, Obj)>),
    Set(Vec<Obj>),
    FrozenSet(Vec<Obj>),
    Slice {
        start: Obj,
        stop: Obj,
        step: Obj,
    },
    Code(Box<CodeObject>),
}

impl Object {
    /// The elements of a tuple, or an empty slice for anything else.
    pub fn tuple_items(&self) -> &[Obj] {
        match self {
            Object::Tuple(items) | Object::List(items) => items,
            _ => &[],
        }
    }

    /// The text of a `str` (Python 3) or `bytes`/`str` (Python 2) object, lossily.
    pub fn text(&self) -> Option<std::borrow::Cow<'_, str>> {
        match self {
            Object::Str(s) => Some(s.to_string_lossy()),
            Object::Bytes(b) => Some(String::from_utf8_lossy(b)),
            _ => None,
        }
    }

    /// Raw bytes of a bytes-like object (code strings, line tables).
    pub fn bytes(&self) -> Option<&[u8]> {
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
pub struct CodeObject {
    pub argcount: u32,
    pub posonlyargcount: u32,
    pub kwonlyargcount: u32,
    pub nlocals: u32,
    pub stacksize: u32,
    pub flags: u32,
    pub code: Option<Obj>,
    pub consts: Option<Obj>,
    pub names: Option<Obj>,
    /// `co_varnames` (≤ 3.10).
    pub varnames: Option<Obj>,
    /// `co_freevars` (≤ 3.10).
    pub freevars: Option<Obj>,
    /// `co_cellvars` (≤ 3.10).
    pub cellvars: Option<Obj>,
    /// `co_localsplusnames` (3.11+).
    pub localsplusnames: Option<Obj>,
    /// `co_localspluskinds` (3.11+).
    pub localspluskinds: Option<Obj>,
    pub filename: Option<Obj>,
    pub name: Option<Obj>,
    /// `co_qualname` (3.11+).
    pub qualname: Option<Obj>,
    pub firstlineno: u32,
    /// `co_lnotab` (≤ 3.9) or `co_linetable` (3.10+).
    pub linetable: Option<Obj>,
    /// `co_exceptiontable` (3.11+).
    pub exceptiontable: Option<Obj>,
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

impl CodeObject {
    fn items(field: &Option<Obj>) -> &[Obj] {
        field.as_deref().map(Object::tuple_items).unwrap_or(&[])
    }

    /// The instruction bytes.
    pub fn code_bytes(&self) -> &[u8] {
        self.code.as_deref().and_then(Object::bytes).unwrap_or(&[])
    }

    pub fn consts(&self) -> &[Obj] {
        Self::items(&self.consts)
    }

    pub fn names(&self) -> &[Obj] {
        Self::items(&self.names)
    }

    /// `co_varnames`, `co_cellvars` + `co_freevars` as separate lists, computed
    /// from `co_localsplusnames` on 3.11+.
    pub fn localsplus(&self) -> &[Obj] {
        Self::items(&self.localsplusnames)
    }

    pub fn localspluskinds(&self) -> &[u8] {
        self.localspluskinds
            .as_deref()
            .and_then(Object::bytes)
            .unwrap_or(&[])
    }

    pub fn varnames(&self) -> &[Obj] {
        Self::items(&self.varnames)
    }

    pub fn cellvars(&self) -> &[Obj] {
        Self::items(&self.cellvars)
    }

    pub fn freevars(&self) -> &[Obj] {
        Self::items(&self.freevars)
    }

    pub fn linetable_bytes(&self) -> &[u8] {
        self.linetable
            .as_deref()
            .and_then(Object::bytes)
            .unwrap_or(&[])
    }

    pub fn exceptiontable_bytes(&self) -> &[u8] {
        self.exceptiontable
            .as_deref()
            .and_then(Object::bytes)
            .unwrap_or(&[])
    }

    fn text_of(field: &Option<Obj>) -> String {
        field
            .as_deref()
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
