//! Python integers of any size.

/// A Python `int`: machine-sized when it fits, otherwise sign and magnitude.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PyInt<'a> {
    Small(i64),
    /// Magnitude in little-endian 32-bit limbs, no trailing zero limbs.
    Big {
        negative: bool,
        limbs: &'a [u32],
    },
}

/// Little-endian 32-bit limbs of marshal's 15-bit digits.
fn limbs_of_digits15(digits: &[u16]) -> Vec<u32> {
    let mut limbs: Vec<u32> = Vec::with_capacity(digits.len() / 2 + 1);
    let mut acc: u64 = 0;
    let mut bits = 0u32;
    for &d in digits {
        acc |= u64::from(d & 0x7fff) << bits;
        bits += 15;
        if bits >= 32 {
            limbs.push(acc as u32);
            acc >>= 32;
            bits -= 32;
        }
    }
    if bits > 0 {
        limbs.push(acc as u32);
    }
    limbs
}

impl<'a> PyInt<'a> {
    /// Builds an int from marshal's 15-bit digits (least significant first);
    /// the limbs of a big one are kept in `arena`.
    pub fn from_digits15(negative: bool, digits: &[u16], arena: &'a crate::Arena) -> PyInt<'a> {
        let limbs = limbs_of_digits15(digits);
        match PyInt::from_limbs(negative, &limbs) {
            PyInt::Big { negative, limbs } => PyInt::Big {
                negative,
                limbs: arena.alloc_slice_copy(limbs),
            },
            PyInt::Small(v) => PyInt::Small(v),
        }
    }

    /// A Python 2 `long` from marshal's 15-bit digits. It keeps the `Big`
    /// form even when the value would fit, because Python 2 tells `long`
    /// from `int` (its `repr` ends in `L`); `to_i64` is `None` for it.
    pub fn long_from_digits15(
        negative: bool,
        digits: &[u16],
        arena: &'a crate::Arena,
    ) -> PyInt<'a> {
        let mut limbs = limbs_of_digits15(digits);
        // Trailing zero limbs dropped, but one kept: 0L has a limb.
        while limbs.len() > 1 && limbs.last() == Some(&0) {
            limbs.pop();
        }
        if limbs.is_empty() {
            limbs.push(0);
        }
        PyInt::Big {
            negative: negative && limbs.iter().any(|&l| l != 0),
            limbs: arena.alloc_slice_copy(&limbs),
        }
    }

    /// Normalises a sign and magnitude, choosing `Small` when it fits.
    pub fn from_limbs(negative: bool, limbs: &'a [u32]) -> PyInt<'a> {
        let mut limbs = limbs;
        while let [rest @ .., 0] = limbs {
            limbs = rest;
        }
        if limbs.len() <= 2 {
            let mag = limbs
                .iter()
                .rev()
                .fold(0u64, |acc, &l| (acc << 32) | u64::from(l));
            if mag <= i64::MAX as u64 {
                let v = mag as i64;
                return PyInt::Small(if negative { -v } else { v });
            }
            if negative && mag == 1u64 << 63 {
                return PyInt::Small(i64::MIN);
            }
        }
        PyInt::Big { negative, limbs }
    }

    /// The value as `i64` when it fits.
    pub fn to_i64(&self) -> Option<i64> {
        match self {
            PyInt::Small(v) => Some(*v),
            PyInt::Big { .. } => None,
        }
    }

    pub fn is_negative(&self) -> bool {
        match self {
            PyInt::Small(v) => *v < 0,
            PyInt::Big { negative, .. } => *negative,
        }
    }

    /// Sign and magnitude limbs (little-endian) of any value.
    pub fn sign_magnitude(&self) -> (bool, Vec<u32>) {
        match self {
            PyInt::Small(v) => {
                let m = v.unsigned_abs();
                let mut limbs = vec![m as u32, (m >> 32) as u32];
                while limbs.last() == Some(&0) {
                    limbs.pop();
                }
                (*v < 0, limbs)
            }
            PyInt::Big { negative, limbs } => (*negative, limbs.to_vec()),
        }
    }

    /// Decimal digits, as Python's `repr(int)` writes them.
    pub fn to_decimal(&self) -> String {
        match self {
            PyInt::Small(v) => v.to_string(),
            PyInt::Big { negative, limbs } => {
                let mut mag = limbs.to_vec();
                // Repeatedly divide by 10^9, collecting 9-digit chunks.
                let mut chunks: Vec<u32> = Vec::new();
                while !mag.is_empty() {
                    let mut rem: u64 = 0;
                    for limb in mag.iter_mut().rev() {
                        let cur = (rem << 32) | u64::from(*limb);
                        *limb = (cur / 1_000_000_000) as u32;
                        rem = cur % 1_000_000_000;
                    }
                    chunks.push(rem as u32);
                    while mag.last() == Some(&0) {
                        mag.pop();
                    }
                }
                let mut out = String::with_capacity(chunks.len() * 9 + 1);
                if *negative {
                    out.push('-');
                }
                let mut iter = chunks.iter().rev();
                if let Some(first) = iter.next() {
                    out.push_str(&first.to_string());
                }
                for c in iter {
                    out.push_str(&format!("{c:09}"));
                }
                out
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_decimal() {
        // 2**100 as 15-bit digits: bit 100 = digit 6, bit 10.
        let mut digits = vec![0u16; 7];
        digits[6] = 1 << 10;
        let arena = crate::Arena::new();
        let v = PyInt::from_digits15(false, &digits, &arena);
        assert_eq!(v.to_decimal(), "1267650600228229401496703205376");
        let v = PyInt::from_digits15(true, &digits, &arena);
        assert_eq!(v.to_decimal(), "-1267650600228229401496703205376");
    }

    #[test]
    fn python2_longs_stay_longs() {
        let arena = crate::Arena::new();
        let v = PyInt::long_from_digits15(false, &[5], &arena);
        assert_eq!(v.to_i64(), None);
        assert_eq!(v.to_decimal(), "5");
        let long = |negative, digits: &[u16]| PyInt::long_from_digits15(negative, digits, &arena);
        assert_eq!(long(false, &[]).to_decimal(), "0");
        assert_eq!(long(true, &[]).to_decimal(), "0");
        assert_eq!(long(true, &[7]).to_decimal(), "-7");
        assert_eq!(long(false, &[0, 0, 1 << 4]).to_decimal(), "17179869184");
    }

    #[test]
    fn small_fits() {
        let arena = crate::Arena::new();
        let v = PyInt::from_digits15(true, &[5], &arena);
        assert_eq!(v, PyInt::Small(-5));
        let v = PyInt::from_limbs(true, &[0, 0x8000_0000, 0]);
        assert_eq!(v, PyInt::Small(i64::MIN));
    }
}
