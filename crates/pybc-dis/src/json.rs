//! Machine-readable views of a listing: JSON (one document), JSON Lines
//! (one code object per line) and CSV (one row per instruction).
//!
//! The JSON shape is specified by `schema/pybc.schema.json` at the
//! repository root; its `schema` field names the version of that shape.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use pybc_model::{CodeObject, Object};

use crate::decode::{ArgValue, CacheField, Decoder, Dialect, ExceptionEntry, Instruction};
use crate::info::{pretty_flags, variable_lists};
use crate::linetable::Positions;
use crate::text::{CodeAddresses, TextOptions, TextPrinter};

/// Identifies the JSON shape; bumped on incompatible change.
pub const SCHEMA_ID: &str = "pybc/1";

/// One code object and its instructions.
#[derive(Serialize, Deserialize, Debug)]
#[serde(deny_unknown_fields)]
pub struct JsonCode {
    pub name: String,
    pub qualname: String,
    /// Qualified names from the module down to this code object.
    pub path: Vec<String>,
    pub filename: String,
    pub firstlineno: i64,
    pub argcount: u32,
    pub posonlyargcount: u32,
    pub kwonlyargcount: u32,
    pub nlocals: u32,
    pub stacksize: u32,
    pub flags: u32,
    pub flag_names: Vec<String>,
    pub names: Vec<String>,
    pub varnames: Vec<String>,
    pub cellvars: Vec<String>,
    pub freevars: Vec<String>,
    pub consts: Vec<Value>,
    /// `co_lines()`: `[start, end, line]` (line may be null).
    pub lines: Vec<(u32, u32, Option<i64>)>,
    pub exception_table: Vec<Value>,
    pub instructions: Vec<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub children: Option<Vec<JsonCode>>,
}

fn texts(list: &[pybc_model::Obj]) -> Vec<String> {
    list.iter()
        .map(|o| o.text().map(|t| t.into_owned()).unwrap_or_default())
        .collect()
}

/// A constant as a typed JSON value: `{"type", "repr", "value"?}`.
pub fn const_value(obj: &Object, repr: &dyn Fn(&Object) -> String) -> Value {
    serde_json::to_value(ConstJson { obj, repr }).unwrap_or(Value::Null)
}

/// [`const_value`], produced while it is serialized: only one `repr` (that
/// of the element being written) is in memory at a time.
pub struct ConstJson<'a> {
    pub obj: &'a Object<'a>,
    pub repr: &'a dyn Fn(&Object) -> String,
}

impl Serialize for ConstJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;

        let (obj, repr) = (self.obj, self.repr);
        let ty = match obj {
            Object::None => "None",
            Object::True | Object::False => "bool",
            Object::Ellipsis => "ellipsis",
            Object::StopIteration => "type",
            Object::Null => "NULL",
            Object::Int(_) => "int",
            Object::Float(_) => "float",
            Object::Complex { .. } => "complex",
            Object::Bytes(_) => "bytes",
            Object::Str(_) => "str",
            Object::Dict(_) => "dict",
            Object::Slice { .. } => "slice",
            Object::Code(_) => "code",
            Object::Tuple(_) | Object::List(_) | Object::Set(_) | Object::FrozenSet(_) => {
                obj.type_name()
            }
        };
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("type", ty)?;
        {
            let text = repr(obj);
            map.serialize_entry("repr", &text)?;
            if let Object::Float(f) = obj {
                if !f.is_finite() {
                    map.serialize_entry("value", &text)?;
                }
            }
        }
        match obj {
            Object::Ellipsis | Object::StopIteration | Object::Null => {}
            Object::None => map.serialize_entry("value", &())?,
            Object::True => map.serialize_entry("value", &true)?,
            Object::False => map.serialize_entry("value", &false)?,
            Object::Int(i) => match i.to_i64() {
                Some(v) => map.serialize_entry("value", &v)?,
                None => map.serialize_entry("value", &i.to_decimal())?,
            },
            Object::Float(f) if f.is_finite() => map.serialize_entry("value", f)?,
            Object::Float(_) => {}
            Object::Complex { real, imag } if real.is_finite() && imag.is_finite() => {
                map.serialize_entry("value", &[real, imag])?
            }
            Object::Complex { .. } => map.serialize_entry("value", &())?,
            Object::Bytes(b) => {
                let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
                map.serialize_entry("value", &hex)?
            }
            Object::Str(text) => map.serialize_entry("value", &text.to_string_lossy())?,
            Object::Tuple(items)
            | Object::List(items)
            | Object::Set(items)
            | Object::FrozenSet(items) => {
                map.serialize_entry("value", &Seq(&|| items.iter().map(|o| each(o, repr))))?
            }
            Object::Dict(pairs) => map.serialize_entry(
                "value",
                &Seq(&|| pairs.iter().map(|(k, v)| [each(k, repr), each(v, repr)])),
            )?,
            Object::Slice { start, stop, step } => map.serialize_entry(
                "value",
                &[each(start, repr), each(stop, repr), each(step, repr)],
            )?,
            Object::Code(c) => map.serialize_entry("value", &c.qualname())?,
        }
        map.end()
    }
}

fn each<'x>(obj: &'x Object, repr: &'x dyn Fn(&Object) -> String) -> ConstJson<'x> {
    ConstJson { obj, repr }
}

/// A JSON array of the items an iterator makes when it is serialized.
struct Seq<'f, I: Iterator>(&'f dyn Fn() -> I);

impl<I> Serialize for Seq<'_, I>
where
    I: Iterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq((self.0)())
    }
}

fn positions_value(p: &Positions) -> Value {
    json!({
        "lineno": p.lineno,
        "end_lineno": p.end_lineno,
        "col_offset": p.col_offset,
        "end_col_offset": p.end_col_offset,
    })
}

/// One instruction's JSON (borrowed, or made on the fly by a [`Decoder`]),
/// produced while it is serialized (its constant, if any, through
/// [`ConstJson`]).
struct InstructionJson<'a, I: std::borrow::Borrow<Instruction<'a>>> {
    i: I,
    repr: &'a dyn Fn(&Object) -> String,
}

impl<'a, I: std::borrow::Borrow<Instruction<'a>>> Serialize for InstructionJson<'a, I> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;

        let i: &Instruction = self.i.borrow();
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("offset", &i.offset)?;
        map.serialize_entry("start_offset", &i.start_offset)?;
        map.serialize_entry("opcode", &i.opcode)?;
        map.serialize_entry("opname", i.opname)?;
        map.serialize_entry("arg", &i.arg)?;
        match &i.argval {
            ArgValue::None => map.serialize_entry("argval", &())?,
            ArgValue::Int(v) => map.serialize_entry("argval", v)?,
            ArgValue::Const(o) => map.serialize_entry(
                "argval",
                &ConstJson {
                    obj: o,
                    repr: self.repr,
                },
            )?,
            ArgValue::Name(n) | ArgValue::Text(n) => map.serialize_entry("argval", n)?,
            ArgValue::NamePair(a, b) => map.serialize_entry("argval", &[a, b])?,
            ArgValue::Target(t) => map.serialize_entry("argval", t)?,
        }
        map.serialize_entry("argrepr", &i.argrepr)?;
        map.serialize_entry("line", &i.line_number)?;
        map.serialize_entry("starts_line", &i.starts_line)?;
        map.serialize_entry("label", &i.label)?;
        map.serialize_entry("jump_target", &i.jump_target)?;
        map.serialize_entry("positions", &positions_value(&i.positions))?;
        map.serialize_entry("cache_entries", &i.cache_entries)?;
        let cache: Vec<Value> = i
            .cache_info
            .iter()
            .map(|CacheField { name, size, value }| json!({"name": name, "size": size, "value": value.to_string()}))
            .collect();
        map.serialize_entry("cache", &cache)?;
        map.end()
    }
}

/// Builds the typed JSON view of `code` (and, if `nested`, of its
/// children): what [`CodeJsonStream`] writes, read back.
pub fn code_json(
    code: &CodeObject,
    dialect: Dialect,
    addresses: &CodeAddresses,
    parent_path: &[String],
    nested: bool,
) -> Result<JsonCode, serde_json::Error> {
    let stream = CodeJsonStream {
        code,
        dialect,
        addresses,
        parent_path: parent_path.to_vec(),
        nested,
    };
    serde_json::from_value(serde_json::to_value(&stream)?)
}

/// The fields of [`JsonCode`] that come before its instructions.
struct CodeHead {
    name: String,
    qualname: String,
    path: Vec<String>,
    filename: String,
    firstlineno: i64,
    nlocals: u32,
    flag_names: Vec<String>,
    names: Vec<String>,
    varnames: Vec<String>,
    cellvars: Vec<String>,
    freevars: Vec<String>,
}

impl CodeHead {
    fn new(code: &CodeObject, dialect: Dialect, parent_path: &[String]) -> CodeHead {
        let (varnames, cellvars, freevars) = variable_lists(code);
        let mut path = parent_path.to_vec();
        path.push(code.qualname());
        // dis.pretty_flags(0) is "0x0": no names.
        let flag_names = if code.flags == 0 {
            Vec::new()
        } else {
            pretty_flags(dialect.table, code.flags)
                .split(", ")
                .map(str::to_string)
                .collect()
        };
        CodeHead {
            name: code.name(),
            qualname: code.qualname(),
            path,
            filename: code.filename(),
            firstlineno: i64::from(code.firstlineno as i32),
            nlocals: if code.localsplusnames.is_some() {
                varnames.len() as u32
            } else {
                code.nlocals
            },
            flag_names,
            names: texts(code.names()),
            varnames: texts(&varnames),
            cellvars: texts(&cellvars),
            freevars: texts(&freevars),
        }
    }
}

fn exception_table_values(entries: &[ExceptionEntry]) -> Vec<Value> {
    entries
        .iter()
        .map(|e| json!({"start": e.start, "end": e.end, "target": e.target, "depth": e.depth, "lasti": e.lasti}))
        .collect()
}

/// The same JSON as [`code_json`], produced while it is serialized: only
/// the instructions of the code object being written are in memory, so a
/// module's JSON can be streamed whatever its size.
pub struct CodeJsonStream<'a> {
    pub code: &'a CodeObject<'a>,
    pub dialect: Dialect,
    pub addresses: &'a CodeAddresses,
    pub parent_path: Vec<String>,
    pub nested: bool,
}

impl Serialize for CodeJsonStream<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;

        let code = self.code;
        let printer = TextPrinter::new(self.dialect, TextOptions::default(), self.addresses);
        let repr = |o: &Object| printer.repr(o);
        let head = CodeHead::new(code, self.dialect, &self.parent_path);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("name", &head.name)?;
        map.serialize_entry("qualname", &head.qualname)?;
        map.serialize_entry("path", &head.path)?;
        map.serialize_entry("filename", &head.filename)?;
        map.serialize_entry("firstlineno", &head.firstlineno)?;
        map.serialize_entry("argcount", &code.argcount)?;
        map.serialize_entry("posonlyargcount", &code.posonlyargcount)?;
        map.serialize_entry("kwonlyargcount", &code.kwonlyargcount)?;
        map.serialize_entry("nlocals", &head.nlocals)?;
        map.serialize_entry("stacksize", &code.stacksize)?;
        map.serialize_entry("flags", &code.flags)?;
        map.serialize_entry("flag_names", &head.flag_names)?;
        map.serialize_entry("names", &head.names)?;
        map.serialize_entry("varnames", &head.varnames)?;
        map.serialize_entry("cellvars", &head.cellvars)?;
        map.serialize_entry("freevars", &head.freevars)?;
        map.serialize_entry(
            "consts",
            &Seq(&|| {
                code.consts().iter().map(|c| ConstJson {
                    obj: c,
                    repr: &repr,
                })
            }),
        )?;
        {
            // Instructions are made one at a time, as they are written.
            let decoder = Decoder::new(code, self.dialect);
            map.serialize_entry(
                "lines",
                &Seq(&|| decoder.lines().iter().map(|r| (r.start, r.end, r.line))),
            )?;
            map.serialize_entry(
                "exception_table",
                &exception_table_values(decoder.exception_entries()),
            )?;
            map.serialize_entry(
                "instructions",
                &InstructionsJson {
                    decoder: &decoder,
                    repr: &repr,
                },
            )?;
        }
        if self.nested {
            map.serialize_entry(
                "children",
                &ChildrenJson {
                    parent: self,
                    path: &head.path,
                },
            )?;
        }
        map.end()
    }
}

struct InstructionsJson<'a> {
    decoder: &'a Decoder<'a>,
    repr: &'a dyn Fn(&Object) -> String,
}

impl Serialize for InstructionsJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.decoder
                .instructions(self.repr)
                .map(|i| InstructionJson { i, repr: self.repr }),
        )
    }
}

struct ChildrenJson<'a> {
    parent: &'a CodeJsonStream<'a>,
    path: &'a [String],
}

impl Serialize for ChildrenJson<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let parent = self.parent;
        serializer.collect_seq(parent.code.consts().iter().filter_map(|c| match &**c {
            Object::Code(inner) if self.path.len() < crate::MAX_CODE_NESTING => {
                Some(CodeJsonStream {
                    code: inner,
                    dialect: parent.dialect,
                    addresses: parent.addresses,
                    parent_path: self.path.to_vec(),
                    nested: true,
                })
            }
            _ => None,
        }))
    }
}

/// Every code object of a tree, depth-first in `co_consts` order, with its
/// parent path (module first).
pub fn walk_codes<'a>(root: &'a CodeObject<'a>) -> Vec<(&'a CodeObject<'a>, Vec<String>)> {
    let mut out = Vec::new();
    let mut stack: Vec<(&CodeObject, Vec<String>)> = vec![(root, Vec::new())];
    while let Some((code, parents)) = stack.pop() {
        if parents.len() < crate::MAX_CODE_NESTING {
            let mut path = parents.clone();
            path.push(code.qualname());
            for c in code.consts().iter().rev() {
                if let Object::Code(inner) = &**c {
                    stack.push((inner, path.clone()));
                }
            }
        }
        out.push((code, parents));
    }
    out
}

/// One row per instruction, with a header row (RFC 4180 quoting).
pub fn write_csv<W: std::io::Write>(
    out: W,
    file: &str,
    root: &CodeObject,
    dialect: Dialect,
    header: bool,
) -> std::io::Result<()> {
    let addresses = CodeAddresses::new();
    let printer = TextPrinter::new(dialect, TextOptions::default(), &addresses);
    let repr = |o: &Object| printer.repr(o);
    let mut w = csv::Writer::from_writer(out);
    if header {
        w.write_record([
            "file",
            "version",
            "code",
            "code_line",
            "line",
            "offset",
            "start_offset",
            "opcode",
            "opname",
            "arg",
            "argrepr",
            "jump_target",
            "label",
        ])?;
    }
    let version = dialect.rules.version.to_string();
    for (code, _) in walk_codes(root) {
        let decoder = Decoder::new(code, dialect);
        let qualname = code.qualname();
        let first = (code.firstlineno as i32).to_string();
        let opt = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        for i in decoder.instructions(&repr) {
            w.write_record([
                file,
                &version,
                &qualname,
                &first,
                &opt(i.line_number),
                &i.offset.to_string(),
                &i.start_offset.to_string(),
                &i.opcode.to_string(),
                i.opname,
                &opt(i.arg),
                &i.argrepr,
                &opt(i.jump_target.map(i64::from)),
                &opt(i.label.map(i64::from)),
            ])?;
        }
    }
    w.flush()?;
    Ok(())
}
