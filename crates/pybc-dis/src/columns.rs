//! Fixed-width columns of a listing: right-aligned numbers and padding,
//! written without going through `core::fmt` (millions of them per
//! standard library).

/// Numbers below this are taken from [`PADDED_SMALL`].
const SMALL: usize = 10_000;

/// Every number below [`SMALL`], right-aligned in 4 columns, one after
/// the other (`"   0   1 … 9999"`): offsets, arguments and line numbers
/// are nearly all below it, and copying 4 bytes beats converting.
const PADDED_SMALL: &str = match std::str::from_utf8(&padded_small()) {
    Ok(text) => text,
    Err(_) => panic!("the table is ASCII"),
};

// Evaluated at compile time: an index out of range fails the build.
#[allow(clippy::indexing_slicing)]
const fn padded_small() -> [u8; 4 * SMALL] {
    let mut table = [b' '; 4 * SMALL];
    let mut n = 0;
    while n < SMALL {
        let mut rest = n;
        let mut at = 4 * n + 3;
        loop {
            table[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
            at -= 1;
        }
        n += 1;
    }
    table
}

// `Ascii` relies on it.
const _: () = assert!(PADDED_SMALL.is_ascii());

/// Sixteen columns of padding.
const SPACES: [u8; 16] = [b' '; 16];

/// A `String` appended to as bytes, ASCII only: copies of fixed-size
/// arrays, which the compiler inlines, where `push_str` of a slice whose
/// length it cannot see calls `memcpy` (and `String::truncate` re-reads a
/// char boundary). A fifth of a listing's time went to those calls.
struct Ascii<'a>(&'a mut Vec<u8>);

impl<'a> Ascii<'a> {
    #[allow(unsafe_code)]
    fn new(out: &'a mut String) -> Ascii<'a> {
        // SAFETY: `as_mut_vec` needs the bytes to be UTF-8 again when the
        // borrow ends. `Ascii` only appends ASCII bytes (`SPACES`, slices
        // of `PADDED_SMALL`, ASCII as asserted above, and `PaddedName`s,
        // checked when made) and only
        // truncates back to a length no shorter than it found: what it
        // leaves is the UTF-8 it was given, followed by ASCII.
        Ascii(unsafe { out.as_mut_vec() })
    }

    fn spaces(&mut self, n: usize) {
        let end = self.0.len() + n;
        for _ in 0..n.div_ceil(16) {
            self.0.extend_from_slice(&SPACES);
        }
        self.0.truncate(end);
    }

    /// Entry `n` of `PADDED_SMALL`, its last `width` columns (at least
    /// the digits). Up to 16 columns take one fixed-size copy.
    #[inline(always)]
    fn small(&mut self, n: usize, width: usize) {
        let padded: [u8; 4] = match PADDED_SMALL.as_bytes().get(4 * n..4 * n + 4) {
            Some(&[a, b, c, d]) => [a, b, c, d],
            _ => SPACES.first_chunk().copied().unwrap_or_default(),
        };
        let digits = match n {
            0..10 => 1,
            10..100 => 2,
            100..1000 => 3,
            _ => 4,
        };
        let columns = width.max(digits);
        let end = self.0.len() + columns;
        if columns <= 4 {
            // The entry's last `columns` bytes, moved to the front.
            let shifted = u32::from_be_bytes(padded) << (8 * (4 - columns));
            self.0.extend_from_slice(&shifted.to_be_bytes());
            self.0.truncate(end);
        } else if columns <= 16 {
            let mut piece = SPACES;
            if let Some(slot) = piece.get_mut(columns - 4..columns) {
                slot.copy_from_slice(&padded);
            }
            self.0.extend_from_slice(&piece);
            self.0.truncate(end);
        } else {
            self.spaces(columns - 4);
            self.0.extend_from_slice(&padded);
        }
    }
}

/// An opcode name followed by spaces to 32 bytes, checked to be ASCII:
/// a listing writes it, with its padding, as one fixed-size copy.
#[derive(Clone, Copy)]
pub(crate) struct PaddedName {
    bytes: [u8; 32],
    len: usize,
}

impl PaddedName {
    /// `None` for a name that is not ASCII or leaves no room for padding.
    pub(crate) fn new(name: &str) -> Option<PaddedName> {
        let mut bytes = [b' '; 32];
        bytes
            .get_mut(..name.len())
            .filter(|_| name.is_ascii() && name.len() < 32)?
            .copy_from_slice(name.as_bytes());
        Some(PaddedName {
            bytes,
            len: name.len(),
        })
    }
}

/// `name`, then at least `gap` spaces and as many more as reach `columns`
/// columns (no more than 32 in all).
pub(crate) fn push_padded_name(out: &mut String, name: &PaddedName, columns: usize, gap: usize) {
    let ascii = Ascii::new(out);
    let end = ascii.0.len() + (name.len + gap).max(columns).min(32);
    ascii.0.extend_from_slice(&name.bytes);
    ascii.0.truncate(end);
}

/// `f"{n:>width}"`, without going through `core::fmt`. Inlined: it runs
/// three times a line, and a call saved and restored more registers than
/// the copy itself takes (`always`: left to itself, the compiler kept
/// it out of line).
#[inline(always)]
pub(crate) fn push_int_right(out: &mut String, n: i64, width: usize) {
    match usize::try_from(n) {
        Ok(small) if small < SMALL => Ascii::new(out).small(small, width),
        _ => push_large_int_right(out, n, width),
    }
}

/// The rare numbers (large or negative): the digits, then the padding
/// before them.
#[cold]
#[inline(never)]
fn push_large_int_right(out: &mut String, n: i64, width: usize) {
    let start = out.len();
    pybc_repr::push_decimal(out, n);
    let len = out.len() - start;
    if len < width {
        let mut padding = String::new();
        push_spaces(&mut padding, width - len);
        out.insert_str(start, &padding);
    }
}

pub(crate) fn push_spaces(out: &mut String, n: usize) {
    Ascii::new(out).spaces(n);
}

#[cfg(test)]
mod tests {
    #[test]
    fn right_aligned_numbers_match_rust_formatting() {
        let numbers = [
            0i64, 5, 9, 10, 99, 100, 999, 1000, 9998, 9999, 10_000, 123_456, -1, -42,
        ];
        for n in numbers.into_iter().chain(0..10_100) {
            for width in 0..20 {
                let mut out = String::from("x");
                super::push_int_right(&mut out, n, width);
                assert_eq!(out, format!("x{n:>width$}"), "{n} in {width}");
            }
        }
    }

    #[test]
    fn padded_names_pad_like_rust_formatting() {
        use super::{push_padded_name, PaddedName};
        for name in [
            "NOP",
            "LOAD_CONST",
            "POP_JUMP_FORWARD_IF_FALSE",
            &"X".repeat(31),
        ] {
            let padded = PaddedName::new(name).unwrap_or_else(|| panic!("{name} fits"));
            for (columns, gap) in [(0, 0), (20, 0), (21, 1), (40, 1)] {
                let mut out = String::from("é");
                push_padded_name(&mut out, &padded, columns, gap);
                let width = (name.len() + gap).max(columns).min(32);
                assert_eq!(out, format!("é{name:<width$}"), "{name} {columns} {gap}");
            }
        }
        assert!(PaddedName::new(&"X".repeat(32)).is_none());
        assert!(PaddedName::new("NOPé").is_none());
    }
}
