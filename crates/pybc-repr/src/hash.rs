//! CPython's `hash()` of constants in a 64-bit process run with
//! `PYTHONHASHSEED=0` (hash secret all zeros).
//!
//! | object | Python 2.7 | Python 3 |
//! |---|---|---|
//! | `str`/`bytes` | multiply-xor over the bytes (or UCS-4 units) | SipHash-2-4 (≤ 3.10) or SipHash-1-3 (3.11+) over the internal representation |
//! | `int` | value modulo 2**64-1 | value modulo 2**61-1 |
//! | `float` | `modf`/`frexp` mix; integral values hash like ints | value modulo 2**61-1; NaN is 0 before 3.10, then address-based |
//! | `tuple` | multiplier scheme | multiplier scheme (≤ 3.7), xxHash lanes (3.8+) |
//! | `None` | address | address before 3.12, then `0xFCA86420` |
//!
//! `Ellipsis`, `StopIteration`, code objects and (before 3.12) `None` hash
//! by address: their hash is unknown here (`None`). So are unhashable
//! objects (lists, dicts, sets).

use pybc_model::{Object, PyInt, PyStr};
use pybc_versions::PyVersion;

use crate::set;

/// 2**61 - 1, the modulus of Python 3's numeric hash.
const MODULUS: u64 = (1 << 61) - 1;
const HASH_BITS: u32 = 61;
const HASH_INF: i64 = 314_159;
const HASH_IMAG: u64 = 1_000_003;
const NONE_HASH_312: i64 = 0xFCA8_6420;

/// The hash of `obj` in `version`, or `None` when it depends on an object
/// address (or the object is unhashable).
pub(crate) fn hash(obj: &Object, version: PyVersion) -> Option<i64> {
    let py2 = version.major < 3;
    match obj {
        Object::None if version.at_least(3, 12) => Some(NONE_HASH_312),
        Object::False => Some(0),
        Object::True => Some(1),
        Object::Int(i) => Some(if py2 { hash_int2(i) } else { hash_int3(i) }),
        Object::Float(x) => {
            if py2 {
                Some(hash_float2(*x))
            } else {
                hash_float3(*x, version)
            }
        }
        Object::Complex { real, imag } => {
            let (r, i) = if py2 {
                (hash_float2(*real), hash_float2(*imag))
            } else {
                (hash_float3(*real, version)?, hash_float3(*imag, version)?)
            };
            let combined = (r as u64).wrapping_add(HASH_IMAG.wrapping_mul(i as u64));
            Some(fix_minus_one(combined as i64))
        }
        Object::Bytes(b) => Some(if py2 {
            hash_fnv(b.iter().map(|&c| u64::from(c)), b.len())
        } else {
            hash_bytes3(b, version)
        }),
        Object::Str(s) => Some(if py2 {
            let cps: Vec<u32> = s.code_points().collect();
            hash_fnv(cps.iter().map(|&c| u64::from(c)), cps.len())
        } else {
            hash_str3(s, version)
        }),
        Object::Tuple(items) => {
            let hashes = items
                .iter()
                .map(|item| hash(item, version))
                .collect::<Option<Vec<i64>>>()?;
            Some(hash_tuple(&hashes, version))
        }
        Object::FrozenSet(items) => {
            let hashes = items
                .iter()
                .map(|item| hash(item, version))
                .collect::<Option<Vec<i64>>>()?;
            let unique: Vec<i64> = set::unique_indices(items, &hashes, version)
                .into_iter()
                .filter_map(|i| hashes.get(i).copied())
                .collect();
            Some(hash_frozenset(&unique, version))
        }
        _ => None,
    }
}

fn fix_minus_one(x: i64) -> i64 {
    if x == -1 {
        -2
    } else {
        x
    }
}

/// Magnitude limbs (little-endian u32) of an int.
fn magnitude(i: &PyInt) -> (bool, Vec<u32>) {
    i.sign_magnitude()
}

/// Python 3 `long_hash`: sign × (|v| mod 2**61-1), -1 → -2.
pub(crate) fn hash_int3(i: &PyInt) -> i64 {
    let (negative, limbs) = magnitude(i);
    let m = u128::from(MODULUS);
    let r = limbs
        .iter()
        .rev()
        .fold(0u128, |acc, &l| ((acc << 32) | u128::from(l)) % m) as i64;
    fix_minus_one(if negative { -r } else { r })
}

/// Python 2.7 `long_hash` (and `int_hash`, which agrees with it): |v|
/// modulo 2**64-1 (but never 0 for a non-zero value), times the sign.
pub(crate) fn hash_int2(i: &PyInt) -> i64 {
    let (negative, limbs) = magnitude(i);
    let m = u128::from(u64::MAX);
    let mut r = limbs
        .iter()
        .rev()
        .fold(0u128, |acc, &l| ((acc << 32) | u128::from(l)) % m) as u64;
    if r == 0 && !limbs.is_empty() {
        r = u64::MAX;
    }
    if negative {
        r = r.wrapping_neg();
    }
    fix_minus_one(r as i64)
}

/// `frexp`: `x = m × 2**e` with `0.5 <= |m| < 1` (x finite, non-zero).
fn frexp(x: f64) -> (f64, i32) {
    if x == 0.0 || !x.is_finite() {
        return (x, 0);
    }
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    if biased == 0 {
        // Subnormal: scale into the normal range first.
        let (m, e) = frexp(x * f64::from_bits(0x4350_0000_0000_0000)); // 2**54
        return (m, e - 54);
    }
    let m = f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52));
    (m, biased - 1022)
}

/// Python 3 `_Py_HashDouble` for a finite or infinite value; NaN hashes to
/// 0 before 3.10 and by address from 3.10 (`None`).
pub(crate) fn hash_float3(v: f64, version: PyVersion) -> Option<i64> {
    if v.is_nan() {
        return if version.at_least(3, 10) {
            None
        } else {
            Some(0)
        };
    }
    if v.is_infinite() {
        return Some(if v > 0.0 { HASH_INF } else { -HASH_INF });
    }
    let (mut m, mut e) = frexp(v);
    let negative = m < 0.0;
    if negative {
        m = -m;
    }
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & MODULUS) | (x >> (HASH_BITS - 28));
        m *= 268_435_456.0; // 2**28
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= MODULUS {
            x -= MODULUS;
        }
    }
    let bits = HASH_BITS as i32;
    let e = if e >= 0 {
        e % bits
    } else {
        bits - 1 - ((-1 - e) % bits)
    } as u32;
    x = ((x << e) & MODULUS) | (x >> (HASH_BITS - e));
    let x = if negative { x.wrapping_neg() } else { x };
    Some(fix_minus_one(x as i64))
}

/// An integer computed here (not read): sign and little-endian limbs.
pub(crate) struct OwnedInt {
    negative: bool,
    limbs: Vec<u32>,
}

impl OwnedInt {
    pub(crate) fn as_int(&self) -> PyInt<'_> {
        PyInt::from_limbs(self.negative, &self.limbs)
    }
}

/// The exact integer value of an integral, finite float.
pub(crate) fn float_to_int(v: f64) -> OwnedInt {
    let bits = v.to_bits();
    let negative = v < 0.0;
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1 << 52) - 1);
    if biased == 0 {
        return OwnedInt {
            negative: false,
            limbs: Vec::new(),
        };
    }
    let mant = frac | (1 << 52);
    let shift = biased - 1075;
    if shift <= 0 {
        let m = mant >> shift.unsigned_abs().min(63);
        return OwnedInt {
            negative,
            limbs: vec![m as u32, (m >> 32) as u32],
        };
    }
    let shift = shift.unsigned_abs();
    let word = (shift / 32) as usize;
    let bit = shift % 32;
    let mut limbs = vec![0u32; word];
    let wide = u128::from(mant) << bit;
    limbs.extend([wide as u32, (wide >> 32) as u32, (wide >> 64) as u32]);
    OwnedInt { negative, limbs }
}

/// Python 2.7 `_Py_HashDouble`.
pub(crate) fn hash_float2(v: f64) -> i64 {
    if v.is_nan() {
        return 0;
    }
    if v.is_infinite() {
        return if v < 0.0 { -271_828 } else { HASH_INF };
    }
    let intpart = v.trunc();
    if v - intpart == 0.0 {
        let half = (i64::MAX / 2) as f64;
        if intpart > half || -intpart > half {
            return hash_int2(&float_to_int(v).as_int());
        }
        return fix_minus_one(intpart as i64);
    }
    let (m, expo) = frexp(v);
    let v = m * 2_147_483_648.0; // 2**31
    let hipart = v as i64;
    let v = (v - hipart as f64) * 2_147_483_648.0;
    let x = hipart
        .wrapping_add(v as i64)
        .wrapping_add(i64::from(expo.wrapping_shl(15)));
    fix_minus_one(x)
}

/// Python 2.7's string hash (`string_hash`, `unicode_hash`) with a zero
/// secret: multiply-xor over the units.
pub(crate) fn hash_fnv(units: impl Iterator<Item = u64>, len: usize) -> i64 {
    let mut units = units.peekable();
    let Some(&first) = units.peek() else {
        return 0;
    };
    let mut x: u64 = first << 7;
    for c in units {
        x = x.wrapping_mul(1_000_003) ^ c;
    }
    x ^= len as u64;
    fix_minus_one(x as i64)
}

/// SipHash-c-d keyed with zeros, as CPython's `siphash24`/`siphash13`.
fn siphash(data: &[u8], c_rounds: usize, d_rounds: usize) -> u64 {
    let mut v0: u64 = 0x736f_6d65_7073_6575;
    let mut v1: u64 = 0x646f_7261_6e64_6f6d;
    let mut v2: u64 = 0x6c79_6765_6e65_7261;
    let mut v3: u64 = 0x7465_6462_7974_6573;
    let round = |v0: &mut u64, v1: &mut u64, v2: &mut u64, v3: &mut u64| {
        *v0 = v0.wrapping_add(*v1);
        *v1 = v1.rotate_left(13);
        *v1 ^= *v0;
        *v0 = v0.rotate_left(32);
        *v2 = v2.wrapping_add(*v3);
        *v3 = v3.rotate_left(16);
        *v3 ^= *v2;
        *v0 = v0.wrapping_add(*v3);
        *v3 = v3.rotate_left(21);
        *v3 ^= *v0;
        *v2 = v2.wrapping_add(*v1);
        *v1 = v1.rotate_left(17);
        *v1 ^= *v2;
        *v2 = v2.rotate_left(32);
    };
    let chunks = data.chunks_exact(8);
    let tail = chunks.remainder();
    for chunk in chunks {
        let m = chunk
            .iter()
            .rev()
            .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        v3 ^= m;
        for _ in 0..c_rounds {
            round(&mut v0, &mut v1, &mut v2, &mut v3);
        }
        v0 ^= m;
    }
    let mut b: u64 = (data.len() as u64) << 56;
    for (i, &byte) in tail.iter().enumerate() {
        b |= u64::from(byte) << (8 * i);
    }
    v3 ^= b;
    for _ in 0..c_rounds {
        round(&mut v0, &mut v1, &mut v2, &mut v3);
    }
    v0 ^= b;
    v2 ^= 0xff;
    for _ in 0..d_rounds {
        round(&mut v0, &mut v1, &mut v2, &mut v3);
    }
    v0 ^ v1 ^ v2 ^ v3
}

/// Python 3 `_Py_HashBytes`: 0 for empty input, else the version's SipHash.
pub(crate) fn hash_bytes3(data: &[u8], version: PyVersion) -> i64 {
    if data.is_empty() {
        return 0;
    }
    let h = if version.at_least(3, 11) {
        siphash(data, 1, 3)
    } else {
        siphash(data, 2, 4)
    };
    fix_minus_one(h as i64)
}

/// Python 3 `str` hash: the bytes of the PEP 393 representation (1, 2 or
/// 4 bytes per code point, little-endian).
pub(crate) fn hash_str3(s: &PyStr, version: PyVersion) -> i64 {
    let max = s.max_code_point();
    let width = if max < 0x100 {
        1
    } else if max < 0x1_0000 {
        2
    } else {
        4
    };
    let data: Vec<u8> = s
        .code_points()
        .flat_map(|cp| cp.to_le_bytes().into_iter().take(width))
        .collect();
    hash_bytes3(&data, version)
}

const XXPRIME_1: u64 = 11_400_714_785_074_694_791;
const XXPRIME_2: u64 = 14_029_467_366_897_019_727;
const XXPRIME_5: u64 = 2_870_177_450_012_600_261;

/// `tuplehash`: xxHash-style from 3.8, the older multiplier scheme before
/// (and in 2.7).
pub(crate) fn hash_tuple(hashes: &[i64], version: PyVersion) -> i64 {
    let len = hashes.len() as u64;
    if version.at_least(3, 8) {
        let mut acc = XXPRIME_5;
        for &h in hashes {
            acc = acc.wrapping_add((h as u64).wrapping_mul(XXPRIME_2));
            acc = acc.rotate_left(31);
            acc = acc.wrapping_mul(XXPRIME_1);
        }
        acc = acc.wrapping_add(len ^ (XXPRIME_5 ^ 3_527_539));
        if acc == u64::MAX {
            return 1_546_275_796;
        }
        return acc as i64;
    }
    let mut x: u64 = 0x34_5678;
    let mut mult: u64 = 1_000_003;
    let mut remaining = len;
    for &h in hashes {
        remaining = remaining.saturating_sub(1);
        x = (x ^ h as u64).wrapping_mul(mult);
        mult = mult.wrapping_add(82_520 + remaining + remaining);
    }
    x = x.wrapping_add(97_531);
    fix_minus_one(x as i64)
}

fn shuffle_bits(h: u64) -> u64 {
    ((h ^ 89_869_747) ^ (h << 16)).wrapping_mul(3_644_798_167)
}

/// `frozenset_hash` of a set holding entries with these (distinct) hashes.
pub(crate) fn hash_frozenset(hashes: &[i64], version: PyVersion) -> i64 {
    let size = hashes.len() as u64;
    let mut hash: u64;
    if version.major < 3 {
        hash = 1_927_868_237u64.wrapping_mul(size + 1);
        for &h in hashes {
            hash ^= shuffle_bits(h as u64);
        }
    } else {
        hash = hashes
            .iter()
            .fold(0, |acc, &h| acc ^ shuffle_bits(h as u64));
        hash ^= (size + 1).wrapping_mul(1_927_868_237);
        hash ^= (hash >> 11) ^ (hash >> 25);
    }
    hash = hash.wrapping_mul(69_069).wrapping_add(907_133_923);
    if hash == u64::MAX {
        return 590_923_713;
    }
    hash as i64
}
