//! Machine-readable views of a listing: JSON (one document), JSON Lines
//! (one code object per line) and CSV (one row per instruction).
//!
//! The JSON shape is specified by `schema/pybc.schema.json` at the
//! repository root; its `schema` field names the version of that shape.

use serde::Serialize;
use serde_json::{json, Value};

use pybc_model::{CodeObject, Object};

use crate::decode::{decode, ArgValue, CacheField, Decoder, Dialect, ExceptionEntry, Instruction};
use crate::info::{pretty_flags, variable_lists};
use crate::linetable::{co_lines, Positions};
use crate::text::{CodeAddresses, TextOptions, TextPrinter};

/// Identifies the JSON shape; bumped on incompatible change.
pub const SCHEMA_ID: &str = "pybc/1";

/// One code object and its instructions.
#[derive(Serialize, Debug)]
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
    let r = repr(obj);
    let (ty, value) = match obj {
        Object::None => ("None", Some(Value::Null)),
        Object::True => ("bool", Some(Value::Bool(true))),
        Object::False => ("bool", Some(Value::Bool(false))),
        Object::Ellipsis => ("ellipsis", None),
        Object::StopIteration => ("type", None),
        Object::Null => ("NULL", None),
        Object::Int(i) => (
            "int",
            Some(match i.to_i64() {
                Some(v) => json!(v),
                None => json!(i.to_decimal()),
            }),
        ),
        Object::Float(f) => (
            "float",
            Some(if f.is_finite() { json!(f) } else { json!(r) }),
        ),
        Object::Complex { real, imag } => (
            "complex",
            Some(if real.is_finite() && imag.is_finite() {
                json!([real, imag])
            } else {
                Value::Null
            }),
        ),
        Object::Bytes(b) => (
            "bytes",
            Some(json!(b
                .iter()
                .map(|x| format!("{x:02x}"))
                .collect::<String>())),
        ),
        Object::Str(s) => ("str", Some(json!(s.to_string_lossy()))),
        Object::Tuple(items)
        | Object::List(items)
        | Object::Set(items)
        | Object::FrozenSet(items) => (
            obj.type_name(),
            Some(Value::Array(
                items.iter().map(|o| const_value(o, repr)).collect(),
            )),
        ),
        Object::Dict(pairs) => (
            "dict",
            Some(Value::Array(
                pairs
                    .iter()
                    .map(|(k, v)| json!([const_value(k, repr), const_value(v, repr)]))
                    .collect(),
            )),
        ),
        Object::Slice { start, stop, step } => (
            "slice",
            Some(json!([
                const_value(start, repr),
                const_value(stop, repr),
                const_value(step, repr)
            ])),
        ),
        Object::Code(c) => ("code", Some(json!(c.qualname()))),
    };
    let mut out = json!({"type": ty, "repr": r});
    if let (Some(v), Some(map)) = (value, out.as_object_mut()) {
        map.insert("value".into(), v);
    }
    out
}

fn positions_value(p: &Positions) -> Value {
    json!({
        "lineno": p.lineno,
        "end_lineno": p.end_lineno,
        "col_offset": p.col_offset,
        "end_col_offset": p.end_col_offset,
    })
}

fn instruction_value(i: &Instruction, repr: &dyn Fn(&Object) -> String) -> Value {
    let argval = match &i.argval {
        ArgValue::None => Value::Null,
        ArgValue::Int(v) => json!(v),
        ArgValue::Const(o) => const_value(o, repr),
        ArgValue::Name(n) | ArgValue::Text(n) => json!(n),
        ArgValue::NamePair(a, b) => json!([a, b]),
        ArgValue::Target(t) => json!(t),
    };
    let cache: Vec<Value> = i
        .cache_info
        .iter()
        .map(|CacheField { name, size, value }| json!({"name": name, "size": size, "value": value.to_string()}))
        .collect();
    json!({
        "offset": i.offset,
        "start_offset": i.start_offset,
        "opcode": i.opcode,
        "opname": i.opname,
        "arg": i.arg,
        "argval": argval,
        "argrepr": i.argrepr,
        "line": i.line_number,
        "starts_line": i.starts_line,
        "label": i.label,
        "jump_target": i.jump_target,
        "positions": positions_value(&i.positions),
        "cache_entries": i.cache_entries,
        "cache": cache,
    })
}

/// Builds the JSON view of `code` (and, if `nested`, of its children).
pub fn code_json(
    code: &CodeObject,
    dialect: Dialect,
    addresses: &CodeAddresses,
    parent_path: &[String],
    nested: bool,
) -> JsonCode {
    let printer = TextPrinter::new(dialect, TextOptions::default(), addresses);
    let repr = |o: &Object| printer.repr(o);
    let listing = decode(code, dialect, &repr);
    let head = CodeHead::new(code, dialect, parent_path, &repr);
    let path = head.path.clone();
    let children = nested.then(|| {
        code.consts()
            .iter()
            .filter_map(|c| match &**c {
                Object::Code(inner) if path.len() < crate::MAX_CODE_NESTING => {
                    Some(code_json(inner, dialect, addresses, &path, true))
                }
                _ => None,
            })
            .collect()
    });
    JsonCode {
        name: head.name,
        qualname: head.qualname,
        path: head.path,
        filename: head.filename,
        firstlineno: head.firstlineno,
        argcount: code.argcount,
        posonlyargcount: code.posonlyargcount,
        kwonlyargcount: code.kwonlyargcount,
        nlocals: head.nlocals,
        stacksize: code.stacksize,
        flags: code.flags,
        flag_names: head.flag_names,
        names: head.names,
        varnames: head.varnames,
        cellvars: head.cellvars,
        freevars: head.freevars,
        consts: head.consts,
        lines: head.lines,
        exception_table: exception_table_values(&listing.exception_entries),
        instructions: listing
            .instructions
            .iter()
            .map(|i| instruction_value(i, &repr))
            .collect(),
        children,
    }
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
    consts: Vec<Value>,
    lines: Vec<(u32, u32, Option<i64>)>,
}

impl CodeHead {
    fn new(
        code: &CodeObject,
        dialect: Dialect,
        parent_path: &[String],
        repr: &dyn Fn(&Object) -> String,
    ) -> CodeHead {
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
            consts: code.consts().iter().map(|c| const_value(c, repr)).collect(),
            lines: co_lines(code, dialect.rules.line_table)
                .iter()
                .map(|r| (r.start, r.end, r.line))
                .collect(),
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
    pub code: &'a CodeObject,
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
        let head = CodeHead::new(code, self.dialect, &self.parent_path, &repr);
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
        map.serialize_entry("consts", &head.consts)?;
        map.serialize_entry("lines", &head.lines)?;
        {
            // Instructions are made one at a time, as they are written.
            let decoder = Decoder::new(code, self.dialect);
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
                .map(|i| instruction_value(&i, self.repr)),
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
pub fn walk_codes(root: &CodeObject) -> Vec<(&CodeObject, Vec<String>)> {
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
