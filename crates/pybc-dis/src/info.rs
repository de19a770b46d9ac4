//! `dis.code_info(code)`: the summary of a code object.

use std::fmt::Write;

use pybc_model::{local_kind, CodeObject, Obj, Object};
use pybc_versions::layout::{code_layout, CodeField};
use pybc_versions::opcodes::OpcodeTable;

/// `dis.pretty_flags(flags)`.
pub fn pretty_flags(table: &OpcodeTable, flags: u32) -> String {
    let mut names: Vec<String> = Vec::new();
    let mut rest = flags;
    for bit in 0..32 {
        let flag = 1u32 << bit;
        if rest & flag != 0 {
            match table.flag_names.iter().find(|(f, _)| *f == flag) {
                Some((_, name)) => names.push((*name).to_string()),
                None => names.push(format!("{flag:#x}")),
            }
            rest ^= flag;
            if rest == 0 {
                return names.join(", ");
            }
        }
    }
    // Python's for/else: only reached when no bit ended the loop (flags == 0).
    names.push(format!("{rest:#x}"));
    names.join(", ")
}

fn text(obj: &Obj) -> String {
    obj.text().map(|t| t.into_owned()).unwrap_or_default()
}

/// `co_varnames`, `co_cellvars` and `co_freevars` of any version.
pub fn variable_lists<'a>(code: &CodeObject<'a>) -> (Vec<Obj<'a>>, Vec<Obj<'a>>, Vec<Obj<'a>>) {
    if code.localsplusnames.is_some() {
        let kinds = code.localspluskinds();
        let pick = |mask: u8| -> Vec<Obj<'a>> {
            code.localsplus()
                .iter()
                .zip(kinds.iter().copied().chain(std::iter::repeat(0)))
                .filter(|(_, k)| k & mask != 0)
                .map(|(&n, _)| n)
                .collect()
        };
        (
            pick(local_kind::LOCAL),
            pick(local_kind::CELL),
            pick(local_kind::FREE),
        )
    } else {
        (
            code.varnames().to_vec(),
            code.cellvars().to_vec(),
            code.freevars().to_vec(),
        )
    }
}

/// The text `dis.code_info(code)` returns (no trailing newline).
pub fn code_info(
    code: &CodeObject,
    table: &OpcodeTable,
    repr: &dyn Fn(&Object) -> String,
) -> String {
    let (varnames, cellvars, freevars) = variable_lists(code);
    let nlocals = if code.localsplusnames.is_some() {
        varnames.len() as u32
    } else {
        code.nlocals
    };
    let mut out = String::new();
    let _ = writeln!(out, "Name:              {}", code.name());
    let _ = writeln!(out, "Filename:          {}", code.filename());
    let _ = writeln!(out, "Argument count:    {}", code.argcount as i32);
    // The line exists where code objects have the field (3.8+).
    let (fields, _) = code_layout(table.version);
    if fields.contains(&CodeField::PosOnlyArgCount) {
        let _ = writeln!(
            out,
            "Positional-only arguments: {}",
            code.posonlyargcount as i32
        );
    }
    let _ = writeln!(out, "Kw-only arguments: {}", code.kwonlyargcount as i32);
    let _ = writeln!(out, "Number of locals:  {}", nlocals as i32);
    let _ = writeln!(out, "Stack size:        {}", code.stacksize as i32);
    let _ = writeln!(
        out,
        "Flags:             {}",
        pretty_flags(table, code.flags)
    );
    if !code.consts().is_empty() {
        out.push_str("Constants:\n");
        for (i, c) in code.consts().iter().enumerate() {
            let _ = writeln!(out, "{i:4}: {}", repr(c));
        }
    }
    for (title, list) in [
        ("Names", code.names()),
        ("Variable names", &varnames[..]),
        ("Free variables", &freevars[..]),
        ("Cell variables", &cellvars[..]),
    ] {
        if !list.is_empty() {
            let _ = writeln!(out, "{title}:");
            for (i, n) in list.iter().enumerate() {
                let _ = writeln!(out, "{i:4}: {}", text(n));
            }
        }
    }
    out.pop();
    out
}
