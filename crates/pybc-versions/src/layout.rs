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
    } else {
        (V23, IntWidth::Long)
    }
}
