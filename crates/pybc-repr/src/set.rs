//! CPython's set hash table (`Objects/setobject.c`), replayed to find the
//! iteration order of a set that marshal built by adding items one by one.
//!
//! Both families start with 8 slots and, after adding a new key, grow to the
//! smallest power of two above `used × 4` (`used × 2` past 50000 entries),
//! re-inserting the old slots in table order:
//!
//! - **Python 2.7**: open addressing, `i = 5i + perturb + 1` (with `i`
//!   carried unmasked), `perturb >>= 5` after each step; grows when
//!   `fill × 3 >= (mask + 1) × 2`.
//! - **Python 3.6+**: each probe scans 10 consecutive slots when they fit
//!   before the end of the table (`LINEAR_PROBES` = 9), then
//!   `perturb >>= 5; i = (5i + 1 + perturb) & mask`; grows when
//!   `fill × 5 >= mask × 3` (3.7+) or `fill × 3 >= mask × 2` (3.6).
//!
//! An item equal to one already present (same hash and Python equality,
//! e.g. `1`, `1.0` and `True`) is not added, as in CPython.

use pybc_model::{Obj, Object, PyInt};
use pybc_versions::PyVersion;

use crate::hash::{self, float_to_int};

const MIN_SIZE: usize = 8;
const LINEAR_PROBES: usize = 9;
const PERTURB_SHIFT: u32 = 5;

/// Calls `visit` on each slot index of `hash`'s probe sequence until it
/// returns true. The sequence never ends on its own, but every table keeps
/// an empty slot, which callers stop at.
fn probe(hash: u64, mask: usize, py2: bool, mut visit: impl FnMut(usize) -> bool) {
    let mut perturb = hash;
    let mut i = (hash as usize) & mask;
    if py2 {
        if visit(i & mask) {
            return;
        }
        loop {
            i = i
                .wrapping_mul(5)
                .wrapping_add(perturb as usize)
                .wrapping_add(1);
            if visit(i & mask) {
                return;
            }
            perturb >>= PERTURB_SHIFT;
        }
    }
    loop {
        let run = if i + LINEAR_PROBES <= mask {
            LINEAR_PROBES
        } else {
            0
        };
        for j in i..=i + run {
            if visit(j) {
                return;
            }
        }
        perturb >>= PERTURB_SHIFT;
        i = i
            .wrapping_mul(5)
            .wrapping_add(1)
            .wrapping_add(perturb as usize)
            & mask;
    }
}

/// A replayed set table: each slot holds the index of an item.
struct Table<'a> {
    items: &'a [Obj<'a>],
    hashes: &'a [i64],
    version: PyVersion,
    slots: Vec<Option<usize>>,
    used: usize,
}

impl<'a> Table<'a> {
    fn new(items: &'a [Obj<'a>], hashes: &'a [i64], version: PyVersion) -> Table<'a> {
        Table {
            items,
            hashes,
            version,
            slots: vec![None; MIN_SIZE],
            used: 0,
        }
    }

    fn py2(&self) -> bool {
        self.version.major < 3
    }

    fn hash_of(&self, idx: usize) -> i64 {
        self.hashes.get(idx).copied().unwrap_or(0)
    }

    /// Adds item `idx` unless an equal item is present.
    fn add(&mut self, idx: usize) {
        let mask = self.slots.len() - 1;
        let hash = self.hash_of(idx);
        let item = self.items.get(idx);
        let mut target = None;
        probe(hash as u64, mask, self.py2(), |slot| {
            match self.slots.get(slot) {
                Some(Some(other)) => {
                    // Present already: stop without a target.
                    self.hash_of(*other) == hash
                        && match (item, self.items.get(*other)) {
                            (Some(a), Some(b)) => py_eq(a, b, self.version),
                            _ => false,
                        }
                }
                _ => {
                    target = Some(slot);
                    true
                }
            }
        });
        let Some(slot) = target else {
            return;
        };
        if let Some(s) = self.slots.get_mut(slot) {
            *s = Some(idx);
        }
        self.used += 1;
        // Nothing is ever deleted, so `fill` equals `used`.
        let fill = self.used;
        let grow = if self.py2() {
            fill * 3 >= (mask + 1) * 2
        } else if self.version.at_least(3, 7) {
            fill * 5 >= mask * 3
        } else {
            fill * 3 >= mask * 2
        };
        if grow {
            let minused = if self.used > 50_000 {
                self.used * 2
            } else {
                self.used * 4
            };
            self.resize(minused);
        }
    }

    fn resize(&mut self, minused: usize) {
        let mut size = MIN_SIZE;
        while size <= minused {
            size <<= 1;
        }
        let old = std::mem::replace(&mut self.slots, vec![None; size]);
        let mask = size - 1;
        for idx in old.into_iter().flatten() {
            let mut target = None;
            probe(self.hash_of(idx) as u64, mask, self.py2(), |slot| {
                let free = matches!(self.slots.get(slot), Some(None));
                if free {
                    target = Some(slot);
                }
                free
            });
            if let Some(s) = target.and_then(|t| self.slots.get_mut(t)) {
                *s = Some(idx);
            }
        }
    }

    fn order(&self) -> Vec<usize> {
        self.slots.iter().flatten().copied().collect()
    }
}

/// Replays the insertion of all items (whose hashes are known).
fn replay(items: &[Obj], hashes: &[i64], version: PyVersion) -> Vec<usize> {
    let mut table = Table::new(items, hashes, version);
    for idx in 0..items.len() {
        table.add(idx);
    }
    table.order()
}

/// The indices of the items a set keeps (the first of each group of equal
/// items), in insertion order.
pub(crate) fn unique_indices(items: &[Obj], hashes: &[i64], version: PyVersion) -> Vec<usize> {
    let mut kept = replay(items, hashes, version);
    kept.sort_unstable();
    kept
}

/// See [`crate::frozenset_order`].
pub(crate) fn frozenset_order(items: &[Obj], version: PyVersion) -> Vec<usize> {
    let hashes: Option<Vec<i64>> = items.iter().map(|o| hash::hash(o, version)).collect();
    match hashes {
        Some(hashes) => replay(items, &hashes, version),
        None => (0..items.len()).collect(),
    }
}

/// A number as Python compares it: real and imaginary parts.
enum Num<'a> {
    Int(PyInt<'a>),
    Float(f64),
}

fn as_complex<'a>(obj: &Object<'a>) -> Option<(Num<'a>, Num<'a>)> {
    let zero = || Num::Int(PyInt::Small(0));
    match obj {
        Object::False => Some((zero(), zero())),
        Object::True => Some((Num::Int(PyInt::Small(1)), zero())),
        Object::Int(i) => Some((Num::Int(*i), zero())),
        Object::Float(x) => Some((Num::Float(*x), zero())),
        Object::Complex { real, imag } => Some((Num::Float(*real), Num::Float(*imag))),
        _ => None,
    }
}

fn num_eq(a: &Num, b: &Num) -> bool {
    match (a, b) {
        (Num::Int(x), Num::Int(y)) => x == y,
        (Num::Float(x), Num::Float(y)) => x == y,
        (Num::Int(i), Num::Float(f)) | (Num::Float(f), Num::Int(i)) => {
            f.is_finite() && f.fract() == 0.0 && float_to_int(*f).as_int() == *i
        }
    }
}

/// Python's `==` between two constants, as far as set membership needs it.
pub(crate) fn py_eq(a: &Object, b: &Object, version: PyVersion) -> bool {
    if let (Some((ar, ai)), Some((br, bi))) = (as_complex(a), as_complex(b)) {
        return num_eq(&ar, &br) && num_eq(&ai, &bi);
    }
    match (a, b) {
        (Object::None, Object::None)
        | (Object::Ellipsis, Object::Ellipsis)
        | (Object::StopIteration, Object::StopIteration) => true,
        (Object::Str(x), Object::Str(y)) => x == y,
        (Object::Bytes(x), Object::Bytes(y)) => x == y,
        // Python 2: a str equals a unicode with the same ASCII text.
        (Object::Bytes(x), Object::Str(y)) | (Object::Str(y), Object::Bytes(x))
            if version.major < 3 =>
        {
            x.is_ascii() && **x == *y.as_bytes()
        }
        (Object::Tuple(x), Object::Tuple(y)) | (Object::List(x), Object::List(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| py_eq(p, q, version))
        }
        (Object::FrozenSet(x) | Object::Set(x), Object::FrozenSet(y) | Object::Set(y)) => {
            let ux = distinct(x, version);
            let uy = distinct(y, version);
            ux.len() == uy.len() && ux.iter().all(|p| uy.iter().any(|q| py_eq(p, q, version)))
        }
        _ => false,
    }
}

/// The distinct items of a set's item list.
fn distinct<'a>(items: &[Obj<'a>], version: PyVersion) -> Vec<Obj<'a>> {
    let mut out: Vec<Obj<'a>> = Vec::new();
    for item in items {
        if !out.iter().any(|o| py_eq(o, item, version)) {
            out.push(item);
        }
    }
    out
}
