//! Which fields a marshalled code object has, in order, per version.

use crate::PyVersion;

/// One field of a marshalled code object.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum CodeField {
    ArgCount,
    PosOnlyArgCount,
    KwOnlyArgCount,
    NLocals,
    StackSize,
    Flags,
    Code,
    Consts,
    Names,
    VarNames,
    FreeVars,
    CellVars,
    LocalsPlusNames,
    LocalsPlusKinds,
    Filename,
    Name,
    QualName,
    FirstLineNo,
    LineTable,
    ExceptionTable,
}

/// Width of the integer fields of a code object.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum IntWidth {
    /// 16-bit (Python 1.x–2.2).
    Short,
    /// 32-bit (2.3+).
    Long,
}

use CodeField::*;

const V311: &[CodeField] = &[
    ArgCount,
    PosOnlyArgCount,
    KwOnlyArgCount,
    StackSize,
    Flags,
    Code,
    Consts,
    Names,
    LocalsPlusNames,
    LocalsPlusKinds,
    Filename,
    Name,
    QualName,
    FirstLineNo,
    LineTable,
    ExceptionTable,
];
const V38: &[CodeField] = &[
    ArgCount,
    PosOnlyArgCount,
    KwOnlyArgCount,
    NLocals,
    StackSize,
    Flags,
    Code,
    Consts,
    Names,
    VarNames,
    FreeVars,
    CellVars,
    Filename,
    Name,
    FirstLineNo,
    LineTable,
];
const V30: &[CodeField] = &[
    ArgCount,
    KwOnlyArgCount,
    NLocals,
    StackSize,
    Flags,
    Code,
    Consts,
    Names,
    VarNames,
    FreeVars,
    CellVars,
    Filename,
    Name,
    FirstLineNo,
    LineTable,
];
const V23: &[CodeField] = &[
    ArgCount,
    NLocals,
    StackSize,
    Flags,
    Code,
    Consts,
    Names,
    VarNames,
    FreeVars,
    CellVars,
    Filename,
    Name,
    FirstLineNo,
    LineTable,
];

/// 1.5 added the stack size, first line and `co_lnotab`.
const V15: &[CodeField] = &[
    ArgCount,
    NLocals,
    StackSize,
    Flags,
    Code,
    Consts,
    Names,
    VarNames,
    Filename,
    Name,
    FirstLineNo,
    LineTable,
];
/// 1.3 added the argument count, locals and flags.
const V13: &[CodeField] = &[
    ArgCount, NLocals, Flags, Code, Consts, Names, VarNames, Filename, Name,
];
/// 1.0–1.2: only the code, its constants and names.
const V10: &[CodeField] = &[Code, Consts, Names, Filename, Name];

/// The marshalled code-object layout of a version: its fields in order and
/// the width of its integer fields.
pub fn code_layout(version: PyVersion) -> (&'static [CodeField], IntWidth) {
    let v = |major, minor| version.at_least(major, minor);
    if v(3, 11) {
        (V311, IntWidth::Long)
    } else if v(3, 8) {
        (V38, IntWidth::Long)
    } else if v(3, 0) {
        (V30, IntWidth::Long)
    } else if v(2, 3) {
        (V23, IntWidth::Long)
    } else if v(2, 1) {
        // 2.1 added the free and cell variables; 2.3 widened the integers.
        (V23, IntWidth::Short)
    } else if v(1, 5) {
        (V15, IntWidth::Short)
    } else if v(1, 3) {
        (V13, IntWidth::Short)
    } else {
        (V10, IntWidth::Short)
    }
}

/// The layout written by the release with this magic number: 3.8's first
/// alphas (3400–3411) had no `co_posonlyargcount` yet.
pub fn code_layout_of(version: PyVersion, magic: Option<u16>) -> (&'static [CodeField], IntWidth) {
    match magic {
        Some(3400..=3411) if version == PyVersion::new(3, 8) => (V30, IntWidth::Long),
        _ => code_layout(version),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eras() {
        let l = |major, minor| code_layout(PyVersion::new(major, minor));
        assert_eq!(l(1, 0).0.len(), 5);
        assert_eq!(l(1, 4).1, IntWidth::Short);
        assert!(l(2, 1).0.contains(&FreeVars) && !l(2, 0).0.contains(&FreeVars));
        assert_eq!(l(2, 7).1, IntWidth::Long);
    }
}
