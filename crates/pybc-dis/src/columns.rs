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
    // Rare (large or negative): the digits, then the padding before them.
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
}
