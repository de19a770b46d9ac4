//! Lowering of the ruff parser's tree into the CPython-shaped AST.
//!
//! Ruff's nodes carry byte ranges into the (decoded, newline-normalised)
//! text; CPython's positions are line / UTF-8 byte column pairs of the same
//! text.  Where the two trees disagree in shape or in the extent of a node,
//! the differences are fixed here.

use ruff_python_ast as r;
use ruff_python_ast::token::{Token, TokenKind};
use ruff_text_size::{Ranged, TextRange, TextSize};

use crate::ast::*;
use crate::source::LineIndex;

pub(crate) struct Lower<'a> {
    pub target: crate::Target,
    pub text: &'a str,
    pub lines: LineIndex,
    pub tokens: &'a [Token],
}

fn off(t: TextSize) -> u32 {
    t.to_u32()
}

fn ctx(c: r::ExprContext) -> ExprContext {
    match c {
        r::ExprContext::Load | r::ExprContext::Invalid => ExprContext::Load,
        r::ExprContext::Store => ExprContext::Store,
        r::ExprContext::Del => ExprContext::Del,
    }
}

fn operator(op: r::Operator) -> Operator {
    match op {
        r::Operator::Add => Operator::Add,
        r::Operator::Sub => Operator::Sub,
        r::Operator::Mult => Operator::Mult,
        r::Operator::MatMult => Operator::MatMult,
        r::Operator::Div => Operator::Div,
        r::Operator::Mod => Operator::Mod,
        r::Operator::Pow => Operator::Pow,
        r::Operator::LShift => Operator::LShift,
        r::Operator::RShift => Operator::RShift,
        r::Operator::BitOr => Operator::BitOr,
        r::Operator::BitXor => Operator::BitXor,
        r::Operator::BitAnd => Operator::BitAnd,
        r::Operator::FloorDiv => Operator::FloorDiv,
    }
}

fn cmpop(op: r::CmpOp) -> CmpOp {
    match op {
        r::CmpOp::Eq => CmpOp::Eq,
        r::CmpOp::NotEq => CmpOp::NotEq,
        r::CmpOp::Lt => CmpOp::Lt,
        r::CmpOp::LtE => CmpOp::LtE,
        r::CmpOp::Gt => CmpOp::Gt,
        r::CmpOp::GtE => CmpOp::GtE,
        r::CmpOp::Is => CmpOp::Is,
        r::CmpOp::IsNot => CmpOp::IsNot,
        r::CmpOp::In => CmpOp::In,
        r::CmpOp::NotIn => CmpOp::NotIn,
    }
}

/// Decodes the escapes of a (non-raw unless `raw`) string body into code
/// points; `fstring` also folds doubled braces.  Used where the parser's own
/// value cannot represent the string (lone surrogates).
pub(crate) fn decode_escapes(body: &str, raw: bool, fstring: bool, out: &mut Vec<u32>) {
    let mut it = body.chars().peekable();
    let hex = |it: &mut std::iter::Peekable<std::str::Chars<'_>>, n: usize| -> Option<u32> {
        let mut v: u32 = 0;
        for _ in 0..n {
            let d = it.peek()?.to_digit(16)?;
            it.next();
            v = v.checked_mul(16)?.checked_add(d)?;
        }
        Some(v)
    };
    while let Some(c) = it.next() {
        if fstring && (c == '{' || c == '}') {
            if it.peek() == Some(&c) {
                it.next();
            }
            out.push(u32::from(c));
            continue;
        }
        if c != '\\' || raw {
            out.push(u32::from(c));
            continue;
        }
        let Some(e) = it.next() else {
            out.push(u32::from('\\'));
            break;
        };
        match e {
            '\n' => {}
            '\\' | '\'' | '"' => out.push(u32::from(e)),
            'a' => out.push(7),
            'b' => out.push(8),
            'f' => out.push(12),
            'n' => out.push(10),
            'r' => out.push(13),
            't' => out.push(9),
            'v' => out.push(11),
            '0'..='7' => {
                let mut v = e.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match it.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            v = v * 8 + d;
                            it.next();
                        }
                        None => break,
                    }
                }
                out.push(v);
            }
            'x' => out.push(hex(&mut it, 2).unwrap_or(0xFFFD)),
            'u' => out.push(hex(&mut it, 4).unwrap_or(0xFFFD)),
            'U' => out.push(hex(&mut it, 8).unwrap_or(0xFFFD)),
            'N' => {
                if it.peek() == Some(&'{') {
                    for d in it.by_ref() {
                        if d == '}' {
                            break;
                        }
                    }
                }
                out.push(0xFFFD);
            }
            other => {
                out.push(u32::from('\\'));
                out.push(u32::from(other));
            }
        }
    }
}

/// The tokenizer leaves comments out of an f-string's `=` debug text (the
/// newline ending each comment stays).
fn strip_comments(text: &str) -> String {
    if !text.contains('#') || !text.contains('\n') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut quote: Option<(char, bool)> = None; // (quote char, triple)
    let mut chars = text.chars().peekable();
    let mut in_comment = false;
    while let Some(c) = chars.next() {
        if in_comment {
            if c == '\n' {
                in_comment = false;
                out.push(c);
            }
            continue;
        }
        match quote {
            Some((q, triple)) => {
                out.push(c);
                if c == '\\' {
                    if let Some(n) = chars.next() {
                        out.push(n);
                    }
                } else if c == q {
                    if !triple {
                        quote = None;
                    } else if chars.peek() == Some(&q) {
                        out.push(q);
                        chars.next();
                        if chars.peek() == Some(&q) {
                            out.push(q);
                            chars.next();
                            quote = None;
                        }
                    }
                }
            }
            None => {
                if c == '#' {
                    in_comment = true;
                } else if c == '\'' || c == '"' {
                    out.push(c);
                    let mut triple = false;
                    if chars.peek() == Some(&c) {
                        out.push(c);
                        chars.next();
                        if chars.peek() == Some(&c) {
                            out.push(c);
                            chars.next();
                            triple = true;
                        } else {
                            continue; // empty string literal
                        }
                    }
                    quote = Some((c, triple));
                } else {
                    out.push(c);
                }
            }
        }
    }
    out
}

/// Splits a string token's text into (prefix, body).
fn split_string_token(tok: &str) -> (&str, &str) {
    let plen = tok.find(['\'', '"']).unwrap_or(0);
    let (prefix, rest) = tok.split_at(plen);
    let q = rest.chars().next().unwrap_or('"');
    let triple: String = std::iter::repeat_n(q, 3).collect();
    let qlen = if rest.len() >= 6 && rest.starts_with(&triple) {
        3
    } else {
        1
    };
    let body = rest
        .get(qlen..rest.len().saturating_sub(qlen))
        .unwrap_or("");
    (prefix, body)
}

/// Int literal text (prefixes and underscores allowed) to a value.
fn parse_int(text: &str) -> PyInt {
    let clean: String = text.chars().filter(|&c| c != '_').collect();
    let lower = clean.to_ascii_lowercase();
    let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
        (16, d)
    } else if let Some(d) = lower.strip_prefix("0o") {
        (8, d)
    } else if let Some(d) = lower.strip_prefix("0b") {
        (2, d)
    } else {
        (10, lower.as_str())
    };
    if let Ok(v) = i64::from_str_radix(digits, radix) {
        return PyInt::Small(v);
    }
    let mut limbs: Vec<u32> = Vec::new();
    for ch in digits.chars() {
        let Some(d) = ch.to_digit(radix) else {
            continue;
        };
        let mut carry = u64::from(d);
        for limb in limbs.iter_mut() {
            let cur = u64::from(*limb) * u64::from(radix) + carry;
            *limb = (cur & 0xFFFF_FFFF) as u32;
            carry = cur >> 32;
        }
        if carry > 0 {
            limbs.push(u32::try_from(carry).unwrap_or(0));
        }
    }
    PyInt::Big(limbs)
}

/// One piece of an implicitly concatenated string, before folding.
enum Piece {
    Const {
        value: PyStr,
        kind: Option<String>,
        start: u32,
        end: u32,
    },
    Other(Expr),
}

/// Pieces of one f- or t-string without its empty literal parts.
fn non_empty(pieces: Vec<Piece>) -> impl Iterator<Item = Piece> {
    pieces.into_iter().filter(|p| match p {
        Piece::Const { value, .. } => !value.is_empty(),
        Piece::Other(_) => true,
    })
}

impl<'a> Lower<'a> {
    /// Folds runs of constant pieces into one `Constant` (value joined, kind
    /// and start of the first, end of the last) and drops empty constants.
    fn fold(&self, pieces: Vec<Piece>) -> Vec<Expr> {
        self.fold_inner(pieces, false)
    }

    /// [`Self::fold`], keeping an empty constant that ends the list.
    fn fold_keep_empty(&self, pieces: Vec<Piece>) -> Vec<Expr> {
        self.fold_inner(pieces, true)
    }

    fn fold_inner(&self, pieces: Vec<Piece>, keep_empty: bool) -> Vec<Expr> {
        let mut values: Vec<Expr> = Vec::new();
        let mut run: Option<(PyStr, Option<String>, u32, u32)> = None;
        let flush = |run: &mut Option<(PyStr, Option<String>, u32, u32)>,
                     values: &mut Vec<Expr>| {
            if let Some((value, kind, start, end)) = run.take() {
                if keep_empty || !value.is_empty() {
                    values.push(Expr {
                        kind: ExprKind::Constant {
                            value: Constant::Str(value),
                            kind,
                        },
                        loc: self.loc_of(start, end),
                    });
                }
            }
        };
        for p in pieces {
            match p {
                Piece::Const {
                    value,
                    kind,
                    start,
                    end,
                } => match &mut run {
                    Some((v, _, _, e)) => {
                        v.push(&value);
                        *e = end;
                    }
                    None => run = Some((value, kind, start, end)),
                },
                Piece::Other(e) => {
                    flush(&mut run, &mut values);
                    values.push(e);
                }
            }
        }
        flush(&mut run, &mut values);
        values
    }

    /// End of a compound statement: a trailing `;` of its last simple
    /// statement line belongs to it.
    fn compound_end(&self, end: TextSize) -> TextSize {
        let idx = self.tokens.partition_point(|t| t.start() < end);
        match self.tokens.get(idx) {
            Some(t) if t.kind() == TokenKind::Semi => t.end(),
            _ => end,
        }
    }

    fn loc_of(&self, start: u32, end: u32) -> Loc {
        let (lineno, col_offset) = self.lines.line_col(start);
        let (end_lineno, end_col_offset) = self.lines.line_col(end);
        Loc {
            lineno,
            col_offset,
            end_lineno,
            end_col_offset,
        }
    }

    fn loc(&self, range: TextRange) -> Loc {
        self.loc_of(off(range.start()), off(range.end()))
    }

    fn slice(&self, range: TextRange) -> &'a str {
        let start = usize::try_from(off(range.start())).unwrap_or(0);
        let end = usize::try_from(off(range.end())).unwrap_or(0);
        self.text.get(start..end).unwrap_or("")
    }

    /// First token at or after `offset` whose kind satisfies `pred`.
    fn token_after(&self, offset: TextSize, pred: impl Fn(TokenKind) -> bool) -> Option<&'a Token> {
        let idx = self.tokens.partition_point(|t| t.start() < offset);
        self.tokens.get(idx..)?.iter().find(|t| pred(t.kind()))
    }

    /// Last token ending at or before `offset` whose kind satisfies `pred`.
    fn token_before(
        &self,
        offset: TextSize,
        pred: impl Fn(TokenKind) -> bool,
    ) -> Option<&'a Token> {
        let idx = self.tokens.partition_point(|t| t.end() <= offset);
        self.tokens
            .get(..idx)?
            .iter()
            .rev()
            .find(|t| pred(t.kind()))
    }

    pub(crate) fn module(&self, m: &r::ModModule) -> Module {
        Module {
            body: self.body(&m.body),
            type_ignores: Vec::new(),
        }
    }

    fn body(&self, stmts: &[r::Stmt]) -> Vec<Stmt> {
        stmts.iter().filter_map(|s| self.stmt(s)).collect()
    }

    fn exprs(&self, v: &[r::Expr]) -> Vec<Expr> {
        v.iter().map(|e| self.expr(e)).collect()
    }

    fn bexpr(&self, e: &r::Expr) -> Box<Expr> {
        Box::new(self.expr(e))
    }

    fn oexpr(&self, e: Option<&r::Expr>) -> Option<Box<Expr>> {
        e.map(|e| self.bexpr(e))
    }

    fn type_params(&self, tp: Option<&r::TypeParams>) -> Vec<TypeParam> {
        let Some(tp) = tp else { return Vec::new() };
        tp.type_params
            .iter()
            .map(|p| {
                let (kind, range) = match p {
                    r::TypeParam::TypeVar(t) => (
                        TypeParamKind::TypeVar {
                            name: t.name.id.to_string(),
                            bound: self.oexpr(t.bound.as_deref()),
                            default_value: self.oexpr(t.default.as_deref()),
                        },
                        t.range,
                    ),
                    r::TypeParam::ParamSpec(t) => (
                        TypeParamKind::ParamSpec {
                            name: t.name.id.to_string(),
                            default_value: self.oexpr(t.default.as_deref()),
                        },
                        t.range,
                    ),
                    r::TypeParam::TypeVarTuple(t) => (
                        TypeParamKind::TypeVarTuple {
                            name: t.name.id.to_string(),
                            default_value: self.oexpr(t.default.as_deref()),
                        },
                        t.range,
                    ),
                };
                TypeParam {
                    kind,
                    loc: self.loc(range),
                }
            })
            .collect()
    }

    fn arg(&self, p: &r::Parameter) -> Arg {
        Arg {
            arg: p.name.id.to_string(),
            annotation: self.oexpr(p.annotation.as_deref()),
            type_comment: None,
            // `*args` / `**kwargs`: CPython's extent starts at the name.
            loc: self.loc(TextRange::new(p.name.range.start(), p.range.end())),
        }
    }

    fn arguments(&self, p: Option<&r::Parameters>) -> Arguments {
        let Some(p) = p else {
            return Arguments::default();
        };
        let mut defaults = Vec::new();
        for a in p.posonlyargs.iter().chain(p.args.iter()) {
            if let Some(d) = &a.default {
                defaults.push(self.expr(d));
            }
        }
        Arguments {
            posonlyargs: p
                .posonlyargs
                .iter()
                .map(|a| self.arg(&a.parameter))
                .collect(),
            args: p.args.iter().map(|a| self.arg(&a.parameter)).collect(),
            vararg: p.vararg.as_deref().map(|a| Box::new(self.arg(a))),
            kwonlyargs: p
                .kwonlyargs
                .iter()
                .map(|a| self.arg(&a.parameter))
                .collect(),
            kw_defaults: p
                .kwonlyargs
                .iter()
                .map(|a| a.default.as_deref().map(|d| self.expr(d)))
                .collect(),
            kwarg: p.kwarg.as_deref().map(|a| Box::new(self.arg(a))),
            defaults,
        }
    }

    fn keyword(&self, k: &r::Keyword) -> Keyword {
        Keyword {
            arg: k.arg.as_ref().map(|a| a.id.to_string()),
            value: self.expr(&k.value),
            loc: self.loc(k.range),
        }
    }

    fn alias(&self, a: &r::Alias) -> Alias {
        Alias {
            name: a.name.id.to_string(),
            asname: a.asname.as_ref().map(|n| n.id.to_string()),
            loc: self.loc(a.range),
        }
    }

    /// Start of a decorated definition: its `def` / `async` / `class` keyword.
    fn def_start(&self, range: TextRange, decorators: &[r::Decorator]) -> TextSize {
        match decorators.last() {
            None => range.start(),
            Some(d) => self
                .token_after(d.range.end(), |k| {
                    matches!(k, TokenKind::Def | TokenKind::Async | TokenKind::Class)
                })
                .map_or(range.start(), |t| t.start()),
        }
    }

    fn handlers(&self, hs: &[r::ExceptHandler]) -> Vec<ExceptHandler> {
        hs.iter()
            .map(|h| {
                let r::ExceptHandler::ExceptHandler(h) = h;
                ExceptHandler {
                    type_: self.oexpr(h.type_.as_deref()),
                    name: h.name.as_ref().map(|n| n.id.to_string()),
                    body: self.body(&h.body),
                    loc: self.loc(TextRange::new(
                        h.range.start(),
                        self.compound_end(h.range.end()),
                    )),
                }
            })
            .collect()
    }

    fn stmt(&self, s: &r::Stmt) -> Option<Stmt> {
        stacker::maybe_grow(64 * 1024, 4 * 1024 * 1024, || self.stmt_inner(s))
    }

    fn stmt_inner(&self, s: &r::Stmt) -> Option<Stmt> {
        use StmtKind as S;
        let mut range = s.range();
        let kind = match s {
            r::Stmt::FunctionDef(f) => {
                range = TextRange::new(self.def_start(f.range, &f.decorator_list), range.end());
                let def = FunctionDef {
                    name: f.name.id.to_string(),
                    args: Box::new(self.arguments(Some(&f.parameters))),
                    body: self.body(&f.body),
                    decorator_list: f
                        .decorator_list
                        .iter()
                        .map(|d| self.expr(&d.expression))
                        .collect(),
                    returns: self.oexpr(f.returns.as_deref()),
                    type_comment: None,
                    type_params: self.type_params(f.type_params.as_deref()),
                };
                if f.is_async {
                    S::AsyncFunctionDef(def)
                } else {
                    S::FunctionDef(def)
                }
            }
            r::Stmt::ClassDef(c) => {
                range = TextRange::new(self.def_start(c.range, &c.decorator_list), range.end());
                let (bases, keywords) = match c.arguments.as_deref() {
                    Some(a) => (
                        self.exprs(&a.args),
                        a.keywords.iter().map(|k| self.keyword(k)).collect(),
                    ),
                    None => (Vec::new(), Vec::new()),
                };
                S::ClassDef {
                    name: c.name.id.to_string(),
                    bases,
                    keywords,
                    body: self.body(&c.body),
                    decorator_list: c
                        .decorator_list
                        .iter()
                        .map(|d| self.expr(&d.expression))
                        .collect(),
                    type_params: self.type_params(c.type_params.as_deref()),
                }
            }
            r::Stmt::Return(x) => S::Return {
                value: self.oexpr(x.value.as_deref()),
            },
            r::Stmt::Delete(x) => S::Delete {
                targets: self.exprs(&x.targets),
            },
            r::Stmt::TypeAlias(x) => S::TypeAlias {
                name: self.bexpr(&x.name),
                type_params: self.type_params(x.type_params.as_deref()),
                value: self.bexpr(&x.value),
            },
            r::Stmt::Assign(x) => S::Assign {
                targets: self.exprs(&x.targets),
                value: self.bexpr(&x.value),
                type_comment: None,
            },
            r::Stmt::AugAssign(x) => S::AugAssign {
                target: self.bexpr(&x.target),
                op: operator(x.op),
                value: self.bexpr(&x.value),
            },
            r::Stmt::AnnAssign(x) => S::AnnAssign {
                target: self.bexpr(&x.target),
                annotation: self.bexpr(&x.annotation),
                value: self.oexpr(x.value.as_deref()),
                simple: x.simple,
            },
            r::Stmt::For(x) => {
                let (target, iter, body, orelse) = (
                    self.bexpr(&x.target),
                    self.bexpr(&x.iter),
                    self.body(&x.body),
                    self.body(&x.orelse),
                );
                if x.is_async {
                    S::AsyncFor {
                        target,
                        iter,
                        body,
                        orelse,
                        type_comment: None,
                    }
                } else {
                    S::For {
                        target,
                        iter,
                        body,
                        orelse,
                        type_comment: None,
                    }
                }
            }
            r::Stmt::While(x) => S::While {
                test: self.bexpr(&x.test),
                body: self.body(&x.body),
                orelse: self.body(&x.orelse),
            },
            r::Stmt::If(x) => {
                // Fold `elif` / `else` clauses into nested `If`s, innermost first.
                let mut orelse: Vec<Stmt> = Vec::new();
                let end = self.compound_end(range.end());
                for clause in x.elif_else_clauses.iter().rev() {
                    match &clause.test {
                        None => orelse = self.body(&clause.body),
                        Some(test) => {
                            let nested = Stmt {
                                kind: S::If {
                                    test: self.bexpr(test),
                                    body: self.body(&clause.body),
                                    orelse,
                                },
                                loc: self.loc(TextRange::new(clause.range.start(), end)),
                            };
                            orelse = vec![nested];
                        }
                    }
                }
                S::If {
                    test: self.bexpr(&x.test),
                    body: self.body(&x.body),
                    orelse,
                }
            }
            r::Stmt::With(x) => {
                let items = x
                    .items
                    .iter()
                    .map(|i| WithItem {
                        context_expr: self.expr(&i.context_expr),
                        optional_vars: self.oexpr(i.optional_vars.as_deref()),
                    })
                    .collect();
                let body = self.body(&x.body);
                if x.is_async {
                    S::AsyncWith {
                        items,
                        body,
                        type_comment: None,
                    }
                } else {
                    S::With {
                        items,
                        body,
                        type_comment: None,
                    }
                }
            }
            r::Stmt::Match(x) => S::Match {
                subject: self.bexpr(&x.subject),
                cases: x
                    .cases
                    .iter()
                    .map(|c| MatchCase {
                        pattern: self.pattern(&c.pattern),
                        guard: self.oexpr(c.guard.as_deref()),
                        body: self.body(&c.body),
                    })
                    .collect(),
            },
            r::Stmt::Raise(x) => S::Raise {
                exc: self.oexpr(x.exc.as_deref()),
                cause: self.oexpr(x.cause.as_deref()),
            },
            r::Stmt::Try(x) => {
                let (body, handlers, orelse, finalbody) = (
                    self.body(&x.body),
                    self.handlers(&x.handlers),
                    self.body(&x.orelse),
                    self.body(&x.finalbody),
                );
                if x.is_star {
                    S::TryStar {
                        body,
                        handlers,
                        orelse,
                        finalbody,
                    }
                } else {
                    S::Try {
                        body,
                        handlers,
                        orelse,
                        finalbody,
                    }
                }
            }
            r::Stmt::Assert(x) => S::Assert {
                test: self.bexpr(&x.test),
                msg: self.oexpr(x.msg.as_deref()),
            },
            r::Stmt::Import(x) => S::Import {
                names: x.names.iter().map(|a| self.alias(a)).collect(),
            },
            r::Stmt::ImportFrom(x) => S::ImportFrom {
                module: x.module.as_ref().map(|m| m.id.to_string()),
                names: x.names.iter().map(|a| self.alias(a)).collect(),
                level: x.level,
            },
            r::Stmt::Global(x) => S::Global {
                names: x.names.iter().map(|n| n.id.to_string()).collect(),
            },
            r::Stmt::Nonlocal(x) => S::Nonlocal {
                names: x.names.iter().map(|n| n.id.to_string()).collect(),
            },
            r::Stmt::Expr(x) => S::Expr {
                value: self.bexpr(&x.value),
            },
            r::Stmt::Pass(_) => S::Pass,
            r::Stmt::Break(_) => S::Break,
            r::Stmt::Continue(_) => S::Continue,
            r::Stmt::IpyEscapeCommand(_) => return None,
        };
        let compound = matches!(
            s,
            r::Stmt::FunctionDef(_)
                | r::Stmt::ClassDef(_)
                | r::Stmt::For(_)
                | r::Stmt::While(_)
                | r::Stmt::If(_)
                | r::Stmt::With(_)
                | r::Stmt::Match(_)
                | r::Stmt::Try(_)
        );
        if compound {
            range = TextRange::new(range.start(), self.compound_end(range.end()));
        }
        Some(Stmt {
            kind,
            loc: self.loc(range),
        })
    }

    fn pattern(&self, p: &r::Pattern) -> Pattern {
        stacker::maybe_grow(64 * 1024, 4 * 1024 * 1024, || self.pattern_inner(p))
    }

    fn pattern_inner(&self, p: &r::Pattern) -> Pattern {
        use PatternKind as P;
        let pats = |v: &[r::Pattern]| v.iter().map(|p| self.pattern(p)).collect::<Vec<_>>();
        let kind = match p {
            r::Pattern::MatchValue(x) => P::MatchValue {
                value: self.bexpr(&x.value),
            },
            r::Pattern::MatchSingleton(x) => P::MatchSingleton {
                value: match x.value {
                    r::Singleton::None => Constant::None,
                    r::Singleton::True => Constant::Bool(true),
                    r::Singleton::False => Constant::Bool(false),
                },
            },
            r::Pattern::MatchSequence(x) => P::MatchSequence {
                patterns: pats(&x.patterns),
            },
            r::Pattern::MatchMapping(x) => P::MatchMapping {
                keys: self.exprs(&x.keys),
                patterns: pats(&x.patterns),
                rest: x.rest.as_ref().map(|n| n.id.to_string()),
            },
            r::Pattern::MatchClass(x) => P::MatchClass {
                cls: self.bexpr(&x.cls),
                patterns: pats(&x.arguments.patterns),
                kwd_attrs: x
                    .arguments
                    .keywords
                    .iter()
                    .map(|k| k.attr.id.to_string())
                    .collect(),
                kwd_patterns: x
                    .arguments
                    .keywords
                    .iter()
                    .map(|k| self.pattern(&k.pattern))
                    .collect(),
            },
            r::Pattern::MatchStar(x) => P::MatchStar {
                name: x.name.as_ref().map(|n| n.id.to_string()),
            },
            r::Pattern::MatchAs(x) => P::MatchAs {
                pattern: x.pattern.as_deref().map(|p| Box::new(self.pattern(p))),
                name: x.name.as_ref().map(|n| n.id.to_string()),
            },
            r::Pattern::MatchOr(x) => P::MatchOr {
                patterns: pats(&x.patterns),
            },
        };
        Pattern {
            kind,
            loc: self.loc(p.range()),
        }
    }

    fn comprehensions(&self, gens: &[r::Comprehension]) -> Vec<Comprehension> {
        gens.iter()
            .map(|g| Comprehension {
                target: self.expr(&g.target),
                iter: self.expr(&g.iter),
                ifs: self.exprs(&g.ifs),
                is_async: g.is_async,
            })
            .collect()
    }

    pub(crate) fn expr(&self, e: &r::Expr) -> Expr {
        stacker::maybe_grow(64 * 1024, 4 * 1024 * 1024, || self.expr_inner(e))
    }

    fn expr_inner(&self, e: &r::Expr) -> Expr {
        use ExprKind as E;
        let range = e.range();
        let kind = match e {
            r::Expr::BoolOp(x) => E::BoolOp {
                op: match x.op {
                    r::BoolOp::And => BoolOp::And,
                    r::BoolOp::Or => BoolOp::Or,
                },
                values: self.exprs(&x.values),
            },
            r::Expr::Named(x) => E::NamedExpr {
                target: self.bexpr(&x.target),
                value: self.bexpr(&x.value),
            },
            r::Expr::BinOp(x) => E::BinOp {
                left: self.bexpr(&x.left),
                op: operator(x.op),
                right: self.bexpr(&x.right),
            },
            r::Expr::UnaryOp(x) => E::UnaryOp {
                op: match x.op {
                    r::UnaryOp::Invert => UnaryOp::Invert,
                    r::UnaryOp::Not => UnaryOp::Not,
                    r::UnaryOp::UAdd => UnaryOp::UAdd,
                    r::UnaryOp::USub => UnaryOp::USub,
                },
                operand: self.bexpr(&x.operand),
            },
            r::Expr::Lambda(x) => E::Lambda {
                args: Box::new(self.arguments(x.parameters.as_deref())),
                body: self.bexpr(&x.body),
            },
            r::Expr::If(x) => E::IfExp {
                test: self.bexpr(&x.test),
                body: self.bexpr(&x.body),
                orelse: self.bexpr(&x.orelse),
            },
            r::Expr::Dict(x) => E::Dict {
                keys: x
                    .items
                    .iter()
                    .map(|i| i.key.as_ref().map(|k| self.expr(k)))
                    .collect(),
                values: x.items.iter().map(|i| self.expr(&i.value)).collect(),
            },
            r::Expr::Set(x) => E::Set {
                elts: self.exprs(&x.elts),
            },
            r::Expr::ListComp(x) => E::ListComp {
                elt: self.bexpr(&x.elt),
                generators: self.comprehensions(&x.generators),
            },
            r::Expr::SetComp(x) => E::SetComp {
                elt: self.bexpr(&x.elt),
                generators: self.comprehensions(&x.generators),
            },
            r::Expr::DictComp(x) => E::DictComp {
                key: match x.key.as_deref() {
                    Some(k) => self.bexpr(k),
                    None => Box::new(Expr {
                        kind: E::Constant {
                            value: Constant::None,
                            kind: None,
                        },
                        loc: self.loc(range),
                    }),
                },
                value: self.bexpr(&x.value),
                generators: self.comprehensions(&x.generators),
            },
            r::Expr::Generator(x) => E::GeneratorExp {
                elt: self.bexpr(&x.elt),
                generators: self.comprehensions(&x.generators),
            },
            r::Expr::Await(x) => E::Await {
                value: self.bexpr(&x.value),
            },
            r::Expr::Yield(x) => E::Yield {
                value: self.oexpr(x.value.as_deref()),
            },
            r::Expr::YieldFrom(x) => E::YieldFrom {
                value: self.bexpr(&x.value),
            },
            r::Expr::Compare(x) => E::Compare {
                left: self.bexpr(&x.left),
                ops: x.ops.iter().map(|o| cmpop(*o)).collect(),
                comparators: self.exprs(&x.comparators),
            },
            r::Expr::Call(x) => {
                let mut args = self.exprs(&x.arguments.args);
                // A sole unparenthesised generator argument takes the call's
                // parentheses as its extent.
                if x.arguments.args.len() == 1 && x.arguments.keywords.is_empty() {
                    if let (Some(r::Expr::Generator(g)), Some(a)) =
                        (x.arguments.args.first(), args.first_mut())
                    {
                        if !g.parenthesized {
                            a.loc = self.loc(x.arguments.range);
                        }
                    }
                }
                E::Call {
                    func: self.bexpr(&x.func),
                    args,
                    keywords: x
                        .arguments
                        .keywords
                        .iter()
                        .map(|k| self.keyword(k))
                        .collect(),
                }
            }
            r::Expr::FString(x) => return self.fstring(x),
            r::Expr::TString(x) => return self.tstring(x),
            r::Expr::StringLiteral(x) => {
                let mut value = PyStr::Utf8(String::new());
                let mut kind = None;
                for (i, part) in x.value.iter().enumerate() {
                    let (v, k) = self.string_literal(part);
                    if i == 0 {
                        kind = k;
                    }
                    value.push(&v);
                }
                E::Constant {
                    value: Constant::Str(value),
                    kind,
                }
            }
            r::Expr::BytesLiteral(x) => {
                let mut value: Vec<u8> = Vec::new();
                for part in x.value.iter() {
                    value.extend_from_slice(&part.value);
                }
                E::Constant {
                    value: Constant::Bytes(value),
                    kind: None,
                }
            }
            r::Expr::NumberLiteral(x) => E::Constant {
                value: match &x.value {
                    r::Number::Int(_) => Constant::Int(parse_int(self.slice(range))),
                    r::Number::Float(f) => Constant::Float(*f),
                    r::Number::Complex { real, imag } => Constant::Complex {
                        real: *real,
                        imag: *imag,
                    },
                },
                kind: None,
            },
            r::Expr::BooleanLiteral(x) => E::Constant {
                value: Constant::Bool(x.value),
                kind: None,
            },
            r::Expr::NoneLiteral(_) => E::Constant {
                value: Constant::None,
                kind: None,
            },
            r::Expr::EllipsisLiteral(_) => E::Constant {
                value: Constant::Ellipsis,
                kind: None,
            },
            r::Expr::Attribute(x) => E::Attribute {
                value: self.bexpr(&x.value),
                attr: x.attr.id.to_string(),
                ctx: ctx(x.ctx),
            },
            r::Expr::Subscript(x) => E::Subscript {
                value: self.bexpr(&x.value),
                slice: self.bexpr(&x.slice),
                ctx: ctx(x.ctx),
            },
            r::Expr::Starred(x) => E::Starred {
                value: self.bexpr(&x.value),
                ctx: ctx(x.ctx),
            },
            r::Expr::Name(x) => E::Name {
                id: x.id.to_string(),
                ctx: ctx(x.ctx),
            },
            r::Expr::List(x) => E::List {
                elts: self.exprs(&x.elts),
                ctx: ctx(x.ctx),
            },
            r::Expr::Tuple(x) => E::Tuple {
                elts: self.exprs(&x.elts),
                ctx: ctx(x.ctx),
            },
            r::Expr::Slice(x) => E::Slice {
                lower: self.oexpr(x.lower.as_deref()),
                upper: self.oexpr(x.upper.as_deref()),
                step: self.oexpr(x.step.as_deref()),
            },
            r::Expr::IpyEscapeCommand(_) => E::Constant {
                value: Constant::None,
                kind: None,
            },
        };
        Expr {
            kind,
            loc: self.loc(range),
        }
    }

    /// Value and kind of one plain string literal token.
    fn string_literal(&self, s: &r::StringLiteral) -> (PyStr, Option<String>) {
        let tok = self.slice(s.range);
        let (prefix, body) = split_string_token(tok);
        let kind = if tok.starts_with('u') {
            Some("u".to_owned())
        } else {
            None
        };
        let value = if s.value.contains('\u{FFFD}') {
            let mut cps = Vec::new();
            decode_escapes(body, prefix.contains(['r', 'R']), false, &mut cps);
            PyStr::from_code_points(cps)
        } else {
            PyStr::Utf8(s.value.to_string())
        };
        (value, kind)
    }

    /// Value of an f-string literal element.
    fn fstring_literal(&self, lit: &r::InterpolatedStringLiteralElement, raw: bool) -> PyStr {
        if lit.value.contains('\u{FFFD}') {
            let mut cps = Vec::new();
            decode_escapes(self.slice(lit.range), raw, true, &mut cps);
            PyStr::from_code_points(cps)
        } else {
            PyStr::Utf8(lit.value.to_string())
        }
    }

    /// Lowers the elements of one f-string (or of a format spec) into pieces.
    fn fstring_elements(
        &self,
        elements: &[r::InterpolatedStringElement],
        raw: bool,
        template: bool,
        out: &mut Vec<Piece>,
    ) {
        for el in elements {
            match el {
                r::InterpolatedStringElement::Literal(lit) => {
                    out.push(Piece::Const {
                        value: self.fstring_literal(lit, raw),
                        kind: None,
                        start: off(lit.range.start()),
                        end: off(lit.range.end()),
                    });
                }
                r::InterpolatedStringElement::Interpolation(i) => {
                    let start = off(i.range.start());
                    if let Some(debug) = &i.debug_text {
                        let text_start = start + 1;
                        let len = u32::try_from(debug.as_str().len()).unwrap_or(0);
                        out.push(Piece::Const {
                            value: PyStr::Utf8(strip_comments(debug.as_str())),
                            kind: None,
                            start: text_start,
                            end: text_start + len,
                        });
                    }
                    out.push(Piece::Other(self.formatted_value(i, raw, template)));
                }
            }
        }
    }

    fn formatted_value(&self, i: &r::InterpolatedElement, raw: bool, template: bool) -> Expr {
        let conversion = match i.conversion {
            r::ConversionFlag::None => {
                if i.debug_text.is_some() && i.format_spec.is_none() {
                    i32::from(b'r')
                } else {
                    -1
                }
            }
            r::ConversionFlag::Str => i32::from(b's'),
            r::ConversionFlag::Ascii => i32::from(b'a'),
            r::ConversionFlag::Repr => i32::from(b'r'),
        };
        let format_spec = i.format_spec.as_deref().map(|spec| {
            let mut pieces = Vec::new();
            self.fstring_elements(&spec.elements, raw, false, &mut pieces);
            pieces.retain(|p| !matches!(p, Piece::Const { value, .. } if value.is_empty()));
            // 3.12 ends a spec whose last part is a replacement field with an
            // empty constant at the spec's end.
            if self.target < crate::Target::PY313 && matches!(pieces.last(), Some(Piece::Other(_)))
            {
                let end = off(spec.range.end());
                pieces.push(Piece::Const {
                    value: PyStr::Utf8(String::new()),
                    kind: None,
                    start: end,
                    end,
                });
            }
            let values = self.fold_keep_empty(pieces);
            // The spec's extent starts at its `:`.
            let start = self
                .token_before(spec.range.start() + TextSize::from(1), |k| {
                    k == TokenKind::Colon
                })
                .map_or(spec.range.start(), |t| t.start());
            Box::new(Expr {
                kind: ExprKind::JoinedStr { values },
                loc: self.loc_of(off(start), off(spec.range.end())),
            })
        });
        let value = self.bexpr(&i.expression);
        let kind = if template {
            ExprKind::Interpolation {
                value,
                str: self.interpolation_text(i),
                conversion,
                format_spec,
            }
        } else {
            ExprKind::FormattedValue {
                value,
                conversion,
                format_spec,
            }
        };
        Expr {
            kind,
            loc: self.loc(i.range),
        }
    }

    /// An interpolation's expression text: from after its `{` to the end of
    /// the last token of the expression (closing parentheses included,
    /// trailing comments and whitespace not).
    fn interpolation_text(&self, i: &r::InterpolatedElement) -> String {
        let start = i.range.start() + TextSize::from(1);
        let from = self
            .tokens
            .partition_point(|t| t.start() < i.expression.range().end());
        let mut end = i.expression.range().end();
        for t in self.tokens.get(from..).unwrap_or(&[]) {
            match t.kind() {
                TokenKind::Rpar => end = t.end(),
                TokenKind::Comment | TokenKind::NonLogicalNewline => {}
                _ => break,
            }
        }
        self.text
            .get(start.to_usize()..end.to_usize())
            .unwrap_or("")
            .to_owned()
    }

    fn tstring(&self, x: &r::ExprTString) -> Expr {
        let mut pieces: Vec<Piece> = Vec::new();
        for part in x.value.iter() {
            let tok = self.slice(part.range);
            let (prefix, _) = split_string_token(tok);
            let raw = prefix.contains(['r', 'R']);
            let mut inner = Vec::new();
            self.fstring_elements(&part.elements, raw, true, &mut inner);
            pieces.extend(non_empty(inner));
        }
        let values = self.fold(pieces);
        Expr {
            kind: ExprKind::TemplateStr { values },
            loc: self.loc(x.range),
        }
    }

    fn fstring(&self, x: &r::ExprFString) -> Expr {
        let mut pieces: Vec<Piece> = Vec::new();
        for part in x.value.iter() {
            match part {
                r::FStringPart::Literal(s) => {
                    let (value, kind) = self.string_literal(s);
                    pieces.push(Piece::Const {
                        value,
                        kind,
                        start: off(s.range.start()),
                        end: off(s.range.end()),
                    });
                }
                r::FStringPart::FString(f) => {
                    let tok = self.slice(f.range);
                    let (prefix, _) = split_string_token(tok);
                    let raw = prefix.contains(['r', 'R']);
                    let mut inner = Vec::new();
                    self.fstring_elements(&f.elements, raw, false, &mut inner);
                    pieces.extend(non_empty(inner));
                }
            }
        }
        let values = self.fold(pieces);
        Expr {
            kind: ExprKind::JoinedStr { values },
            loc: self.loc(x.range),
        }
    }
}
