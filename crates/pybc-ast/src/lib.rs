//! Python source → a CPython-shaped AST, the front end of pybc's compiler.
//!
//! Parsing is done by the `ruff_python_parser` crate; its tree is lowered
//! into this crate's own node types ([`ast`]), which mirror CPython's `ast`
//! module node for node and field for field (the union over the supported
//! targets: `TypeVar.default_value` from 3.13, `TemplateStr` and
//! `Interpolation` from 3.14), with CPython's positions (1-based lines,
//! UTF-8 byte columns).  [`dump`] prints a module exactly as the target's
//! `ast.dump(ast.parse(source), include_attributes=..., indent=...)` does
//! (3.12 prints empty list fields, 3.13+ leaves them out; constants go
//! through `pybc-repr`, so each version's `repr` and printable-character
//! table apply).
//!
//! ```
//! use pybc_ast::{dump, parse_module, DumpOptions, Target};
//! let m = parse_module(b"x = 1\n", Target::PY313).unwrap();
//! let options = DumpOptions { target: Target::PY313, include_attributes: false, indent: None };
//! assert_eq!(
//!     dump(&m, &options),
//!     "Module(body=[Assign(targets=[Name(id='x', ctx=Store())], value=Constant(value=1))])"
//! );
//! ```
//!
//! # Pipeline
//!
//! 1. `source`: BOM, PEP 263 coding declarations (CPython's name
//!    normalisation and messages), decoding, universal newlines.
//! 2. Depth guard: the lexer's tokens give an upper bound of the expression
//!    nesting; past [`MAX_EXPR_DEPTH`] the source is rejected (as CPython
//!    rejects it with `RecursionError`) before any recursive pass runs.
//! 3. `ruff_python_parser::parse_unchecked` with the target version: the
//!    tree, the token stream, parse errors and "unsupported syntax" errors
//!    for the target.
//! 4. Tokenizer limits (`MAXINDENT`, `MAXLEVEL`, f-string nesting), tab
//!    consistency (`TabError`), brackets; then the first error becomes a
//!    [`SyntaxError`] with CPython's message and position (`messages`).
//! 5. `lower`: ruff's tree → [`ast`] (implicit concatenation folded, f- and
//!    t-string pieces, docstrings, positions of parenthesised tuples and
//!    generator expressions as CPython records them).
//!
//! # Choice of parser
//!
//! Evaluated: the crates.io `ruff_python_parser` (the parser of Ruff,
//! published by Astral as an internal component crate, versions 0.0.x),
//! its republish `rustpython-ruff_python_parser` (an unofficial fork for
//! RustPython, versions 0.15.x), and writing a parser.
//!
//! - Maintenance: the Ruff parser is exercised daily by Ruff and ty on a
//!   very large body of code and follows new syntax quickly (PEP 695, 696,
//!   701, 750 t-strings, 758 are all there); releases are frequent (0.0.10
//!   to 0.0.20 at the time of writing). The RustPython republish follows
//!   it with a lag. Writing our own would duplicate that work.
//! - API: `parse_unchecked` never fails; it returns the tree, the tokens
//!   (with ranges) and a list of errors, and takes a target version so that
//!   syntax newer than the target is reported. Node ranges exclude
//!   enclosing parentheses, so the lowering consults the token stream where
//!   CPython's positions include them. The crates are internal to Ruff: the
//!   API changes between releases, hence the exact pin (`=0.0.10`, the
//!   newest release whose `rust-version` the project's rustc 1.95 meets).
//! - Speed: `scripts/bench_ast.py` (parse + lower against CPython's
//!   `ast.parse`, which also builds the Python objects, over CPython 3.13's
//!   standard library with `test/`, 1726 files, 33 MB, one thread): pybc-ast
//!   1.31 s, CPython 3.13.0 7.52 s, a ratio of 5.8.
//!
//! # Limits
//!
//! Nesting deeper than [`MAX_EXPR_DEPTH`] is rejected even where a newer
//! CPython accepts it; a few rare syntax errors get `invalid syntax` or a
//! different position instead of CPython's specific message
//! (`scripts/ast_conformance.py` reports them per version over the standard
//! library; `scripts/ast_error_snippets.py` over the error examples of
//! CPython's `test_syntax.py`). Caret spans in [`SyntaxError::traceback`]
//! follow our end positions, which can differ from CPython's.

pub mod ast;
mod dump;
mod lower;
mod messages;
mod repr;
mod source;

use std::fmt;

use ruff_text_size::Ranged;

pub use ast::Module;
pub use dump::{dump, DumpOptions};

/// The Python version whose grammar and AST shape are targeted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Target {
    pub major: u8,
    pub minor: u8,
}

impl Target {
    pub const PY312: Target = Target {
        major: 3,
        minor: 12,
    };
    pub const PY313: Target = Target {
        major: 3,
        minor: 13,
    };
    pub const PY314: Target = Target {
        major: 3,
        minor: 14,
    };
    /// Every supported target, oldest first.
    pub const ALL: [Target; 3] = [Target::PY312, Target::PY313, Target::PY314];

    /// Whether this crate supports the target.
    pub fn is_supported(self) -> bool {
        Target::ALL.contains(&self)
    }

    /// Parses `"3.13"`; `None` for anything else than a supported `X.Y`.
    pub fn parse(s: &str) -> Option<Target> {
        let (a, b) = s.split_once('.')?;
        let t = Target {
            major: a.parse().ok()?,
            minor: b.parse().ok()?,
        };
        t.is_supported().then_some(t)
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

impl Default for Target {
    fn default() -> Self {
        Target::PY313
    }
}

/// The class of a syntax error, as CPython raises it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    SyntaxError,
    IndentationError,
    TabError,
    /// CPython's `RecursionError` for a tree too deep to build.
    RecursionError,
}

impl ErrorKind {
    /// The kind CPython uses for a message.
    fn for_message(msg: &str) -> ErrorKind {
        if msg.starts_with("inconsistent use of tabs") {
            ErrorKind::TabError
        } else if msg == "unexpected indent"
            || msg == "unexpected unindent"
            || msg.starts_with("expected an indented block")
            || msg.starts_with("unindent does not match")
        {
            ErrorKind::IndentationError
        } else {
            ErrorKind::SyntaxError
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::SyntaxError => "SyntaxError",
            ErrorKind::IndentationError => "IndentationError",
            ErrorKind::TabError => "TabError",
            ErrorKind::RecursionError => "RecursionError",
        })
    }
}

/// A syntax error with CPython's fields: 1-based `lineno`, 1-based
/// `offset` counted in characters, the same for the end (`None` where
/// CPython has `None`; encoding errors have line 0 and offset -1 as in
/// CPython), and the offending source line.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{kind}: {msg} (line {}, offset {})", opt(lineno), opt(offset))]
pub struct SyntaxError {
    pub kind: ErrorKind,
    pub msg: String,
    pub lineno: Option<u32>,
    pub offset: Option<i32>,
    pub end_lineno: Option<u32>,
    pub end_offset: Option<i32>,
    /// The source line, without its newline, when known.
    pub text: Option<String>,
}

/// A field as Python prints an optional int.
fn opt<T: fmt::Display>(v: &Option<T>) -> String {
    v.as_ref().map_or_else(|| "None".to_owned(), T::to_string)
}

impl SyntaxError {
    /// An error at a line and offset, with no source line.
    pub(crate) fn at(
        lineno: Option<u32>,
        offset: Option<i32>,
        msg: impl Into<String>,
    ) -> SyntaxError {
        let msg = msg.into();
        SyntaxError {
            kind: ErrorKind::for_message(&msg),
            msg,
            lineno,
            offset,
            end_lineno: lineno,
            end_offset: offset,
            text: None,
        }
    }

    /// `lineno` and `offset` as CPython prints them (`None` or a number).
    pub fn position(&self) -> (String, String) {
        (opt(&self.lineno), opt(&self.offset))
    }

    /// What CPython's traceback prints for this error when `filename`
    /// fails to compile (`traceback.format_exception_only`, no colour):
    /// the file and line, the stripped source line with carets under the
    /// offending range, and `Kind: message`.
    pub fn traceback(&self, filename: &str) -> String {
        let mut out = String::new();
        let mut suffix = String::new();
        match self.lineno {
            Some(l) => out.push_str(&format!("  File \"{filename}\", line {l}\n")),
            None => suffix = format!(" ({filename})"),
        }
        if let (Some(text), Some(offset)) = (&self.text, self.offset) {
            let rtext: Vec<char> = text.trim_end_matches('\n').chars().collect();
            let ltext_start = rtext
                .iter()
                .position(|&c| !matches!(c, ' ' | '\n' | '\x0c'))
                .unwrap_or(rtext.len());
            let ltext: String = rtext.get(ltext_start..).unwrap_or(&[]).iter().collect();
            let spaces = ltext_start as i64;
            let len = rtext.len() as i64;
            let mut offset = i64::from(offset);
            let end_offset = self.end_offset.unwrap_or(0);
            let mut end = if self.lineno == self.end_lineno && end_offset != 0 {
                i64::from(end_offset)
            } else if self.lineno == self.end_lineno {
                offset
            } else {
                len + 1
            };
            // `len(self.text)` counts the newline CPython keeps in `text`.
            if offset > len + 1 {
                offset = len + 1;
            }
            if end > len + 1 {
                end = len + 1;
            }
            if offset >= end {
                end = offset + 1;
            }
            let colno = offset - 1 - spaces;
            let end_colno = end - 1 - spaces;
            out.push_str(&format!("    {ltext}\n"));
            if colno >= 0 {
                let pad: String = ltext
                    .chars()
                    .take(usize::try_from(colno).unwrap_or(0))
                    .map(|c| if c.is_whitespace() { c } else { ' ' })
                    .collect();
                let carets = "^".repeat(usize::try_from(end_colno - colno).unwrap_or(1));
                out.push_str(&format!("    {pad}{carets}\n"));
            }
        }
        out.push_str(&format!("{}: {}{suffix}\n", self.kind, self.msg));
        out
    }
}

/// Why a source could not be turned into an AST.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Syntax(#[from] SyntaxError),
    #[error("unsupported target Python {0} (supported: 3.12, 3.13, 3.14)")]
    UnsupportedTarget(Target),
}

/// CPython's limit on bracket nesting in the tokenizer (`MAXLEVEL`).
const MAX_PAREN_LEVEL: usize = 200;

/// CPython's limit on indentation levels in the tokenizer (`MAXINDENT`).
const MAX_INDENT: usize = 100;

/// CPython's limit on f-string nesting in the tokenizer (`MAXFSTRINGLEVEL`).
const MAX_FSTRING_LEVEL: usize = 150;

/// Limit on the estimated depth of an expression tree. CPython 3.12 builds
/// chains of 2000 operators and rejects 3000 ("maximum recursion depth
/// exceeded during ast construction"); later versions allow more. Every
/// recursive pass of this crate stays well within its stack below this.
pub const MAX_EXPR_DEPTH: u32 = 2500;

/// Limit on the `elif` clauses of one `if` statement: they become nested
/// `If` nodes, as deep as the chain is long. CPython 3.13's parser gives up
/// after 5965 ("Parser stack overflowed"); a longer chain is refused here
/// before any recursive pass meets it.
pub const MAX_ELIF_CHAIN: u32 = 6000;

/// An upper bound of the expression nesting reached anywhere in the token
/// stream: per open bracket, the operators, keywords and trailers of the
/// current element, plus the brackets themselves. Returns the offset of the
/// Runs on the lexer's tokens before parsing, so that no pass (the parser,
/// the lowering, the printer, dropping either tree) meets a deeper tree.
fn too_deep(text: &str) -> bool {
    use ruff_python_ast::token::TokenKind as K;
    let mut lexer = ruff_python_parser::lexer::lex(text, ruff_python_parser::Mode::Module);
    let mut levels: Vec<u32> = vec![0];
    let mut sum: u32 = 0;
    // The `elif` clauses of the chain open in each indented block.
    let mut elifs: Vec<u32> = vec![0];
    let mut statement_start = true;
    loop {
        let kind = lexer.next_token();
        match kind {
            K::Indent => elifs.push(0),
            K::Dedent if elifs.len() > 1 => {
                elifs.pop();
            }
            K::If if statement_start => {
                if let Some(chain) = elifs.last_mut() {
                    *chain = 0;
                }
            }
            K::Elif => {
                if let Some(chain) = elifs.last_mut() {
                    *chain = chain.saturating_add(1);
                    if *chain > MAX_ELIF_CHAIN {
                        return true;
                    }
                }
            }
            _ => {}
        }
        statement_start = matches!(kind, K::Newline | K::Indent | K::Dedent);
        match kind {
            K::EndOfFile => return false,
            K::Lpar | K::Lsqb | K::Lbrace => levels.push(0),
            K::Rpar | K::Rsqb | K::Rbrace => {
                if levels.len() > 1 {
                    sum -= levels.pop().unwrap_or(0);
                }
                if let Some(last) = levels.last_mut() {
                    *last += 1;
                    sum += 1;
                }
            }
            K::Comma | K::Newline | K::Semi | K::Equal => {
                if let Some(last) = levels.last_mut() {
                    sum -= *last;
                    *last = 0;
                }
            }
            K::Name
            | K::Int
            | K::Float
            | K::Complex
            | K::String
            | K::NonLogicalNewline
            | K::Comment
            | K::Indent
            | K::Dedent => {}
            _ => {
                if let Some(last) = levels.last_mut() {
                    *last += 1;
                    sum += 1;
                }
            }
        }
        let depth = sum.saturating_add(u32::try_from(levels.len()).unwrap_or(u32::MAX));
        if depth > MAX_EXPR_DEPTH {
            return true;
        }
    }
}

/// Context for turning a ruff parse error into CPython's message.
pub(crate) struct ErrCtx<'a> {
    target: Target,
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

    /// Whether the last `word` token before `offset` is followed by `*`.
    fn star_follows(&self, offset: u32, word: &str) -> bool {
        let idx = self.tokens.partition_point(|t| t.start().to_u32() < offset);
        let toks = self.tokens.get(..idx).unwrap_or(&[]);
        toks.iter()
            .rposition(|t| self.text.get(t.start().to_usize()..t.end().to_usize()) == Some(word))
            .and_then(|i| toks.get(i + 1))
            .is_some_and(|t| t.kind() == ruff_python_ast::token::TokenKind::Star)
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
                } else if repr::is_printable(*tok, self.target) {
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
                    "class definition" | "`class` definition" => {
                        ("class", "class definition".to_owned())
                    }
                    "`def` definition" => ("def", "function definition".to_owned()),
                    _ => {
                        let kw = what.strip_prefix('`')?.split('`').next()?;
                        (kw, format!("'{kw}' statement"))
                    }
                };
                let line = self.keyword_line(start, word)?;
                let desc = if word == "except" && self.star_follows(start, word) {
                    "'except*' statement".to_owned()
                } else {
                    desc
                };
                format!("expected an indented block after {desc} on line {line}")
            }
            _ => return None,
        };
        Some(msg)
    }
}

/// The first logical line whose indentation compares differently with tab
/// stops of 8 and of 1 (CPython's `TabError` check); its start offset.
fn inconsistent_tabs(
    text: &str,
    lines: &source::LineIndex,
    tokens: &[ruff_python_ast::token::Token],
) -> Option<u32> {
    use ruff_python_ast::token::TokenKind as K;
    let mut stack: Vec<(u32, u32)> = vec![(0, 0)];
    let mut at_line_start = true;
    for t in tokens {
        let k = t.kind();
        if matches!(k, K::Newline) {
            at_line_start = true;
            continue;
        }
        if matches!(k, K::Indent | K::Dedent | K::Comment | K::NonLogicalNewline) || !at_line_start
        {
            continue;
        }
        at_line_start = false;
        let (line, col0) = lines.line_col(t.start().to_u32());
        let line_start = t.start().to_u32() - col0;
        let lead = lines
            .line_text(text, line)
            .get(..col0 as usize)
            .unwrap_or("");
        let (mut col, mut alt) = (0u32, 0u32);
        for c in lead.chars() {
            match c {
                ' ' => {
                    col += 1;
                    alt += 1;
                }
                '\t' => {
                    col = (col / 8 + 1) * 8;
                    alt += 1;
                }
                '\x0c' => {
                    col = 0;
                    alt = 0;
                }
                _ => {}
            }
        }
        let &(top, top_alt) = stack.last()?;
        if col == top {
            if alt != top_alt {
                return Some(line_start);
            }
        } else if col > top {
            if alt <= top_alt {
                return Some(line_start);
            }
            stack.push((col, alt));
        } else {
            while stack.len() > 1 && stack.last().is_some_and(|&(c, _)| col < c) {
                stack.pop();
            }
            let &(c, a) = stack.last()?;
            if col == c && alt != a {
                return Some(line_start);
            }
        }
    }
    None
}

/// Message and range for syntax the target version does not have.
fn unsupported(
    text: &str,
    tokens: &[ruff_python_ast::token::Token],
    e: &ruff_python_parser::UnsupportedSyntaxError,
) -> (String, u32, u32) {
    use ruff_python_parser::UnsupportedSyntaxErrorKind as U;
    let (s, en) = (e.range.start().to_u32(), e.range.end().to_u32());
    match e.kind {
        U::TemplateStrings => {
            // Older tokenizers read the prefix as a name, then a string.
            let prefix = text
                .get(s as usize..)
                .unwrap_or("")
                .bytes()
                .take_while(u8::is_ascii_alphabetic)
                .count();
            let at = s + u32::try_from(prefix).unwrap_or(0);
            ("invalid syntax".to_owned(), at, at + 1)
        }
        U::UnparenthesizedExceptionTypes => (
            "multiple exception types must be parenthesized".to_owned(),
            s,
            en,
        ),
        U::TypeParamDefault => {
            // A `def`'s type parameter list fails to parse: CPython then
            // expects the parameters at its `[`.
            let idx = tokens.partition_point(|t| t.start().to_u32() < s);
            let before = tokens.get(..idx).unwrap_or(&[]);
            let open = before
                .iter()
                .rev()
                .find(|t| t.kind() == ruff_python_ast::token::TokenKind::Lsqb);
            let is_def = open.is_some_and(|o| {
                let j = tokens.partition_point(|t| t.start() < o.start());
                j >= 2
                    && tokens.get(j - 2).map(|t| t.kind())
                        == Some(ruff_python_ast::token::TokenKind::Def)
            });
            match open {
                Some(o) if is_def => (
                    "expected '('".to_owned(),
                    o.start().to_u32(),
                    o.end().to_u32(),
                ),
                _ => ("invalid syntax".to_owned(), s, en),
            }
        }
        _ => ("invalid syntax".to_owned(), s, en),
    }
}

/// Parses a module's source bytes (BOM, PEP 263 coding declarations,
/// CRLF/CR newlines handled as CPython does).
pub fn parse_module(source: &[u8], target: Target) -> Result<Module, Error> {
    if !target.is_supported() {
        return Err(Error::UnsupportedTarget(target));
    }
    let src = source::Source::decode(source, target)?;
    let text = src.text.as_str();
    let lines = source::LineIndex::new(text);
    let options = ruff_python_parser::ParseOptions::from(ruff_python_parser::Mode::Module)
        .with_target_version(ruff_python_ast::PythonVersion {
            major: target.major,
            minor: target.minor,
        });
    if too_deep(text) {
        let mut e = SyntaxError::at(
            None,
            None,
            "maximum recursion depth exceeded during ast construction",
        );
        e.kind = ErrorKind::RecursionError;
        return Err(Error::Syntax(e));
    }
    let parsed = ruff_python_parser::parse_unchecked(text, options);
    let make_err = |msg: String, start: u32, end: u32| {
        let (lineno, col) = lines.line_col(start);
        let (end_lineno, end_col) = lines.line_col(end);
        let line = lines.line_text(text, lineno);
        let chars = |l: &str, col: u32| {
            let n = l
                .get(..col as usize)
                .map_or(col as usize, |p| p.chars().count());
            Some(i32::try_from(n).unwrap_or(i32::MAX).saturating_add(1))
        };
        Error::Syntax(SyntaxError {
            kind: ErrorKind::for_message(&msg),
            offset: chars(line, col),
            end_offset: chars(lines.line_text(text, end_lineno), end_col),
            msg,
            lineno: Some(lineno),
            end_lineno: Some(end_lineno),
            text: Some(line.to_owned()),
        })
    };
    // The tokenizer's limits on indentation levels (`MAXINDENT`) and
    // f-string nesting (`MAXFSTRINGLEVEL`).
    let mut indents = 0usize;
    let mut fstrings = 0usize;
    for tok in parsed.tokens().iter() {
        use ruff_python_ast::token::TokenKind as K;
        match tok.kind() {
            K::FStringStart | K::TStringStart => {
                fstrings += 1;
                if fstrings >= MAX_FSTRING_LEVEL {
                    let s = tok.start().to_u32() + 1;
                    return Err(make_err("too many nested f-strings".to_owned(), s, s + 1));
                }
            }
            K::FStringEnd | K::TStringEnd => fstrings = fstrings.saturating_sub(1),
            K::Indent => {
                indents += 1;
                if indents >= MAX_INDENT {
                    let (line, _) = lines.line_col(tok.start().to_u32());
                    let mut e =
                        SyntaxError::at(Some(line), Some(1), "too many levels of indentation");
                    e.kind = ErrorKind::IndentationError;
                    e.text = Some(lines.line_text(text, line).to_owned());
                    return Err(Error::Syntax(e));
                }
            }
            K::Dedent => indents = indents.saturating_sub(1),
            _ => {}
        }
    }
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
            if stack.len() > MAX_PAREN_LEVEL {
                return Err(make_err("too many nested parentheses".to_owned(), s, s + 1));
            }
        } else if let Some((c, want)) = close {
            match stack.pop() {
                None => {
                    if bracket_error.is_none() {
                        bracket_error = Some((format!("unmatched '{c}'"), s));
                    }
                }
                Some((o, os)) if o != want => {
                    if bracket_error.is_none() {
                        let (ol, cl) = (lines.line_col(os).0, lines.line_col(s).0);
                        let on = if ol == cl {
                            String::new()
                        } else {
                            format!(" on line {ol}")
                        };
                        bracket_error = Some((
                            format!("closing parenthesis '{c}' does not match opening parenthesis '{o}'{on}"),
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
    let tab_error = inconsistent_tabs(text, &lines, parsed.tokens());
    let first_error = parsed.errors().first().map(|e| e.location.start().to_u32());
    if let Some(at) = tab_error {
        if first_error.is_none_or(|f| lines.line_col(f).0 >= lines.line_col(at).0) {
            return Err(make_err(
                "inconsistent use of tabs and spaces in indentation".to_owned(),
                at,
                at,
            ));
        }
    }
    if let Some(e) = parsed.errors().first() {
        let (s, en) = (e.location.start().to_u32(), e.location.end().to_u32());
        let ctx = ErrCtx {
            target,
            text,
            lines: &lines,
            tokens: parsed.tokens(),
        };
        if let Some((msg, a, b)) = ctx.refine(&e.error, s, en) {
            return Err(make_err(msg, a, b));
        }
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
        let (msg, s, en) = unsupported(text, parsed.tokens(), e);
        return Err(make_err(msg, s, en));
    }
    let Some(module) = parsed.syntax().as_module() else {
        return Err(make_err("invalid syntax".to_owned(), 0, 0));
    };
    let lower = lower::Lower {
        target,
        text,
        lines: source::LineIndex::new(text),
        tokens: parsed.tokens(),
    };
    Ok(lower.module(module))
}
