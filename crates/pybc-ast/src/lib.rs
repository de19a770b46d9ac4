//! Python source → a CPython-shaped AST.
//!
//! Parsing is done by the `ruff_python_parser` crate; its tree is lowered
//! into this crate's own node types ([`ast`]), which mirror CPython 3.13's
//! `ast` module node for node and field for field, with CPython's positions
//! (1-based lines, UTF-8 byte columns).  [`dump`] prints a module exactly as
//! `ast.dump(ast.parse(source), include_attributes=..., indent=...)` does.
//!
//! ```
//! use pybc_ast::{dump, parse_module, Target};
//! let m = parse_module(b"x = 1\n", Target::PY313).unwrap();
//! assert_eq!(
//!     dump(&m, false, None),
//!     "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=Constant(value=1))])"
//! );
//! ```

pub mod ast;
mod dump;
mod lower;
mod printable_table;
pub mod repr;
mod source;

use std::fmt;

use ruff_text_size::Ranged;

pub use ast::Module;
pub use dump::dump;

/// The Python version whose grammar and AST shape are targeted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Target {
    pub major: u8,
    pub minor: u8,
}

impl Target {
    pub const PY313: Target = Target {
        major: 3,
        minor: 13,
    };

    /// Whether this crate supports the target (only 3.13 for now).
    pub fn is_supported(self) -> bool {
        self == Target::PY313
    }
}

impl Default for Target {
    fn default() -> Self {
        Target::PY313
    }
}

/// A syntax error, positioned like CPython's `SyntaxError` (1-based line,
/// 0-based UTF-8 byte column).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub msg: String,
    pub lineno: u32,
    pub col_offset: u32,
    pub end_lineno: u32,
    pub end_col_offset: u32,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (line {}, column {})",
            self.msg,
            self.lineno,
            self.col_offset + 1
        )
    }
}

impl std::error::Error for SyntaxError {}

/// CPython's limit on bracket nesting in the tokenizer (`MAXLEVEL`).
const MAX_PAREN_LEVEL: usize = 200;

/// Context for turning a ruff parse error into CPython's message.
struct ErrCtx<'a> {
    text: &'a str,
    lines: &'a source::LineIndex,
    tokens: &'a [ruff_python_ast::token::Token],
}

impl ErrCtx<'_> {
    /// 1-based line on which the source ends, as the tokenizer counts it.
    fn last_line(&self) -> u32 {
        let n = u32::try_from(self.text.matches('\n').count()).unwrap_or(u32::MAX);
        if self.text.ends_with('\n') || self.text.is_empty() {
            n.max(1)
        } else {
            n + 1
        }
    }

    /// Line of the last token before `offset` whose text is `word`.
    fn keyword_line(&self, offset: u32, word: &str) -> Option<u32> {
        let idx = self.tokens.partition_point(|t| t.start().to_u32() < offset);
        self.tokens.get(..idx)?.iter().rev().find_map(|t| {
            let (s, e) = (t.start().to_usize(), t.end().to_usize());
            (self.text.get(s..e) == Some(word)).then(|| self.lines.line_col(t.start().to_u32()).0)
        })
    }

    fn message(&self, e: &ruff_python_parser::ParseErrorType, start: u32) -> Option<String> {
        use ruff_python_ast::token::TokenKind as K;
        use ruff_python_parser::{LexicalErrorType as L, ParseErrorType as P};
        let msg = match e {
            P::UnexpectedIndentation => "unexpected indent".to_owned(),
            P::NonDefaultParamAfterDefaultParam => {
                "parameter without a default follows parameter with a default".to_owned()
            }
            P::PositionalAfterKeywordArgument => {
                "positional argument follows keyword argument".to_owned()
            }
            P::PositionalAfterKeywordUnpacking => {
                "positional argument follows keyword argument unpacking".to_owned()
            }
            P::ExpectedToken {
                expected: K::Colon, ..
            } => "expected ':'".to_owned(),
            P::Lexical(L::IndentationError) => {
                "unindent does not match any outer indentation level".to_owned()
            }
            P::Lexical(L::InvalidByteLiteral) => {
                "bytes can only contain ASCII literal characters".to_owned()
            }
            P::Lexical(L::UnrecognizedToken { tok }) => {
                let cp = u32::from(*tok);
                if tok.is_ascii() && !tok.is_ascii_control() {
                    return None;
                } else if repr::is_printable(cp) {
                    format!("invalid character '{tok}' (U+{cp:04X})")
                } else {
                    format!("invalid non-printable character U+{cp:04X}")
                }
            }
            P::Lexical(L::UnclosedStringError)
            | P::Lexical(L::FStringError(_))
            | P::FStringError(_) => {
                let rest = self.text.get(start as usize..).unwrap_or("");
                let body = rest.trim_start_matches(|c: char| c.is_ascii_alphabetic());
                let triple = ["'''", "\"\"\""].iter().any(|q| body.starts_with(q));
                if triple {
                    format!(
                        "unterminated triple-quoted string literal (detected at line {})",
                        self.last_line()
                    )
                } else if body.starts_with(['\'', '"'])
                    && matches!(e, P::Lexical(L::UnclosedStringError))
                {
                    format!(
                        "unterminated string literal (detected at line {})",
                        self.lines.line_col(start).0
                    )
                } else {
                    return None;
                }
            }
            P::Lexical(L::LineContinuationError) => {
                "unexpected character after line continuation character".to_owned()
            }
            P::OtherError(m) => {
                let what = m.strip_prefix("Expected an indented block after ")?;
                let (word, desc) = match what {
                    "function definition" => ("def", "function definition".to_owned()),
                    "class definition" => ("class", "class definition".to_owned()),
                    _ => {
                        let kw = what.strip_prefix('`')?.split('`').next()?;
                        (kw, format!("'{kw}' statement"))
                    }
                };
                let line = self.keyword_line(start, word)?;
                format!("expected an indented block after {desc} on line {line}")
            }
            _ => return None,
        };
        Some(msg)
    }
}

/// Parses a module's source bytes (BOM, PEP 263 coding declarations,
/// CRLF/CR newlines handled as CPython does).
pub fn parse_module(source: &[u8], target: Target) -> Result<Module, SyntaxError> {
    if !target.is_supported() {
        return Err(SyntaxError {
            msg: format!(
                "unsupported target Python {}.{}",
                target.major, target.minor
            ),
            lineno: 1,
            col_offset: 0,
            end_lineno: 1,
            end_col_offset: 0,
        });
    }
    let src = source::Source::decode(source)?;
    let text = src.text.as_str();
    let lines = source::LineIndex::new(text);
    let options = ruff_python_parser::ParseOptions::from(ruff_python_parser::Mode::Module)
        .with_target_version(ruff_python_ast::PythonVersion::PY313);
    let parsed = ruff_python_parser::parse_unchecked(text, options);
    let make_err = |msg: String, start: u32, end: u32| {
        let (lineno, col_offset) = lines.line_col(start);
        let (end_lineno, end_col_offset) = lines.line_col(end);
        SyntaxError {
            msg,
            lineno,
            col_offset,
            end_lineno,
            end_col_offset,
        }
    };
    // Bracket nesting as the tokenizer tracks it: the nesting limit, and
    // unmatched / unclosed brackets (reported where the parser would only
    // say "invalid syntax").
    let mut stack: Vec<(char, u32)> = Vec::new();
    let mut bracket_error: Option<(String, u32)> = None;
    for tok in parsed.tokens().iter() {
        use ruff_python_ast::token::TokenKind as K;
        let s = tok.range().start().to_u32();
        let open = match tok.kind() {
            K::Lpar => Some('('),
            K::Lsqb => Some('['),
            K::Lbrace => Some('{'),
            _ => None,
        };
        let close = match tok.kind() {
            K::Rpar => Some((')', '(')),
            K::Rsqb => Some((']', '[')),
            K::Rbrace => Some(('}', '{')),
            _ => None,
        };
        if let Some(c) = open {
            stack.push((c, s));
            if stack.len() >= MAX_PAREN_LEVEL {
                return Err(make_err("too many nested parentheses".to_owned(), s, s + 1));
            }
        } else if let Some((c, want)) = close {
            match stack.pop() {
                None => {
                    if bracket_error.is_none() {
                        bracket_error = Some((format!("unmatched '{c}'"), s));
                    }
                }
                Some((o, _)) if o != want => {
                    if bracket_error.is_none() {
                        bracket_error = Some((
                            format!("closing parenthesis '{c}' does not match opening parenthesis '{o}'"),
                            s,
                        ));
                    }
                }
                Some(_) => {}
            }
        }
    }
    if bracket_error.is_none() {
        if let Some(&(o, s)) = stack.last() {
            bracket_error = Some((format!("'{o}' was never closed"), s));
        }
    }
    if let Some(e) = parsed.errors().first() {
        let (s, en) = (e.location.start().to_u32(), e.location.end().to_u32());
        let ctx = ErrCtx {
            text,
            lines: &lines,
            tokens: parsed.tokens(),
        };
        return Err(match ctx.message(&e.error, s) {
            Some(msg) => make_err(msg, s, en),
            None => match bracket_error {
                Some((msg, bs)) => make_err(msg, bs, bs + 1),
                None if matches!(
                    e.error,
                    ruff_python_parser::ParseErrorType::Lexical(
                        ruff_python_parser::LexicalErrorType::Eof
                    )
                ) =>
                {
                    make_err("unexpected EOF while parsing".to_owned(), s, en)
                }
                None => make_err("invalid syntax".to_owned(), s, en),
            },
        });
    }
    if let Some(e) = parsed.unsupported_syntax_errors().first() {
        let (s, en) = (e.range.start().to_u32(), e.range.end().to_u32());
        return Err(make_err("invalid syntax".to_owned(), s, en));
    }
    let Some(module) = parsed.syntax().as_module() else {
        return Err(make_err("invalid syntax".to_owned(), 0, 0));
    };
    let lower = lower::Lower {
        text,
        lines: source::LineIndex::new(text),
        tokens: parsed.tokens(),
    };
    Ok(lower.module(module))
}
