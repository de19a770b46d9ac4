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

/// `f"{n:>width}"`, without going through `core::fmt`.
pub(crate) fn push_int_right(out: &mut String, n: i64, width: usize) {
    if let Some(small) = usize::try_from(n).ok().filter(|&n| n < SMALL) {
        let padded = PADDED_SMALL
            .get(4 * small..4 * small + 4)
            .unwrap_or_default();
        if width >= 4 {
            push_spaces(out, width - 4);
            out.push_str(padded);
        } else {
            // Narrower than 4: only the table's padding beyond `width` goes.
            let digits = padded.trim_start();
            let field = padded.get(4 - width..).unwrap_or_default();
            out.push_str(if digits.len() > field.len() {
                digits
            } else {
                field
            });
        }
        return;
    }
    let mut digits = Digits::new();
    let text = digits.format_bytes(n);
    push_spaces(out, width.saturating_sub(text.len()));
    // ASCII: pushed as chars, with no UTF-8 check of the digits.
    for &b in text {
        out.push(char::from(b));
    }
}

pub(crate) fn push_spaces(out: &mut String, n: usize) {
    // Padding is a few spaces: pushed as fixed-size pieces (copies the
    // compiler inlines), neither calling `memcpy` for a sized copy nor
    // truncating an over-long one (which reads back what was just written).
    for _ in 0..n / 16 {
        out.push_str("                ");
    }
    if n & 8 != 0 {
        out.push_str("        ");
    }
    if n & 4 != 0 {
        out.push_str("    ");
    }
    if n & 2 != 0 {
        out.push_str("  ");
    }
    if n & 1 != 0 {
        out.push(' ');
    }
}

/// Decimal text of an integer, built on the stack two digits at a time.
struct Digits {
    /// 20 digits and a sign at most.
    buf: [u8; 24],
}

/// "00" to "99".
const DIGIT_PAIRS: &[u8; 200] = b"\
0001020304050607080910111213141516171819\
2021222324252627282930313233343536373839\
4041424344454647484950515253545556575859\
6061626364656667686970717273747576777879\
8081828384858687888990919293949596979899";

impl Digits {
    fn new() -> Digits {
        Digits { buf: [b'-'; 24] }
    }

    #[cfg(test)]
    fn format(&mut self, n: i64) -> &str {
        std::str::from_utf8(self.format_bytes(n)).unwrap_or_default()
    }

    /// The ASCII digits (and sign) of `n`.
    fn format_bytes(&mut self, n: i64) -> &[u8] {
        let mut at = self.buf.len();
        let mut rest = n.unsigned_abs();
        while rest >= 100 {
            let pair = (rest % 100) as usize * 2;
            rest /= 100;
            at -= 2;
            if let (Some(dst), Some(src)) = (
                self.buf.get_mut(at..at + 2),
                DIGIT_PAIRS.get(pair..pair + 2),
            ) {
                dst.copy_from_slice(src);
            }
        }
        if rest >= 10 {
            let pair = rest as usize * 2;
            at -= 2;
            if let (Some(dst), Some(src)) = (
                self.buf.get_mut(at..at + 2),
                DIGIT_PAIRS.get(pair..pair + 2),
            ) {
                dst.copy_from_slice(src);
            }
        } else {
            at -= 1;
            if let Some(d) = self.buf.get_mut(at) {
                *d = b'0' + rest as u8;
            }
        }
        if n < 0 {
            // The buffer is filled with '-'.
            at -= 1;
        }
        self.buf.get(at..).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn right_aligned_numbers_match_rust_formatting() {
        let numbers = [
            0i64, 5, 9, 10, 99, 100, 999, 1000, 9998, 9999, 10_000, 123_456, -1, -42,
        ];
        for n in numbers.into_iter().chain(0..1100) {
            for width in 0..8 {
                let mut out = String::from("x");
                super::push_int_right(&mut out, n, width);
                assert_eq!(out, format!("x{n:>width$}"), "{n} in {width}");
            }
        }
    }

    #[test]
    fn digits_match_rust_formatting() {
        for n in [
            0i64,
            7,
            9,
            10,
            99,
            100,
            12345,
            -1,
            -10,
            -100,
            i64::MAX,
            i64::MIN,
        ] {
            assert_eq!(super::Digits::new().format(n), n.to_string());
        }
    }
}
