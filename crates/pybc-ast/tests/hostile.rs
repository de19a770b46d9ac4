//! Whatever bytes come in, parsing returns (a tree or an error) without
//! panicking or overflowing the stack, and printing the tree works.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use pybc_ast::{dump, parse_module, DumpOptions, Error, ErrorKind, Target};

fn run(src: &[u8]) -> Result<String, Error> {
    let mut last = Err(Error::UnsupportedTarget(Target { major: 0, minor: 0 }));
    for target in Target::ALL {
        last = parse_module(src, target).map(|m| {
            dump(
                &m,
                &DumpOptions {
                    target,
                    include_attributes: true,
                    indent: Some(1),
                },
            )
        });
    }
    last
}

fn kind(src: &[u8]) -> Option<ErrorKind> {
    match run(src) {
        Ok(_) => None,
        Err(Error::Syntax(e)) => Some(e.kind),
        Err(e) => panic!("unexpected {e}"),
    }
}

#[test]
fn deep_nesting_is_rejected_not_overflowed() {
    let n = 200_000;
    let cases: Vec<String> = vec![
        format!("x = {}\n", vec!["1"; n].join("+")),
        format!("x = {}1\n", "-".repeat(n)),
        format!("x = {}a\n", "not ".repeat(n)),
        format!("x = a{}\n", ".b".repeat(n)),
        format!("x = a{}\n", "[0]".repeat(n)),
        format!("x = a{}\n", "()".repeat(n)),
        format!("x = {}1\n", "lambda: ".repeat(n)),
        format!("x = {}3\n", "1 if 2 else ".repeat(n)),
        format!("x = {}\n", vec!["2"; n].join("**")),
        format!("x = {}1\n", "await ".repeat(n)),
        format!("x = {}1\n", "*".repeat(n)),
    ];
    for src in cases {
        assert!(kind(src.as_bytes()).is_some(), "accepted {}", &src[..40]);
    }
    let parens = format!("x = {}{}\n", "(".repeat(1000), ")".repeat(1000));
    assert_eq!(kind(parens.as_bytes()), Some(ErrorKind::SyntaxError));
    let fstr = format!("x = {}1{}\n", "f'{".repeat(n), "}'".repeat(n));
    assert!(kind(fstr.as_bytes()).is_some());
    let fstr = format!("x = {}1{}\n", "f'{".repeat(500), "}'".repeat(500));
    assert_eq!(kind(fstr.as_bytes()), Some(ErrorKind::SyntaxError));
    let indent: String = (0..150)
        .map(|i| format!("{}if x:\n", " ".repeat(i)))
        .collect::<String>()
        + &" ".repeat(150)
        + "pass\n";
    assert_eq!(kind(indent.as_bytes()), Some(ErrorKind::IndentationError));
}

/// `elif` clauses nest (each is an `If` in the previous one's `orelse`):
/// 100,000 of them overflowed the stack when the trees were dropped.
#[test]
fn long_elif_chain_is_rejected_not_overflowed() {
    let chain = |n: usize| format!("if a: pass\n{}", "elif a: pass\n".repeat(n));
    assert_eq!(
        kind(chain(100_000).as_bytes()),
        Some(ErrorKind::RecursionError)
    );
    assert!(run(chain(5000).as_bytes()).is_ok());
    // Separate chains, and chains in nested blocks, are counted apart.
    let separate = chain(4000).repeat(3);
    assert!(run(separate.as_bytes()).is_ok());
    let nested = format!("if b:\n    {}", chain(4000).replace('\n', "\n    "));
    assert!(run(format!("{nested}\n{}", chain(4000)).as_bytes()).is_ok());
}

#[test]
fn moderate_depth_is_accepted() {
    let src = format!("x = {}\n", vec!["1"; 2000].join("+"));
    assert!(run(src.as_bytes()).is_ok());
    let src = format!("x = {}1{}\n", "(".repeat(200), ")".repeat(200));
    assert!(run(src.as_bytes()).is_ok());
}

#[test]
fn odd_bytes_never_panic() {
    let samples: &[&[u8]] = &[
        b"",
        b"\x00",
        b"x = 1\x00\n",
        b"\xff\xfe\xfd",
        b"\xef\xbb\xbf",
        b"\xef\xbb\xbf# coding: latin-1\n",
        b"# coding: utf-16\nx = 1\n",
        b"# coding: \xff\n",
        b"x = '\xc3'\n",
        b"x = 1\r\ny = 2\r",
        b"\rx\r\r\n",
        b"\x0c\x0cx = 1\n\x0c",
        b"if x:\n\ty\n        z\n",
        b"\t\t\t\n  \x0c  x\n",
        b"f'{",
        b"f'{x:{y:{z}}}'",
        b"t'{x!r:{y}}' t''",
        b"'''",
        b"\\",
        b"x = \\\n",
        b"\"\\N{",
        b"\"\\N{NOT A NAME}\"",
        b"b'\xe9'",
        b"0b2 0o8 0xg 1e 1_",
        b"def f(*, **k): pass",
        b"match x:\n case {**a, **b}: pass\n",
        b"@\n",
        b"lambda *: 0",
        b"class C(x for x in y): pass",
        b"x: int = yield",
        b"async with a as (b, c): pass",
        b"type X[T = int, *U = *V, **P = []] = T",
        b"try:\n  pass\nexcept* (A, B), C:\n  pass\n",
    ];
    for s in samples {
        let _ = run(s);
    }
    // Every prefix of a valid program.
    let prog = b"def f[T](a, /, b=1, *c, d, **e) -> T:\n    return f'{a!r:>{b}}' + t'{c}'\nclass C: x: int = 1\nmatch y:\n    case [1, *r] if r: pass\n";
    for i in 0..=prog.len() {
        let _ = run(&prog[..i]);
    }
}

#[test]
fn syntax_error_report_is_cpython_shaped() {
    let Err(Error::Syntax(e)) = parse_module(b"x = 1\nprint(x\n", Target::PY313) else {
        panic!("accepted");
    };
    assert_eq!(
        e.traceback("x.py"),
        "  File \"x.py\", line 2\n    print(x\n         ^\nSyntaxError: '(' was never closed\n"
    );
}
