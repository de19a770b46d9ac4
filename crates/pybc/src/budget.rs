//! Limits for hostile input: how large a listing may get for its input.
//!
//! Marshal references make the object tree a DAG, so a few hundred bytes can
//! describe a tuple with 2**100 leaves (each level holding the one below
//! twice), or code objects nested the same way, whose listings `dis` would
//! print once per path; one huge constant or name can also be used by every
//! instruction. CPython's `dis` would try to print all of it. Before
//! printing, pybc estimates (without expanding anything) an upper bound of
//! the output and working memory of the text, info and JSON/CSV listings,
//! and refuses inputs whose listing would exceed [`FLOOR`] plus
//! [`PER_INPUT_BYTE`] bytes per byte of input. Real files stay far below
//! that: even their JSON listings take under 100 bytes per input byte
//! (the estimate of them, under 200). One constant's `repr` (a line of
//! text, a string of JSON, held whole while it is written) is limited on
//! its own, to [`VALUE_FLOOR`] plus [`VALUE_PER_INPUT_BYTE`] bytes per
//! input byte: streamed output then stays within a small multiple of the
//! input.

use rustc_hash::FxHashMap;

use pybc_dis::Dialect;
use pybc_model::{CodeObject, Obj, Object, PyInt, Shared};

use crate::Module;
use pybc_versions::opcodes::ArgKind;

/// Listing bytes always allowed, whatever the input size.
pub const FLOOR: u64 = 64 << 20;
/// Listing bytes allowed per byte of input.
pub const PER_INPUT_BYTE: u64 = 512;
/// Output and working memory per code unit (instruction or cache line).
const LINE: u64 = 512;
/// Working memory of one element's JSON value (a typed object with its
/// keys, type name and repr, each a separate allocation), on top of its text.
const JSON_ITEM: u64 = 1024;

/// Upper bounds for one object, all in bytes.
#[derive(Copy, Clone, Debug, Default)]
struct Sizes {
    /// `repr()` text, plus the work of computing it.
    repr: u64,
    /// The JSON form of a constant (`repr` at every level, escaped, plus values).
    json: u64,
    /// For a code object: its listing, nested code objects included.
    listing: u64,
    /// Python `==` between this object and an equal one (set replay).
    eq: u64,
}

impl Sizes {
    /// Past every limit.
    const TOO_LARGE: Sizes = Sizes {
        repr: u64::MAX,
        json: u64::MAX,
        listing: u64::MAX,
        eq: u64::MAX,
    };
}

/// A listing's estimated size and the limit for its input (the error when
/// the estimate is over the limit).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub struct TooLarge {
    /// Estimated size of the listing.
    pub estimate: u64,
    /// The limit for this input.
    pub limit: u64,
}

/// Checks that listing `module` with `dialect` stays within the limits:
/// the whole listing, and the `repr` of any one constant (one line of
/// text, held whole while it is written).
pub fn check(module: &Module<'_>, dialect: Dialect) -> Result<(), TooLarge> {
    verdict(estimates(module, dialect, false))
}

/// [`check`] for the `dis` text listing alone, where an instruction shows
/// its constant's `repr` (not also its JSON form): large modules with long
/// docstrings then pass the quick bound without their arguments walked.
pub fn check_text(module: &Module<'_>, dialect: Dialect) -> Result<(), TooLarge> {
    verdict(estimates(module, dialect, true))
}

fn verdict((listing, value): (TooLarge, TooLarge)) -> Result<(), TooLarge> {
    if listing.estimate > listing.limit {
        Err(listing)
    } else if value.estimate > value.limit {
        Err(value)
    } else {
        Ok(())
    }
}

/// The estimated listing size of `module` and the limit for it, in time
/// and memory linear in the number of distinct objects.
pub fn estimate(module: &Module<'_>, dialect: Dialect) -> TooLarge {
    estimates_with(module, dialect, true, false).0
}

/// [`estimate`] for the `dis` text listing alone (see [`check_text`]).
pub fn estimate_text(module: &Module<'_>, dialect: Dialect) -> TooLarge {
    estimates_with(module, dialect, true, true).0
}

/// The `repr` of the largest constant of `root`'s code objects, and the
/// limit for it: [`VALUE_FLOOR`] plus [`VALUE_PER_INPUT_BYTE`] per input
/// byte. A real constant's `repr` takes a few bytes per marshal byte; only
/// objects shared through references make it larger.
pub fn largest_value(module: &Module<'_>, dialect: Dialect) -> TooLarge {
    estimates(module, dialect, false).1
}

/// `repr` bytes of one constant always allowed.
pub const VALUE_FLOOR: u64 = 1 << 20;
/// `repr` bytes of one constant allowed per byte of input.
pub const VALUE_PER_INPUT_BYTE: u64 = 16;

fn estimates(module: &Module<'_>, dialect: Dialect, text_only: bool) -> (TooLarge, TooLarge) {
    // A quick bound first, which holds for nearly every real file; only
    // when it is over the limit are the instructions' arguments walked.
    let (listing, value) = estimates_with(module, dialect, false, text_only);
    if listing.estimate <= listing.limit {
        return (listing, value);
    }
    estimates_with(module, dialect, true, text_only)
}

fn estimates_with(
    module: &Module<'_>,
    dialect: Dialect,
    walk_arguments: bool,
    text_only: bool,
) -> (TooLarge, TooLarge) {
    let (root, input_len) = (&module.code, module.input_len);
    let mut estimator = Estimator {
        dialect,
        shared: &module.shared,
        memo: FxHashMap::default(),
        scratch: Vec::new(),
        hash_work: HASH_WORK,
        largest_value: 0,
        walk_arguments,
        text_only,
    };
    let sizes = estimator.sizes(root, 0);
    let input = len64(input_len);
    let listing = TooLarge {
        estimate: sizes.listing.saturating_add(sizes.json),
        limit: FLOOR.saturating_add(PER_INPUT_BYTE.saturating_mul(input)),
    };
    let value = TooLarge {
        estimate: estimator.largest_value,
        limit: VALUE_FLOOR.saturating_add(VALUE_PER_INPUT_BYTE.saturating_mul(input)),
    };
    (listing, value)
}

struct Estimator<'m> {
    dialect: Dialect,
    /// What the tree reaches more than once: only these are remembered.
    shared: &'m Shared,
    /// Sizes of the shared containers and code objects seen so far, by
    /// address.
    memo: FxHashMap<usize, Sizes>,
    /// Sizes of the items of the objects being computed, innermost last.
    scratch: Vec<Sizes>,
    /// Hashing the estimator may still do to find colliding set items.
    hash_work: u64,
    /// The largest `repr` of a code object's constant.
    largest_value: u64,
    /// Whether each instruction's argument is costed on its own; otherwise
    /// every code unit is taken to show the largest constant or name.
    walk_arguments: bool,
    /// Only the `dis` text is bounded: an argument shows a constant's
    /// `repr`, and constants are not listed on their own.
    text_only: bool,
}

/// Hashing work (in repr bytes of the items hashed) the estimator may spend
/// finding hash collisions in sets; past it, sets are assumed to collide.
const HASH_WORK: u64 = 1 << 28;

fn add(a: u64, b: u64) -> u64 {
    a.saturating_add(b)
}

fn mul(a: u64, b: u64) -> u64 {
    a.saturating_mul(b)
}

fn len64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// A scalar whose repr is at most `repr` bytes and whose payload (string
/// or bytes) is `payload` bytes long.
fn scalar(repr: u64, payload: u64) -> Sizes {
    Sizes {
        repr,
        // The repr escaped for JSON, the value (hex or \u escapes), the keys.
        json: add(add(mul(2, repr), mul(6, payload)), 64),
        listing: 0,
        eq: add(payload, 8),
    }
}

fn text_len(obj: Option<&Obj>) -> u64 {
    obj.and_then(|o| o.bytes()).map_or(0, |b| len64(b.len()))
}

/// Nesting deeper than marshal allows (2000 levels) is not walked: such
/// a tree (built by hand) is taken to be too large.
const MAX_NESTING: usize = 4000;

impl Estimator<'_> {
    /// Sizes of `obj`, computing every object below it once: an object
    /// with a single owner is reached only through it, so only shared
    /// ones are remembered (by address). Scalars take no walk and are
    /// never remembered.
    fn sizes(&mut self, obj: &Object<'_>, depth: usize) -> Sizes {
        if let Some(sizes) = scalar_sizes(obj) {
            return sizes;
        }
        let shared = self.shared.contains(obj);
        let key = std::ptr::from_ref(obj) as usize;
        if shared {
            if let Some(sizes) = self.memo.get(&key) {
                return *sizes;
            }
        }
        let sizes = if depth >= MAX_NESTING {
            Sizes::TOO_LARGE
        } else {
            self.compute(obj, depth)
        };
        if shared {
            self.memo.insert(key, sizes);
        }
        sizes
    }

    /// Sizes of `items`, appended to `self.scratch` from `base` on (what
    /// nested calls push there is gone when each returns).
    fn items_sizes<'o>(&mut self, items: impl Iterator<Item = &'o Obj<'o>>, depth: usize) -> usize {
        let base = self.scratch.len();
        for item in items {
            // Scalars (most items) sized here, without the call.
            let sizes = match scalar_sizes(item) {
                Some(sizes) => sizes,
                None => self.sizes(item, depth + 1),
            };
            self.scratch.push(sizes);
        }
        base
    }

    /// Sizes of a container or code object.
    fn compute(&mut self, obj: &Object, depth: usize) -> Sizes {
        let floor = self.scratch.len();
        let container = |open: u64, items: &[Sizes]| -> Sizes {
            let mut repr = open;
            let mut json = 64;
            let mut eq = 8;
            for s in items {
                repr = add(repr, add(s.repr, 4));
                json = add(json, add(s.json, JSON_ITEM));
                eq = add(eq, s.eq);
            }
            Sizes {
                repr,
                json: add(json, mul(2, repr)),
                listing: 0,
                eq,
            }
        };
        let sizes = match obj {
            Object::Tuple(items) | Object::List(items) => {
                let base = self.items_sizes(items.iter(), depth);
                container(16, self.scratch.get(base..).unwrap_or_default())
            }
            Object::Set(items) | Object::FrozenSet(items) => {
                // Replaying CPython's set table: hashing and probing, and
                // comparing items whose hashes are equal. Comparing two sets
                // compares every pair of their items.
                let base = self.items_sizes(items.iter(), depth);
                let item_sizes = std::mem::take(&mut self.scratch);
                let of_items = item_sizes.get(base..).unwrap_or_default();
                let mut s = container(24, of_items);
                let n = len64(items.len());
                let max_eq = of_items.iter().map(|s| s.eq).max().unwrap_or(0);
                s.eq = add(s.eq, mul(mul(n, n), max_eq));
                let hashing = s.repr;
                let work = add(mul(32, n), self.collisions(items, of_items, hashing));
                s.repr = add(s.repr, work);
                s.json = add(s.json, work);
                self.scratch = item_sizes;
                s
            }
            Object::Dict(pairs) => {
                let base = self.items_sizes(pairs.iter().flat_map(|(k, v)| [k, v]), depth);
                container(8, self.scratch.get(base..).unwrap_or_default())
            }
            Object::Slice { start, stop, step } => {
                let base = self.items_sizes([start, stop, step].into_iter(), depth);
                container(24, self.scratch.get(base..).unwrap_or_default())
            }
            Object::Code(code) => {
                let names = add(
                    text_len(code.name.as_ref()),
                    text_len(code.filename.as_ref()),
                );
                let mut s = scalar(add(128, mul(4, names)), 0);
                s.json = add(s.json, mul(4, text_len(code.qualname.as_ref())));
                let base = self.items_sizes(code.consts().iter(), depth);
                let consts = std::mem::take(&mut self.scratch);
                let of_consts = consts.get(base..).unwrap_or_default();
                s.listing = self.listing(code, of_consts);
                for c in of_consts {
                    self.largest_value = self.largest_value.max(c.repr);
                }
                self.scratch = consts;
                s
            }
            // Scalars are sized by `scalar_sizes`.
            _ => scalar_sizes(obj).unwrap_or_default(),
        };
        // What this object's items pushed is no longer needed.
        self.scratch.truncate(floor);
        sizes
    }

    /// Work replaying the insertion of `items` (of sizes `sizes`) into a
    /// set beyond the linear part: items with equal hashes probe past and
    /// compare with each other. `hashing` bounds the work of hashing them.
    fn collisions(&mut self, items: &[Obj], sizes: &[Sizes], hashing: u64) -> u64 {
        if items.len() < 2 {
            return 0;
        }
        let n = len64(items.len());
        let worst = || {
            let max_eq = sizes.iter().map(|s| s.eq).max().unwrap_or(0);
            mul(mul(n, n), add(max_eq, 1))
        };
        if hashing > self.hash_work {
            return worst();
        }
        self.hash_work -= hashing;
        let version = self.dialect.rules.version;
        let mut groups: FxHashMap<i64, (u64, u64)> = FxHashMap::default();
        for (item, sizes) in items.iter().zip(sizes) {
            // An item whose hash depends on an address: no replay at all.
            let Some(hash) = pybc_repr::py_hash(item, version) else {
                return 0;
            };
            let group = groups.entry(hash).or_insert((0, 0));
            group.0 += 1;
            group.1 = group.1.max(sizes.eq);
        }
        groups
            .values()
            .filter(|(count, _)| *count > 1)
            .fold(0, |total, &(count, eq)| {
                add(total, mul(mul(count, count), add(eq, 1)))
            })
    }

    /// The listing of one code object, nested ones included.
    fn listing(&self, code: &CodeObject, const_sizes: &[Sizes]) -> u64 {
        let bytes = code.code_bytes();
        let units = len64(bytes.len().div_ceil(2));
        let mut cost = mul(LINE, add(units, 16));

        // Line and position tables: each byte may start an entry, and a
        // location entry can claim up to 8 code units, each becoming a
        // 64-byte `Positions` in a growing vector.
        let table = code.linetable_bytes();
        // Branch-free on narrow lanes, so it vectorises: entry starts have
        // the top bit set and claim at most 8 units, so a 4096-byte piece
        // sums to at most 32768, within a `u16`.
        let claimed: u64 = table
            .chunks(4096)
            .map(|piece| {
                let units = piece.iter().fold(0u16, |sum, &b| {
                    let start_mask = 0u8.wrapping_sub(b >> 7);
                    sum + u16::from(((b & 7) + 1) & start_mask)
                });
                u64::from(units)
            })
            .sum();
        cost = add(cost, mul(128, add(len64(table.len()), claimed)));
        cost = add(cost, mul(64, len64(code.exceptiontable_bytes().len())));

        // Names, shown by info and JSON, and in arguments.
        let mut name_max = 0u64;
        for list in [
            code.names(),
            code.varnames(),
            code.freevars(),
            code.cellvars(),
            code.localsplus(),
        ] {
            for name in list {
                // Each use holds the name in the instruction's argval and
                // argrepr, and the JSON forms hold both again: eight
                // copies in all, beside the 32 bytes of a short name's line.
                let n = add(mul(8, text_len(Some(name))), 32);
                name_max = name_max.max(n);
                cost = add(cost, mul(2, n));
            }
        }

        // What an argument showing a constant costs.
        let shown = |s: &Sizes| if self.text_only { s.repr } else { s.json };
        // Constants, shown by info and JSON; nested code objects are listed.
        for (c, s) in code.consts().iter().zip(const_sizes) {
            if !self.text_only {
                cost = add(cost, add(s.json, 64));
            }
            if matches!(**c, Object::Code(_)) {
                cost = add(cost, add(s.listing, add(s.repr, 256)));
            }
        }

        // Instruction arguments: constants and names, once per use.
        if !self.walk_arguments {
            let largest = const_sizes.iter().map(shown).max().unwrap_or(0);
            return add(cost, mul(units, largest.max(mul(2, name_max))));
        }
        for (kind, arg) in pybc_dis::arguments(bytes, self.dialect) {
            let arg_cost = match kind {
                ArgKind::Const => usize::try_from(arg)
                    .ok()
                    .and_then(|i| const_sizes.get(i))
                    .map(shown)
                    .unwrap_or(0),
                ArgKind::Name
                | ArgKind::Global
                | ArgKind::Attr
                | ArgKind::SuperAttr
                | ArgKind::ImportName
                | ArgKind::Local
                | ArgKind::Free => name_max,
                ArgKind::LocalPair => mul(2, name_max),
                _ => 0,
            };
            cost = add(cost, arg_cost);
        }
        cost
    }
}

/// Sizes of an object that holds no other (`None` for containers and code).
#[inline]
fn scalar_sizes(obj: &Object) -> Option<Sizes> {
    Some(match obj {
        Object::Null
        | Object::None
        | Object::False
        | Object::True
        | Object::StopIteration
        | Object::Ellipsis => scalar(40, 0),
        Object::Int(PyInt::Small(_)) => scalar(24, 0),
        Object::Int(PyInt::Big { limbs, .. }) => {
            // Decimal conversion is quadratic in the number of limbs.
            let n = len64(limbs.len());
            scalar(add(add(mul(10, n), 4), mul(n, n) / 2), 0)
        }
        Object::Float(_) => scalar(40, 0),
        Object::Complex { .. } => scalar(80, 0),
        Object::Bytes(b) => scalar(add(mul(4, len64(b.len())), 8), len64(b.len())),
        Object::Str(s) => {
            let n = len64(s.as_bytes().len());
            scalar(add(mul(4, n), 8), n)
        }
        _ => return None,
    })
}
