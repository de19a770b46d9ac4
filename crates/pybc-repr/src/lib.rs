//! Python's `repr()` of marshalled constants, exactly as each CPython
//! version writes it.
//!
//! - [`repr`]: any constant (`None`, numbers, strings, bytes, containers,
//!   code objects), with Python 2's `u'...'`/`'...'` and `L` conventions.
//! - [`repr_float`]: `repr(float)`, shortest round-trip digits.
//! - [`frozenset_order`]: the iteration order CPython gives a frozenset that
//!   marshal loaded, in a 64-bit process run with `PYTHONHASHSEED=0`; this
//!   needs CPython's hash functions (`hash` module) and its set table
//!   (`set` module) for that version.
//!
//! The printable-character tables and the test fixtures are generated from
//! the real interpreters by `scripts/gen_repr_fixtures.py`.
//!
//! Known limits:
//! - Python 2 ints and longs are not told apart by the model: values that fit
//!   in 64 bits print as ints, larger ones with the `L` suffix.
//! - Set order cannot be reproduced when an element's hash depends on an
//!   object address (`None` before 3.12, `Ellipsis`, `StopIteration`, NaN
//!   from 3.10, code objects, and containers holding them): such sets keep
//!   the order of the marshal data, which is the order the writing process
//!   iterated them in.
//! - Dicts print in marshal order (right for 3.6+; dict constants do not
//!   occur in code objects).

use pybc_model::{CodeObject, Obj, Object, PyInt};
use pybc_versions::rules::{float_repr_precision, octal_string_escapes};
use pybc_versions::PyVersion;

mod float;
mod hash;
mod printable;
#[rustfmt::skip]
mod printable_tables;
mod set;
mod text;

pub use float::{repr_float, repr_float_g};
pub use printable::unicode_version;

/// `repr(obj)` as Python `version` prints it.
///
/// `code_addr` gives the address printed for a code object
/// (`<code object NAME at 0xADDR, file "FILENAME", line N>`).
pub fn repr(obj: &Object, version: PyVersion, code_addr: &dyn Fn(&CodeObject) -> u64) -> String {
    let mut out = String::new();
    write_repr(&mut out, obj, version, code_addr, 0);
    out
}

/// [`repr`], appended to `out`.
#[inline]
pub fn repr_into(
    out: &mut String,
    obj: &Object,
    version: PyVersion,
    code_addr: &dyn Fn(&CodeObject) -> u64,
) {
    // The constants most instructions show, without the general
    // function's setup (inlined into the listing).
    match obj {
        Object::None => out.push_str("None"),
        Object::Int(PyInt::Small(v)) => push_decimal(out, *v),
        Object::Str(s) if version.major >= 3 => text::write_repr_str3(out, s, version),
        _ => write_repr(out, obj, version, code_addr, 0),
    }
}

/// Nesting beyond this prints `...` (marshal itself limits depth far below).
const MAX_DEPTH: usize = 2000;

fn write_repr(
    out: &mut String,
    obj: &Object,
    version: PyVersion,
    code_addr: &dyn Fn(&CodeObject) -> u64,
    depth: usize,
) {
    let py2 = version.major < 3;
    if depth > MAX_DEPTH {
        out.push_str("...");
        return;
    }
    let seq = |out: &mut String, items: &mut dyn Iterator<Item = &Obj>| {
        for (n, item) in items.enumerate() {
            if n > 0 {
                out.push_str(", ");
            }
            write_repr(out, item, version, code_addr, depth + 1);
        }
    };
    match obj {
        Object::Null => out.push_str("<NULL>"),
        Object::None => out.push_str("None"),
        Object::False => out.push_str("False"),
        Object::True => out.push_str("True"),
        Object::Ellipsis => out.push_str("Ellipsis"),
        Object::StopIteration => out.push_str(if py2 {
            "<type 'exceptions.StopIteration'>"
        } else {
            "<class 'StopIteration'>"
        }),
        Object::Int(PyInt::Small(v)) => push_decimal(out, *v),
        Object::Int(i) => {
            out.push_str(&i.to_decimal());
            if py2 && i.to_i64().is_none() {
                out.push('L');
            }
        }
        Object::Float(x) => out.push_str(&match float_repr_precision(version) {
            None => repr_float(*x),
            Some(precision) => float::repr_float_g(*x, precision),
        }),
        Object::Complex { real, imag } => out.push_str(&match float_repr_precision(version) {
            None => float::repr_complex(*real, *imag),
            Some(precision) => float::repr_complex_g(*real, *imag, precision),
        }),
        Object::Bytes(b) if octal_string_escapes(version) => {
            out.push_str(&text::repr_bytes_octal(b))
        }
        Object::Bytes(b) => out.push_str(&text::repr_bytes(b, if py2 { "" } else { "b" })),
        Object::Str(s) if py2 => out.push_str(&text::repr_unicode2(s)),
        Object::Str(s) => text::write_repr_str3(out, s, version),
        Object::Tuple(items) => {
            out.push('(');
            seq(out, &mut items.iter());
            if items.len() == 1 {
                out.push(',');
            }
            out.push(')');
        }
        Object::List(items) => {
            out.push('[');
            seq(out, &mut items.iter());
            out.push(']');
        }
        Object::Dict(pairs) => {
            out.push('{');
            for (n, (k, v)) in pairs.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                write_repr(out, k, version, code_addr, depth + 1);
                out.push_str(": ");
                write_repr(out, v, version, code_addr, depth + 1);
            }
            out.push('}');
        }
        Object::Set(items) | Object::FrozenSet(items) => {
            let name = if matches!(obj, Object::Set(_)) {
                "set"
            } else {
                "frozenset"
            };
            let order = frozenset_order(items, version);
            let mut ordered = order.iter().filter_map(|&i| items.get(i));
            if order.is_empty() && !py2 {
                out.push_str(name);
                out.push_str("()");
            } else if py2 {
                out.push_str(name);
                out.push_str("([");
                seq(out, &mut ordered);
                out.push_str("])");
            } else {
                let set = name == "set";
                if !set {
                    out.push_str(name);
                    out.push('(');
                }
                out.push('{');
                seq(out, &mut ordered);
                out.push('}');
                if !set {
                    out.push(')');
                }
            }
        }
        Object::Slice { start, stop, step } => {
            out.push_str("slice(");
            write_repr(out, start, version, code_addr, depth + 1);
            out.push_str(", ");
            write_repr(out, stop, version, code_addr, depth + 1);
            out.push_str(", ");
            write_repr(out, step, version, code_addr, depth + 1);
            out.push(')');
        }
        Object::Code(code) => write_repr_code(out, code, version, code_addr(code)),
    }
}

/// The decimal text of `v`, appended to `out` without going through
/// `core::fmt` (small integers are everywhere in a listing).
pub fn push_decimal(out: &mut String, v: i64) {
    // One or two digits (most constants and line numbers): no digit
    // buffer, no copy of a variable length.
    if let Ok(small) = u8::try_from(v) {
        if small < 10 {
            out.push(char::from(b'0' + small));
            return;
        }
        if small < 100 {
            out.push(char::from(b'0' + small / 10));
            out.push(char::from(b'0' + small % 10));
            return;
        }
    }
    // Three or four digits (line numbers in code objects' `repr`): by
    // constant divisions, without the digit buffer.
    if let Ok(n) = u16::try_from(v) {
        if n < 10_000 {
            let digits = [n / 1000, n / 100 % 10, n / 10 % 10, n % 10];
            let skip = if n < 1000 { 1 } else { 0 };
            for &d in digits.iter().skip(skip) {
                out.push(char::from(b'0' + d as u8));
            }
            return;
        }
    }
    if v < 0 {
        out.push('-');
    }
    push_digits::<10>(out, v.unsigned_abs());
}

/// The lower-case hexadecimal digits of `v`, without going through
/// `core::fmt`.
fn push_hex(out: &mut String, v: u64) {
    push_digits::<16>(out, v);
}

/// The digits of `v` in `RADIX` (2 to 16), most significant first. A
/// constant radix: dividing by a variable one took most of the time.
fn push_digits<const RADIX: u64>(out: &mut String, v: u64) {
    // 64 binary digits at most.
    let mut digits = [b'0'; 64];
    let mut at = digits.len();
    let mut rest = v;
    loop {
        at -= 1;
        if let (Some(d), Some(&digit)) = (
            digits.get_mut(at),
            b"0123456789abcdef".get((rest % RADIX) as usize),
        ) {
            *d = digit;
        }
        rest /= RADIX;
        if rest == 0 {
            break;
        }
    }
    // ASCII digits: pushed as chars, with no UTF-8 check.
    for &d in digits.get(at..).unwrap_or_default() {
        out.push(char::from(d));
    }
}

/// `repr(code)`: `<code object NAME at 0xADDR, file "FILENAME", line N>`.
///
/// A first line number of 0 prints as -1 (every version from 2.7 to 3.13);
/// a file name that is not a string prints as `???`. Python 2 truncates the
/// name to 100 bytes and the file name to 300 (`%.100s`, `%.300s`).
fn write_repr_code(out: &mut String, code: &CodeObject, version: PyVersion, addr: u64) {
    let lineno: i64 = if code.firstlineno == 0 {
        -1
    } else {
        i64::from(code.firstlineno)
    };
    let py2 = version.major < 3;
    let field = |out: &mut String, o: &Option<Obj>, limit: usize| -> bool {
        match o.as_deref() {
            Some(Object::Bytes(b)) if py2 => {
                let b = b.split(|&c| c == 0).next().unwrap_or(&[]);
                out.push_str(&String::from_utf8_lossy(b.get(..limit).unwrap_or(b)));
                true
            }
            Some(Object::Str(s)) if !py2 => {
                out.push_str(&s.to_string_lossy());
                true
            }
            _ => false,
        }
    };
    out.push_str("<code object ");
    if !field(out, &code.name, 100) && py2 {
        out.push_str("???");
    }
    out.push_str(" at 0x");
    push_hex(out, addr);
    out.push_str(", file ");
    let mark = out.len();
    out.push('"');
    if field(out, &code.filename, 300) {
        out.push('"');
    } else {
        out.truncate(mark);
        out.push_str("???");
    }
    out.push_str(", line ");
    push_decimal(out, lineno);
    out.push('>');
}

/// The iteration order of a set or frozenset that marshal built by adding
/// `items` in order, in a 64-bit CPython `version` run with
/// `PYTHONHASHSEED=0`: indices into `items`, first to last. Items equal to
/// an earlier one (`1`, `1.0`, `True`; in Python 2 also `'a'` and `u'a'`)
/// are left out, as CPython drops them.
///
/// When some item's hash depends on an object address (`None` before 3.12,
/// `Ellipsis`, `StopIteration`, NaN from 3.10, code objects, or a tuple or
/// frozenset holding one), the order is not reproducible; the result is then
/// `items` in their given order, which for marshal data is the order the
/// writing process iterated the set in.
pub fn frozenset_order(items: &[Obj], version: PyVersion) -> Vec<usize> {
    set::frozenset_order(items, version)
}

/// CPython's `hash(obj)` in a 64-bit `version` process with
/// `PYTHONHASHSEED=0`, or `None` when it depends on an object address or the
/// object is unhashable.
pub fn py_hash(obj: &Object, version: PyVersion) -> Option<i64> {
    hash::hash(obj, version)
}

#[cfg(test)]
mod tests {
    #[test]
    fn hex_matches_rust_formatting() {
        for v in [0u64, 1, 15, 16, 0x10000, 0xdead_beef, u64::MAX] {
            let mut out = String::new();
            super::push_hex(&mut out, v);
            assert_eq!(out, format!("{v:x}"));
        }
    }

    #[test]
    fn decimals_match_rust_formatting() {
        let edges = [
            0i64,
            1,
            9,
            10,
            255,
            -1,
            -10,
            65_535,
            65_536,
            1 << 40,
            i64::MAX,
            i64::MIN,
        ];
        for v in edges.into_iter().chain(-300..12_000) {
            let mut out = String::new();
            super::push_decimal(&mut out, v);
            assert_eq!(out, v.to_string());
        }
    }

    use super::*;
    use pybc_model::{PyInt, PyStr};

    fn int(v: i64) -> Obj<'static> {
        Box::leak(Box::new(Object::Int(PyInt::Small(v))))
    }

    #[test]
    fn python_1_strings_and_floats() {
        let no_code = |_: &CodeObject| 0;
        let v15 = PyVersion::new(1, 5);
        let s = Object::Bytes(b"a\nb'\x7f");
        assert_eq!(repr(&s, v15, &no_code), "\"a\\012b'\\177\"");
        assert_eq!(repr(&s, PyVersion::new(2, 1), &no_code), "\"a\\nb'\\x7f\"");
        assert_eq!(repr(&Object::Float(0.1), v15, &no_code), "0.1");
        assert_eq!(
            repr(&Object::Float(0.1), PyVersion::new(2, 6), &no_code),
            "0.10000000000000001"
        );
        assert_eq!(
            repr(&Object::Float(0.1), PyVersion::new(2, 7), &no_code),
            "0.1"
        );
    }

    #[test]
    fn frozenset_order_of_small_ints() {
        let v = PyVersion::new(3, 13);
        // Small ints hash to themselves: slots 1, 2, 3.
        assert_eq!(frozenset_order(&[int(3), int(1), int(2)], v), vec![1, 2, 0]);
        // 1, 1.0 and True are equal: only the first is kept.
        let items = [int(1), &Object::Float(1.0), &Object::True];
        assert_eq!(frozenset_order(&items, v), vec![0]);
        // Address-hashed items keep the given order.
        let items = [int(5), &Object::Ellipsis, int(1)];
        assert_eq!(frozenset_order(&items, v), vec![0, 1, 2]);
    }

    #[test]
    fn python2_spellings() {
        let v = PyVersion::new(2, 7);
        let no_addr = |_: &CodeObject| 0;
        assert_eq!(
            repr(&Object::StopIteration, v, &no_addr),
            "<type 'exceptions.StopIteration'>"
        );
        let big = Object::Int(PyInt::from_limbs(false, &[0, 0, 1]));
        assert_eq!(repr(&big, v, &no_addr), "18446744073709551616L");
        let s = Object::Str(PyStr::from_text("é"));
        assert_eq!(repr(&s, v, &no_addr), "u'\\xe9'");
        assert_eq!(repr(&Object::FrozenSet(&[]), v, &no_addr), "frozenset([])");
    }

    #[test]
    fn code_objects() {
        let code = CodeObject {
            name: Some(&Object::Str(PyStr::from_text("f"))),
            filename: Some(&Object::None),
            firstlineno: 3,
            ..CodeObject::default()
        };
        let obj = Object::Code(&code);
        assert_eq!(
            repr(&obj, PyVersion::new(3, 12), &|_| 0x1_0000),
            "<code object f at 0x10000, file ???, line 3>"
        );
    }
}
