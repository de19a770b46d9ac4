//! CPython's messages for the common syntax errors, recognised from ruff's
//! error kind and the tokens around it, with CPython's positions.

use ruff_python_ast::token::{Token, TokenKind as K};
use ruff_python_parser::{
    InterpolatedStringErrorType as F, LexicalErrorType as L, ParseErrorType as P,
};
use ruff_text_size::Ranged;

use crate::ErrCtx;

/// A message and the byte range it points at.
type Found = (String, u32, u32);

fn is_trivia(k: K) -> bool {
    matches!(k, K::Comment | K::NonLogicalNewline)
}

impl ErrCtx<'_> {
    fn tok_index(&self, offset: u32) -> usize {
        self.tokens.partition_point(|t| t.start().to_u32() < offset)
    }

    /// The last significant token that starts before `offset`.
    fn prev_token(&self, offset: u32) -> Option<&Token> {
        let idx = self.tok_index(offset);
        self.tokens
            .get(..idx)?
            .iter()
            .rev()
            .find(|t| !is_trivia(t.kind()))
    }

    /// The first token that starts at or after `offset`.
    fn next_token(&self, offset: u32) -> Option<&Token> {
        self.tokens
            .get(self.tok_index(offset)..)?
            .iter()
            .find(|t| !is_trivia(t.kind()))
    }

    fn text_of(&self, t: &Token) -> &str {
        self.text
            .get(t.start().to_usize()..t.end().to_usize())
            .unwrap_or("")
    }

    /// The innermost bracket open at `offset` (`(`, `[`, `{`, or an f-string start).
    fn open_bracket(&self, offset: u32) -> Option<K> {
        let idx = self.tok_index(offset);
        let mut stack = Vec::new();
        for t in self.tokens.get(..idx)? {
            match t.kind() {
                K::Lpar | K::Lsqb | K::Lbrace | K::FStringStart | K::TStringStart => {
                    stack.push(t.kind())
                }
                K::Rpar | K::Rsqb | K::Rbrace | K::FStringEnd | K::TStringEnd => {
                    stack.pop();
                }
                _ => {}
            }
        }
        stack.pop()
    }

    /// Start of the logical line holding `offset`.
    fn statement_start(&self, offset: u32) -> u32 {
        let idx = self.tok_index(offset);
        let toks = self.tokens.get(..idx).unwrap_or(&[]);
        let after = toks.iter().rposition(|t| {
            matches!(
                t.kind(),
                K::Newline | K::Indent | K::Dedent | K::Semi | K::Colon
            )
        });
        let first = match after {
            Some(i) => toks.get(i + 1..).unwrap_or(&[]),
            None => toks,
        };
        first
            .iter()
            .find(|t| !is_trivia(t.kind()))
            .map_or(offset, |t| t.start().to_u32())
    }

    /// Whether the logical line holding `offset` starts with one of `kinds`.
    fn line_starts_with(&self, offset: u32, kinds: &[K]) -> bool {
        let idx = self.tok_index(offset);
        let toks = self.tokens.get(..idx).unwrap_or(&[]);
        let from = toks
            .iter()
            .rposition(|t| matches!(t.kind(), K::Newline | K::Indent | K::Dedent | K::Semi))
            .map_or(0, |i| i + 1);
        toks.get(from..)
            .unwrap_or(&[])
            .iter()
            .find(|t| !is_trivia(t.kind()))
            .is_some_and(|t| kinds.contains(&t.kind()))
    }

    /// CPython's name for the expression spanning `[start, end)`
    /// (`_PyPegen_get_expr_name`), judged from its tokens.
    fn expr_name(&self, start: u32, end: u32) -> &'static str {
        let toks: Vec<&Token> = self
            .tokens
            .iter()
            .filter(|t| {
                t.start().to_u32() >= start && t.end().to_u32() <= end && !is_trivia(t.kind())
            })
            .collect();
        let first = toks.first().map(|t| t.kind());
        let last = toks.last().map(|t| t.kind());
        let mut depth = 0i32;
        let (mut cmp, mut binop, mut boolop, mut ifexp, mut walrus, mut comp, mut colon) =
            (false, false, false, false, false, false, false);
        for t in &toks {
            match t.kind() {
                K::Lpar | K::Lsqb | K::Lbrace => depth += 1,
                K::Rpar | K::Rsqb | K::Rbrace => depth -= 1,
                K::For if depth == 1 => comp = true,
                K::Colon if depth == 1 => colon = true,
                _ if depth != 0 => {}
                K::EqEqual
                | K::NotEqual
                | K::Less
                | K::LessEqual
                | K::Greater
                | K::GreaterEqual
                | K::In
                | K::Is => cmp = true,
                K::And | K::Or | K::Not => boolop = true,
                K::If => ifexp = true,
                K::ColonEqual => walrus = true,
                k if k.is_operator() && !matches!(k, K::Dot | K::Comma | K::Ellipsis) => {
                    binop = true
                }
                _ => {}
            }
        }
        if first == Some(K::Lambda) {
            return "lambda";
        }
        // A parenthesised or bracketed display: a comma at its top level
        // (or nothing inside) makes it a tuple or list.
        let mut d = 0i32;
        let mut comma1 = false;
        let mut closes_at_end = false;
        for (i, t) in toks.iter().enumerate() {
            match t.kind() {
                K::Lpar | K::Lsqb | K::Lbrace => d += 1,
                K::Rpar | K::Rsqb | K::Rbrace => {
                    d -= 1;
                    if d == 0 {
                        closes_at_end = i + 1 == toks.len();
                        if !closes_at_end {
                            break;
                        }
                    }
                }
                K::Comma if d == 1 => comma1 = true,
                _ => {}
            }
        }
        if closes_at_end && (comma1 || toks.len() == 2) && !comp {
            match first {
                Some(K::Lpar) => return "tuple",
                Some(K::Lsqb) => return "list",
                _ => {}
            }
        }
        if ifexp {
            return "conditional expression";
        }
        if walrus {
            return "named expression";
        }
        if boolop || binop {
            return "expression";
        }
        if cmp {
            return "comparison";
        }
        match (first, last) {
            (Some(K::Await), _) => "await expression",
            (Some(K::Yield), _) => "yield expression",
            (Some(K::FStringStart), _) => "f-string expression",
            (Some(K::TStringStart), _) => "t-string expression",
            (Some(K::Lbrace), _) if comp => {
                if colon {
                    "dict comprehension"
                } else {
                    "set comprehension"
                }
            }
            (Some(K::Lbrace), _) => {
                if colon {
                    "dict literal"
                } else {
                    "set display"
                }
            }
            (Some(K::Lsqb), _) if comp => "list comprehension",
            (Some(K::Lpar), _) if comp => "generator expression",
            (_, Some(K::Rpar)) if toks.len() > 1 => "function call",
            (Some(K::True), _) => "True",
            (Some(K::False), _) => "False",
            (Some(K::None), _) => "None",
            (Some(K::Ellipsis), _) => "ellipsis",
            _ => "literal",
        }
    }

    /// CPython's message and position for a ruff error, where known.
    pub(crate) fn refine(&self, e: &P, s: u32, en: u32) -> Option<Found> {
        let prev = self.prev_token(s);
        let here = self.next_token(s);
        Some(match e {
            P::SimpleStatementsOnSameLine | P::ExpectedToken { .. }
                if prev.is_some_and(|p| {
                    p.kind() == K::Name
                        && matches!(self.text_of(p), "print" | "exec")
                        && here.is_some_and(|h| h.kind() != K::Lpar)
                }) =>
            {
                let p = prev?;
                let name = self.text_of(p);
                (
                    format!("Missing parentheses in call to '{name}'. Did you mean {name}(...)?"),
                    p.start().to_u32(),
                    en,
                )
            }
            P::SimpleStatementsOnSameLine
                if prev.is_some_and(|p| {
                    matches!(p.kind(), K::Int | K::Float) && p.end().to_u32() == s
                }) =>
            {
                ("invalid decimal literal".to_owned(), s, s + 1)
            }
            P::ExpectedToken {
                expected: K::Comma,
                found,
            } if is_augmented(*found) => {
                let st = self.statement_start(s);
                (
                    "'tuple' is an illegal expression for augmented assignment".to_owned(),
                    st,
                    s,
                )
            }
            P::ExpectedToken {
                expected: K::Comma,
                found,
            } if starts_expression(*found)
                && matches!(self.open_bracket(s), Some(K::Lpar | K::Lsqb | K::Lbrace))
                && prev.is_some_and(|p| {
                    self.lines.line_col(p.start().to_u32()).0 == self.lines.line_col(s).0
                })
                && !(matches!(found, K::String | K::FStringStart | K::TStringStart)
                    && prev.is_some_and(|p| p.kind() == K::Name)) =>
            {
                let p = prev?;
                (
                    "invalid syntax. Perhaps you forgot a comma?".to_owned(),
                    p.start().to_u32(),
                    en,
                )
            }
            P::ExpectedToken {
                expected: K::Colon,
                found: K::Rbrace | K::Comma,
            } if self.open_bracket(s) == Some(K::Lbrace) => {
                let p = prev?;
                (
                    "':' expected after dictionary key".to_owned(),
                    p.start().to_u32(),
                    p.end().to_u32(),
                )
            }
            P::PositionalAfterKeywordArgument | P::PositionalAfterKeywordUnpacking => {
                let msg = if matches!(e, P::PositionalAfterKeywordArgument) {
                    "positional argument follows keyword argument"
                } else {
                    "positional argument follows keyword argument unpacking"
                };
                let at = self.next_token(en).map_or(en, |t| t.start().to_u32());
                (msg.to_owned(), at, at + 1)
            }
            P::InvalidArgumentUnpackingOrder => (
                "iterable argument unpacking follows keyword argument unpacking".to_owned(),
                s,
                en,
            ),
            P::InvalidAssignmentTarget
                if self.expr_name(s, en) == "comparison"
                    && self
                        .next_token(self.statement_start(s))
                        .is_some_and(|t| matches!(t.kind(), K::For | K::Async)) =>
            {
                // CPython finds no invalid target in `for a < b ...`.
                let op = self.tokens.get(self.tok_index(s)..)?.iter().find(|t| {
                    matches!(
                        t.kind(),
                        K::Less
                            | K::Greater
                            | K::LessEqual
                            | K::GreaterEqual
                            | K::EqEqual
                            | K::NotEqual
                            | K::Is
                            | K::Not
                    )
                })?;
                (
                    "invalid syntax".to_owned(),
                    op.start().to_u32(),
                    op.end().to_u32(),
                )
            }
            P::InvalidAssignmentTarget
            | P::InvalidDeleteTarget
            | P::InvalidAnnotatedAssignmentTarget => {
                let name = self.expr_name(s, en);
                if name == "yield expression" && !matches!(e, P::InvalidDeleteTarget) {
                    (
                        "assignment to yield expression not possible".to_owned(),
                        s,
                        en,
                    )
                } else if matches!(e, P::InvalidDeleteTarget) {
                    (format!("cannot delete {name}"), s, en)
                } else if self.statement_start(s) == s
                    && self.open_bracket(s).is_none()
                    && !matches!(
                        name,
                        "True"
                            | "False"
                            | "None"
                            | "generator expression"
                            | "conditional expression"
                            | "comparison"
                            | "lambda"
                            | "tuple"
                            | "list"
                    )
                    && here.is_some_and(|h| h.end().to_u32() <= en)
                    && self.next_token(en).is_some_and(|t| t.kind() == K::Equal)
                {
                    (
                        format!(
                            "cannot assign to {name} here. Maybe you meant '==' instead of '='?"
                        ),
                        s,
                        en,
                    )
                } else {
                    (format!("cannot assign to {name}"), s, en)
                }
            }
            P::InvalidAugmentedAssignmentTarget => {
                let name = self.expr_name(s, en);
                (
                    format!("'{name}' is an illegal expression for augmented assignment"),
                    s,
                    en,
                )
            }
            P::OtherError(m) if m == "Only single target (not tuple) can be annotated" => (
                "only single target (not tuple) can be annotated".to_owned(),
                s,
                en,
            ),
            P::OtherError(m)
                if m.starts_with("Expected `except` or `finally` after `try` block") =>
            {
                let p = prev?;
                let at = if p.kind() == K::Newline {
                    self.prev_token(p.start().to_u32())?
                } else {
                    p
                };
                (
                    "expected 'except' or 'finally' block".to_owned(),
                    at.end().to_u32(),
                    at.end().to_u32() + 1,
                )
            }
            P::UnparenthesizedGeneratorExpression => (
                "Generator expression must be parenthesized".to_owned(),
                s,
                en,
            ),
            P::FStringError(F::UnclosedLbrace) | P::Lexical(L::FStringError(F::UnclosedLbrace)) => {
                ("f-string: expecting '}'".to_owned(), s, s + 1)
            }
            P::TStringError(F::UnclosedLbrace) | P::Lexical(L::TStringError(F::UnclosedLbrace)) => {
                ("t-string: expecting '}'".to_owned(), s, s + 1)
            }
            P::ExpectedExpression
                if here.is_some_and(|h| h.kind() == K::Rbrace)
                    && prev.is_some_and(|p| p.kind() == K::Lbrace)
                    && matches!(
                        self.open_bracket(prev?.start().to_u32()),
                        Some(K::FStringStart | K::TStringStart)
                    ) =>
            {
                let kind = if self.open_bracket(prev?.start().to_u32()) == Some(K::TStringStart) {
                    "t-string"
                } else {
                    "f-string"
                };
                (
                    format!("{kind}: valid expression required before '}}'"),
                    s,
                    en,
                )
            }
            P::Lexical(L::OtherError(m)) if m.starts_with("Invalid decimal integer literal") => {
                let lit = self.text.get(s as usize..en as usize).unwrap_or("");
                if lit.starts_with('0') && lit.bytes().all(|b| b.is_ascii_digit() || b == b'_') {
                    (
                        "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers"
                            .to_owned(),
                        s,
                        en,
                    )
                } else {
                    ("invalid decimal literal".to_owned(), s, en)
                }
            }
            P::Lexical(L::LineContinuationError) => (
                "unexpected character after line continuation character".to_owned(),
                s + 1,
                s + 2,
            ),
            P::OtherError(m)
                if m == "Expected a parameter name"
                    && self.next_token(en).is_some_and(|t| t.kind() == K::Equal) =>
            {
                let msg = match here.map(|h| h.kind()) {
                    Some(K::Star) => "cannot assign to iterable argument unpacking",
                    Some(K::DoubleStar) => "cannot assign to keyword argument unpacking",
                    Some(K::True) if en == s + 4 => "cannot assign to True",
                    Some(K::False) if en == s + 5 => "cannot assign to False",
                    Some(K::None) if en == s + 4 => "cannot assign to None",
                    _ => "expression cannot contain assignment, perhaps you meant \"==\"?",
                };
                (msg.to_owned(), s, en)
            }
            P::ExpectedToken {
                expected: K::Rpar,
                found: K::Lpar,
            } if self
                .next_token(self.statement_start(s))
                .is_some_and(|t| matches!(t.kind(), K::Def | K::Async)) =>
            {
                (
                    "Function parameters cannot be parenthesized".to_owned(),
                    s,
                    en,
                )
            }
            P::ExpectedToken {
                expected: K::Colon,
                found: K::Lpar,
            } if self
                .tokens
                .get(self.tok_index(self.statement_start(s))..self.tok_index(s))
                .is_some_and(|ts| {
                    ts.iter()
                        .rposition(|t| t.kind() == K::Lambda)
                        .is_some_and(|i| {
                            ts.get(i..)
                                .is_some_and(|rest| !rest.iter().any(|t| t.kind() == K::Colon))
                        })
                }) =>
            {
                (
                    "Lambda expression parameters cannot be parenthesized".to_owned(),
                    s,
                    en,
                )
            }
            P::OtherError(m)
                if m == "Cannot have both 'except' and 'except*' on the same 'try'" =>
            {
                (
                    "cannot have both 'except' and 'except*' on the same 'try'".to_owned(),
                    s,
                    en,
                )
            }
            P::OtherError(m) if m.starts_with("Multiple exception types must be parenthesized") => {
                (
                    "multiple exception types must be parenthesized".to_owned(),
                    s,
                    en,
                )
            }
            P::OtherError(m) if m == "Positional patterns cannot follow keyword patterns" => (
                "positional patterns follow keyword patterns".to_owned(),
                s,
                en,
            ),
            P::OtherError(m) if m.starts_with("Only single target (not ") => {
                let mut msg = m.clone();
                msg.replace_range(..1, "o");
                (msg, s, en)
            }
            P::OtherError(m) if m == "Trailing comma not allowed" => (
                "trailing comma not allowed without surrounding parentheses".to_owned(),
                en,
                en + 1,
            ),
            P::InvalidStarredExpressionUsage
                if prev.is_some_and(|p| p.kind() == K::Colon)
                    && self.open_bracket(s) == Some(K::Lbrace) =>
            {
                (
                    "cannot use a starred expression in a dictionary value".to_owned(),
                    s,
                    en,
                )
            }
            P::ExpectedExpression
                if here.is_some_and(|h| matches!(h.kind(), K::Rbrace | K::Comma))
                    && prev.is_some_and(|p| p.kind() == K::Colon)
                    && self.open_bracket(s) == Some(K::Lbrace) =>
            {
                let p = prev?;
                (
                    "expression expected after dictionary key and ':'".to_owned(),
                    p.start().to_u32(),
                    p.end().to_u32(),
                )
            }
            P::ExpectedToken {
                found: K::For,
                expected: K::Rsqb | K::Rpar | K::Rbrace,
            } => {
                let idx = self.tok_index(s);
                let mut depth = 0i32;
                let open = self
                    .tokens
                    .get(..idx)?
                    .iter()
                    .rposition(|t| match t.kind() {
                        K::Rpar | K::Rsqb | K::Rbrace => {
                            depth += 1;
                            false
                        }
                        K::Lpar | K::Lsqb | K::Lbrace => {
                            depth -= 1;
                            depth < 0
                        }
                        _ => false,
                    })?;
                let first = self.tokens.get(open + 1)?;
                (
                    "did you forget parentheses around the comprehension target?".to_owned(),
                    first.start().to_u32(),
                    s,
                )
            }
            P::ExpectedToken {
                expected: K::Else, ..
            } if {
                let idx = self.tok_index(s);
                let toks = self.tokens.get(..idx).unwrap_or(&[]);
                let if_pos = toks.iter().rposition(|t| t.kind() == K::If);
                let for_pos = toks.iter().rposition(|t| t.kind() == K::For);
                match (if_pos, for_pos) {
                    (Some(i), Some(f)) => {
                        f < i
                            && !toks
                                .get(f..i)
                                .unwrap_or(&[])
                                .iter()
                                .any(|t| t.kind() == K::In)
                    }
                    _ => false,
                }
            } =>
            {
                let idx = self.tok_index(s);
                let toks = self.tokens.get(..idx)?;
                let if_tok = toks.iter().rev().find(|t| t.kind() == K::If)?;
                (
                    "'in' expected after for-loop variables".to_owned(),
                    if_tok.start().to_u32(),
                    if_tok.end().to_u32(),
                )
            }
            P::ExpectedToken {
                expected: K::Colon,
                found: K::Equal,
            } if {
                let st = self.statement_start(s);
                self.next_token(st)
                    .is_some_and(|t| matches!(t.kind(), K::If | K::Elif | K::While))
                    && prev.is_some_and(|p| matches!(p.kind(), K::Name | K::Rsqb))
            } =>
            {
                let kw = self.next_token(self.statement_start(s))?;
                let start = self.next_token(kw.end().to_u32())?;
                let p = prev?;
                let before = self.prev_token(p.start().to_u32());
                let what = if p.kind() == K::Rsqb {
                    Some("subscript")
                } else if before.is_some_and(|b| b.kind() == K::Dot) {
                    Some("attribute")
                } else if before.is_some_and(|b| b.start() == kw.start()) {
                    None
                } else {
                    return None;
                };
                let msg = match what {
                    Some(w) => {
                        format!("cannot assign to {w} here. Maybe you meant '==' instead of '='?")
                    }
                    None => {
                        "invalid syntax. Maybe you meant '==' or ':=' instead of '='?".to_owned()
                    }
                };
                (msg, start.start().to_u32(), en)
            }
            P::ParamAfterVarKeywordParam => (
                "arguments cannot follow var-keyword argument".to_owned(),
                s,
                en,
            ),
            P::OtherError(m) if m == "Only one '/' separator allowed" => {
                ("/ may appear only once".to_owned(), s, en)
            }
            P::OtherError(m) if m == "Only one '*' parameter allowed" => {
                ("* argument may appear only once".to_owned(), s, en)
            }
            P::OtherError(m) if m == "'/' parameter must appear before '*' parameter" => {
                ("/ must be ahead of *".to_owned(), s, en)
            }
            P::OtherError(m) if m == "Boolean 'not' expression cannot be used here" => (
                "'not' after an operator must be parenthesized".to_owned(),
                s,
                en,
            ),
            P::VarParameterWithDefault => {
                let stars = self
                    .tokens
                    .get(..self.tok_index(s))?
                    .iter()
                    .rev()
                    .find(|t| matches!(t.kind(), K::Star | K::DoubleStar))?;
                let what = if stars.kind() == K::Star {
                    "var-positional"
                } else {
                    "var-keyword"
                };
                (format!("{what} argument cannot have default value"), s, en)
            }
            P::EmptyTypeParams => ("Type parameter list cannot be empty".to_owned(), s, en),
            P::EmptyImportNames => (
                "Expected one or more names after 'import'".to_owned(),
                s,
                en,
            ),
            P::ExpectedExpression if prev.is_some_and(|p| p.kind() == K::Equal) => {
                let eq = prev?;
                let in_def = self.line_starts_with(s, &[K::Def, K::Async, K::Lambda]);
                if !in_def && self.open_bracket(s) != Some(K::Lpar) {
                    return None;
                }
                if in_def {
                    (
                        "expected default value expression".to_owned(),
                        eq.start().to_u32(),
                        eq.end().to_u32(),
                    )
                } else {
                    let name = self.prev_token(eq.start().to_u32())?;
                    (
                        "expected argument value expression".to_owned(),
                        name.start().to_u32(),
                        eq.end().to_u32(),
                    )
                }
            }
            P::SimpleStatementsOnSameLine
                if here.is_some_and(|h| h.kind() == K::From)
                    && self
                        .next_token(self.statement_start(s))
                        .is_some_and(|t| t.kind() == K::Import) =>
            {
                let st = self.statement_start(s);
                (
                    "Did you mean to use 'from ... import ...' instead?".to_owned(),
                    st,
                    en,
                )
            }
            P::ExpectedToken {
                expected: K::Lpar, ..
            } if {
                let i = self.tok_index(s);
                i >= 2 && self.tokens.get(i - 2).map(|t| t.kind()) == Some(K::Def)
            } =>
            {
                ("expected '('".to_owned(), s, en)
            }
            P::ExpectedToken {
                expected: K::Else, ..
            } => {
                let idx = self.tok_index(s);
                let if_pos = self
                    .tokens
                    .get(..idx)?
                    .iter()
                    .rposition(|t| t.kind() == K::If)?;
                let body = self.tokens.get(if_pos.checked_sub(1)?)?;
                if self.lines.line_col(body.start().to_u32()).0 != self.lines.line_col(s).0 {
                    return None;
                }
                (
                    "expected 'else' after 'if' expression".to_owned(),
                    body.start().to_u32(),
                    s,
                )
            }
            P::ExpectedToken {
                expected: K::Colon,
                found: K::Equal,
            } if prev.is_some_and(|p| p.kind() == K::Name)
                && self
                    .prev_token(prev?.start().to_u32())
                    .is_some_and(|t| matches!(t.kind(), K::If | K::Elif | K::While)) =>
            {
                let p = prev?;
                (
                    "invalid syntax. Maybe you meant '==' or ':=' instead of '='?".to_owned(),
                    p.start().to_u32(),
                    en,
                )
            }
            P::Lexical(L::InvalidByteLiteral) => {
                let idx = self.tokens.partition_point(|t| t.end().to_u32() <= s);
                let at = self
                    .tokens
                    .get(idx)
                    .filter(|t| t.start().to_u32() <= s)
                    .map_or(s, |t| t.start().to_u32());
                (
                    "bytes can only contain ASCII literal characters".to_owned(),
                    at,
                    en,
                )
            }
            P::UnexpectedIndentation => {
                // CPython points at the last character of the indentation.
                let (line, _) = self.lines.line_col(s);
                let lt = self.lines.line_text(self.text, line);
                let width = lt.len() - lt.trim_start_matches([' ', '\t', '\x0c']).len();
                let start = s - self.lines.line_col(s).1;
                let at = start + u32::try_from(width.max(1) - 1).unwrap_or(0);
                ("unexpected indent".to_owned(), at, at + 1)
            }
            P::Lexical(L::IndentationError) => {
                let (line, col) = self.lines.line_col(s);
                let len = u32::try_from(self.lines.line_text(self.text, line).len()).unwrap_or(0);
                let at = s - col + len;
                (
                    "unindent does not match any outer indentation level".to_owned(),
                    at,
                    at,
                )
            }
            _ => return None,
        })
    }
}

fn is_augmented(k: K) -> bool {
    matches!(
        k,
        K::PlusEqual
            | K::MinusEqual
            | K::StarEqual
            | K::SlashEqual
            | K::DoubleSlashEqual
            | K::PercentEqual
            | K::AtEqual
            | K::AmperEqual
            | K::VbarEqual
            | K::CircumflexEqual
            | K::LeftShiftEqual
            | K::RightShiftEqual
            | K::DoubleStarEqual
    )
}

/// Whether a token can start an expression.
fn starts_expression(k: K) -> bool {
    matches!(
        k,
        K::Name
            | K::Int
            | K::Float
            | K::Complex
            | K::String
            | K::FStringStart
            | K::TStringStart
            | K::True
            | K::False
            | K::None
            | K::Ellipsis
            | K::Lpar
            | K::Lsqb
            | K::Lbrace
            | K::Tilde
            | K::Not
            | K::Lambda
            | K::Await
    )
}
