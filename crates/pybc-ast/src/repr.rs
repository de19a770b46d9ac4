//! `repr()` of AST constants, delegated to `pybc-repr` (which reproduces
//! each CPython version's `repr` exactly, printable-character tables
//! included) through the shared object model.

use pybc_model::Object;
use pybc_versions::PyVersion;

use crate::ast::{Constant, PyInt, PyStr};
use crate::Target;

fn version(target: Target) -> PyVersion {
    PyVersion::new(target.major, target.minor)
}

/// Encodes code points as UTF-8, lone surrogates included ("surrogatepass"),
/// the form `pybc_model::PyStr` holds.
fn surrogatepass(s: &PyStr) -> std::borrow::Cow<'_, [u8]> {
    match s {
        PyStr::Utf8(t) => std::borrow::Cow::Borrowed(t.as_bytes()),
        PyStr::CodePoints(cps) => {
            let mut out = Vec::with_capacity(cps.len());
            for &cp in cps {
                match cp {
                    0..=0x7F => out.push(cp as u8),
                    0x80..=0x7FF => {
                        out.push(0xC0 | (cp >> 6) as u8);
                        out.push(0x80 | (cp & 0x3F) as u8);
                    }
                    0x800..=0xFFFF => {
                        out.push(0xE0 | (cp >> 12) as u8);
                        out.push(0x80 | ((cp >> 6) & 0x3F) as u8);
                        out.push(0x80 | (cp & 0x3F) as u8);
                    }
                    _ => {
                        out.push(0xF0 | ((cp >> 18) & 0x07) as u8);
                        out.push(0x80 | ((cp >> 12) & 0x3F) as u8);
                        out.push(0x80 | ((cp >> 6) & 0x3F) as u8);
                        out.push(0x80 | (cp & 0x3F) as u8);
                    }
                }
            }
            std::borrow::Cow::Owned(out)
        }
    }
}

fn model_int(v: &PyInt) -> pybc_model::PyInt<'_> {
    match v {
        PyInt::Small(i) => pybc_model::PyInt::Small(*i),
        PyInt::Big(limbs) => pybc_model::PyInt::from_limbs(false, limbs),
    }
}

/// `c` as a marshal object; `text` holds a string's bytes while it is used.
fn to_object<'a>(c: &'a Constant, text: &'a mut std::borrow::Cow<'a, [u8]>) -> Object<'a> {
    match c {
        Constant::None => Object::None,
        Constant::Bool(true) => Object::True,
        Constant::Bool(false) => Object::False,
        Constant::Ellipsis => Object::Ellipsis,
        Constant::Int(v) => Object::Int(model_int(v)),
        Constant::Float(f) => Object::Float(*f),
        Constant::Complex { real, imag } => Object::Complex {
            real: *real,
            imag: *imag,
        },
        Constant::Str(s) => {
            *text = surrogatepass(s);
            Object::Str(pybc_model::PyStr::new(text, false))
        }
        Constant::Bytes(b) => Object::Bytes(b),
    }
}

/// `repr()` of a constant value as the target version prints it.
pub fn repr_constant(c: &Constant, target: Target) -> String {
    let mut text = std::borrow::Cow::Borrowed(&[][..]);
    pybc_repr::repr(&to_object(c, &mut text), version(target), &|_| 0)
}

/// `repr(str)` as the target version prints it.
pub fn repr_text(s: &str, target: Target) -> String {
    pybc_repr::repr(
        &Object::Str(pybc_model::PyStr::from_text(s)),
        version(target),
        &|_| 0,
    )
}

/// `str.isprintable()` of one character in the target version.
pub fn is_printable(c: char, target: Target) -> bool {
    let r = repr_text(c.encode_utf8(&mut [0; 4]), target);
    // A printable character is written as itself between quotes.
    r.chars().nth(1) == Some(c) && r.chars().count() == 3
}

/// Decimal digits of an int literal value.
pub fn repr_int(v: &PyInt) -> String {
    pybc_repr::repr(&Object::Int(model_int(v)), version(Target::PY313), &|_| 0)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn constants() {
        let t = Target::PY313;
        assert_eq!(repr_constant(&Constant::Float(1e16), t), "1e+16");
        assert_eq!(repr_constant(&Constant::Float(f64::INFINITY), t), "inf");
        let c = Constant::Complex {
            real: 0.0,
            imag: 1e20,
        };
        assert_eq!(repr_constant(&c, t), "1e+20j");
        let s = PyStr::CodePoints(vec![0xD800, 0x7F, 0xE9, 0x2028, 0x1F600]);
        assert_eq!(
            repr_constant(&Constant::Str(s), t),
            "'\\ud800\\x7fé\\u2028😀'"
        );
        assert_eq!(
            repr_constant(&Constant::Bytes(b"\x00\xff'".to_vec()), t),
            "b\"\\x00\\xff'\""
        );
        assert_eq!(repr_int(&PyInt::Big(vec![0, 1])), "4294967296");
        assert!(is_printable('é', t));
        assert!(!is_printable('\u{2028}', t));
    }
}
