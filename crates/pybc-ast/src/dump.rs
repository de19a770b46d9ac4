//! `ast.dump()` exactly as CPython 3.13 prints it (annotate_fields=True,
//! show_empty=False).

use crate::ast::*;
use crate::Target;

/// A value in the dump tree.
enum DV {
    Node {
        name: &'static str,
        /// Fields kept after dropping `None` and `[]` values.
        fields: Vec<(&'static str, DV)>,
        loc: Option<Loc>,
    },
    List(Vec<DV>),
    Repr(String),
    /// A `str` value (identifiers, `kind`, `Interpolation.str`), printed
    /// with the target version's `repr`.
    Str(String),
    /// A constant, printed with the target version's `repr`.
    Const(Constant),
}

/// Builder for one node's fields.
struct N {
    name: &'static str,
    fields: Vec<(&'static str, DV)>,
    loc: Option<Loc>,
}

impl N {
    fn new(name: &'static str) -> N {
        N {
            name,
            fields: Vec::new(),
            loc: None,
        }
    }
    fn at(mut self, loc: Loc) -> N {
        self.loc = Some(loc);
        self
    }
    /// A required field.
    fn f(mut self, name: &'static str, v: DV) -> N {
        self.fields.push((name, v));
        self
    }
    /// An optional field: omitted when `None`.
    fn opt(mut self, name: &'static str, v: Option<DV>) -> N {
        if let Some(v) = v {
            self.fields.push((name, v));
        }
        self
    }
    /// A list field (omitted when empty from 3.13 on).
    fn list(mut self, name: &'static str, v: Vec<DV>) -> N {
        self.fields.push((name, DV::List(v)));
        self
    }
    fn done(self) -> DV {
        DV::Node {
            name: self.name,
            fields: self.fields,
            loc: self.loc,
        }
    }
}

fn ident(s: &str) -> DV {
    DV::Str(s.to_owned())
}

fn int(v: i64) -> DV {
    DV::Repr(v.to_string())
}

fn unit(name: &'static str) -> DV {
    N::new(name).done()
}

fn ctx(c: ExprContext) -> DV {
    unit(match c {
        ExprContext::Load => "Load",
        ExprContext::Store => "Store",
        ExprContext::Del => "Del",
    })
}

fn operator(op: Operator) -> DV {
    unit(match op {
        Operator::Add => "Add",
        Operator::Sub => "Sub",
        Operator::Mult => "Mult",
        Operator::MatMult => "MatMult",
        Operator::Div => "Div",
        Operator::Mod => "Mod",
        Operator::Pow => "Pow",
        Operator::LShift => "LShift",
        Operator::RShift => "RShift",
        Operator::BitOr => "BitOr",
        Operator::BitXor => "BitXor",
        Operator::BitAnd => "BitAnd",
        Operator::FloorDiv => "FloorDiv",
    })
}

fn cmpop(op: CmpOp) -> DV {
    unit(match op {
        CmpOp::Eq => "Eq",
        CmpOp::NotEq => "NotEq",
        CmpOp::Lt => "Lt",
        CmpOp::LtE => "LtE",
        CmpOp::Gt => "Gt",
        CmpOp::GtE => "GtE",
        CmpOp::Is => "Is",
        CmpOp::IsNot => "IsNot",
        CmpOp::In => "In",
        CmpOp::NotIn => "NotIn",
    })
}

fn exprs(v: &[Expr]) -> Vec<DV> {
    v.iter().map(expr).collect()
}

fn stmts(v: &[Stmt]) -> Vec<DV> {
    v.iter().map(stmt).collect()
}

fn bexpr(e: &Expr) -> DV {
    expr(e)
}

fn oexpr(e: &Option<Box<Expr>>) -> Option<DV> {
    e.as_deref().map(expr)
}

fn arg(a: &Arg) -> DV {
    N::new("arg")
        .f("arg", ident(&a.arg))
        .opt("annotation", oexpr(&a.annotation))
        .opt("type_comment", a.type_comment.as_deref().map(ident))
        .at(a.loc)
        .done()
}

fn arguments(a: &Arguments) -> DV {
    N::new("arguments")
        .list("posonlyargs", a.posonlyargs.iter().map(arg).collect())
        .list("args", a.args.iter().map(arg).collect())
        .opt("vararg", a.vararg.as_deref().map(arg))
        .list("kwonlyargs", a.kwonlyargs.iter().map(arg).collect())
        .list(
            "kw_defaults",
            a.kw_defaults
                .iter()
                .map(|d| d.as_ref().map_or_else(|| DV::Repr("None".to_owned()), expr))
                .collect(),
        )
        .opt("kwarg", a.kwarg.as_deref().map(arg))
        .list("defaults", exprs(&a.defaults))
        .done()
}

fn keyword(k: &Keyword) -> DV {
    N::new("keyword")
        .opt("arg", k.arg.as_deref().map(ident))
        .f("value", expr(&k.value))
        .at(k.loc)
        .done()
}

fn alias(a: &Alias) -> DV {
    N::new("alias")
        .f("name", ident(&a.name))
        .opt("asname", a.asname.as_deref().map(ident))
        .at(a.loc)
        .done()
}

fn withitem(w: &WithItem) -> DV {
    N::new("withitem")
        .f("context_expr", expr(&w.context_expr))
        .opt("optional_vars", oexpr(&w.optional_vars))
        .done()
}

fn comprehension(c: &Comprehension) -> DV {
    N::new("comprehension")
        .f("target", expr(&c.target))
        .f("iter", expr(&c.iter))
        .list("ifs", exprs(&c.ifs))
        .f("is_async", int(i64::from(c.is_async)))
        .done()
}

fn handler(h: &ExceptHandler) -> DV {
    N::new("ExceptHandler")
        .opt("type", oexpr(&h.type_))
        .opt("name", h.name.as_deref().map(ident))
        .list("body", stmts(&h.body))
        .at(h.loc)
        .done()
}

fn type_param(t: &TypeParam) -> DV {
    let n = match &t.kind {
        TypeParamKind::TypeVar {
            name,
            bound,
            default_value,
        } => N::new("TypeVar")
            .f("name", ident(name))
            .opt("bound", oexpr(bound))
            .opt("default_value", oexpr(default_value)),
        TypeParamKind::ParamSpec {
            name,
            default_value,
        } => N::new("ParamSpec")
            .f("name", ident(name))
            .opt("default_value", oexpr(default_value)),
        TypeParamKind::TypeVarTuple {
            name,
            default_value,
        } => N::new("TypeVarTuple")
            .f("name", ident(name))
            .opt("default_value", oexpr(default_value)),
    };
    n.at(t.loc).done()
}

fn pattern(p: &Pattern) -> DV {
    let n = match &p.kind {
        PatternKind::MatchValue { value } => N::new("MatchValue").f("value", bexpr(value)),
        PatternKind::MatchSingleton { value } => {
            N::new("MatchSingleton").f("value", DV::Const(value.clone()))
        }
        PatternKind::MatchSequence { patterns } => {
            N::new("MatchSequence").list("patterns", patterns.iter().map(pattern).collect())
        }
        PatternKind::MatchMapping {
            keys,
            patterns,
            rest,
        } => N::new("MatchMapping")
            .list("keys", exprs(keys))
            .list("patterns", patterns.iter().map(pattern).collect())
            .opt("rest", rest.as_deref().map(ident)),
        PatternKind::MatchClass {
            cls,
            patterns,
            kwd_attrs,
            kwd_patterns,
        } => N::new("MatchClass")
            .f("cls", bexpr(cls))
            .list("patterns", patterns.iter().map(pattern).collect())
            .list("kwd_attrs", kwd_attrs.iter().map(|s| ident(s)).collect())
            .list("kwd_patterns", kwd_patterns.iter().map(pattern).collect()),
        PatternKind::MatchStar { name } => {
            N::new("MatchStar").opt("name", name.as_deref().map(ident))
        }
        PatternKind::MatchAs { pattern: pat, name } => N::new("MatchAs")
            .opt("pattern", pat.as_deref().map(pattern))
            .opt("name", name.as_deref().map(ident)),
        PatternKind::MatchOr { patterns } => {
            N::new("MatchOr").list("patterns", patterns.iter().map(pattern).collect())
        }
    };
    n.at(p.loc).done()
}

fn match_case(c: &MatchCase) -> DV {
    N::new("match_case")
        .f("pattern", pattern(&c.pattern))
        .opt("guard", oexpr(&c.guard))
        .list("body", stmts(&c.body))
        .done()
}

fn function_def(name: &'static str, f: &FunctionDef) -> N {
    N::new(name)
        .f("name", ident(&f.name))
        .f("args", arguments(&f.args))
        .list("body", stmts(&f.body))
        .list("decorator_list", exprs(&f.decorator_list))
        .opt("returns", oexpr(&f.returns))
        .opt("type_comment", f.type_comment.as_deref().map(ident))
        .list(
            "type_params",
            f.type_params.iter().map(type_param).collect(),
        )
}

fn stmt(s: &Stmt) -> DV {
    stacker::maybe_grow(64 * 1024, 4 * 1024 * 1024, || stmt_inner(s))
}

fn stmt_inner(s: &Stmt) -> DV {
    use StmtKind as S;
    let tc = |t: &Option<String>| t.as_deref().map(ident);
    let n = match &s.kind {
        S::FunctionDef(f) => function_def("FunctionDef", f),
        S::AsyncFunctionDef(f) => function_def("AsyncFunctionDef", f),
        S::ClassDef {
            name,
            bases,
            keywords,
            body,
            decorator_list,
            type_params,
        } => N::new("ClassDef")
            .f("name", ident(name))
            .list("bases", exprs(bases))
            .list("keywords", keywords.iter().map(keyword).collect())
            .list("body", stmts(body))
            .list("decorator_list", exprs(decorator_list))
            .list("type_params", type_params.iter().map(type_param).collect()),
        S::Return { value } => N::new("Return").opt("value", oexpr(value)),
        S::Delete { targets } => N::new("Delete").list("targets", exprs(targets)),
        S::Assign {
            targets,
            value,
            type_comment,
        } => N::new("Assign")
            .list("targets", exprs(targets))
            .f("value", bexpr(value))
            .opt("type_comment", tc(type_comment)),
        S::TypeAlias {
            name,
            type_params,
            value,
        } => N::new("TypeAlias")
            .f("name", bexpr(name))
            .list("type_params", type_params.iter().map(type_param).collect())
            .f("value", bexpr(value)),
        S::AugAssign { target, op, value } => N::new("AugAssign")
            .f("target", bexpr(target))
            .f("op", operator(*op))
            .f("value", bexpr(value)),
        S::AnnAssign {
            target,
            annotation,
            value,
            simple,
        } => N::new("AnnAssign")
            .f("target", bexpr(target))
            .f("annotation", bexpr(annotation))
            .opt("value", oexpr(value))
            .f("simple", int(i64::from(*simple))),
        S::For {
            target,
            iter,
            body,
            orelse,
            type_comment,
        } => N::new("For")
            .f("target", bexpr(target))
            .f("iter", bexpr(iter))
            .list("body", stmts(body))
            .list("orelse", stmts(orelse))
            .opt("type_comment", tc(type_comment)),
        S::AsyncFor {
            target,
            iter,
            body,
            orelse,
            type_comment,
        } => N::new("AsyncFor")
            .f("target", bexpr(target))
            .f("iter", bexpr(iter))
            .list("body", stmts(body))
            .list("orelse", stmts(orelse))
            .opt("type_comment", tc(type_comment)),
        S::While { test, body, orelse } => N::new("While")
            .f("test", bexpr(test))
            .list("body", stmts(body))
            .list("orelse", stmts(orelse)),
        S::If { test, body, orelse } => N::new("If")
            .f("test", bexpr(test))
            .list("body", stmts(body))
            .list("orelse", stmts(orelse)),
        S::With {
            items,
            body,
            type_comment,
        } => N::new("With")
            .list("items", items.iter().map(withitem).collect())
            .list("body", stmts(body))
            .opt("type_comment", tc(type_comment)),
        S::AsyncWith {
            items,
            body,
            type_comment,
        } => N::new("AsyncWith")
            .list("items", items.iter().map(withitem).collect())
            .list("body", stmts(body))
            .opt("type_comment", tc(type_comment)),
        S::Match { subject, cases } => N::new("Match")
            .f("subject", bexpr(subject))
            .list("cases", cases.iter().map(match_case).collect()),
        S::Raise { exc, cause } => N::new("Raise")
            .opt("exc", oexpr(exc))
            .opt("cause", oexpr(cause)),
        S::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => N::new("Try")
            .list("body", stmts(body))
            .list("handlers", handlers.iter().map(handler).collect())
            .list("orelse", stmts(orelse))
            .list("finalbody", stmts(finalbody)),
        S::TryStar {
            body,
            handlers,
            orelse,
            finalbody,
        } => N::new("TryStar")
            .list("body", stmts(body))
            .list("handlers", handlers.iter().map(handler).collect())
            .list("orelse", stmts(orelse))
            .list("finalbody", stmts(finalbody)),
        S::Assert { test, msg } => N::new("Assert")
            .f("test", bexpr(test))
            .opt("msg", oexpr(msg)),
        S::Import { names } => N::new("Import").list("names", names.iter().map(alias).collect()),
        S::ImportFrom {
            module,
            names,
            level,
        } => N::new("ImportFrom")
            .opt("module", module.as_deref().map(ident))
            .list("names", names.iter().map(alias).collect())
            .f("level", int(i64::from(*level))),
        S::Global { names } => {
            N::new("Global").list("names", names.iter().map(|s| ident(s)).collect())
        }
        S::Nonlocal { names } => {
            N::new("Nonlocal").list("names", names.iter().map(|s| ident(s)).collect())
        }
        S::Expr { value } => N::new("Expr").f("value", bexpr(value)),
        S::Pass => N::new("Pass"),
        S::Break => N::new("Break"),
        S::Continue => N::new("Continue"),
    };
    n.at(s.loc).done()
}

fn expr(e: &Expr) -> DV {
    stacker::maybe_grow(64 * 1024, 4 * 1024 * 1024, || expr_inner(e))
}

fn expr_inner(e: &Expr) -> DV {
    use ExprKind as E;
    let n = match &e.kind {
        E::BoolOp { op, values } => N::new("BoolOp")
            .f(
                "op",
                unit(match op {
                    BoolOp::And => "And",
                    BoolOp::Or => "Or",
                }),
            )
            .list("values", exprs(values)),
        E::NamedExpr { target, value } => N::new("NamedExpr")
            .f("target", bexpr(target))
            .f("value", bexpr(value)),
        E::BinOp { left, op, right } => N::new("BinOp")
            .f("left", bexpr(left))
            .f("op", operator(*op))
            .f("right", bexpr(right)),
        E::UnaryOp { op, operand } => N::new("UnaryOp")
            .f(
                "op",
                unit(match op {
                    UnaryOp::Invert => "Invert",
                    UnaryOp::Not => "Not",
                    UnaryOp::UAdd => "UAdd",
                    UnaryOp::USub => "USub",
                }),
            )
            .f("operand", bexpr(operand)),
        E::Lambda { args, body } => N::new("Lambda")
            .f("args", arguments(args))
            .f("body", bexpr(body)),
        E::IfExp { test, body, orelse } => N::new("IfExp")
            .f("test", bexpr(test))
            .f("body", bexpr(body))
            .f("orelse", bexpr(orelse)),
        E::Dict { keys, values } => N::new("Dict")
            .list(
                "keys",
                keys.iter()
                    .map(|k| k.as_ref().map_or_else(|| DV::Repr("None".to_owned()), expr))
                    .collect(),
            )
            .list("values", exprs(values)),
        E::Set { elts } => N::new("Set").list("elts", exprs(elts)),
        E::ListComp { elt, generators } => N::new("ListComp")
            .f("elt", bexpr(elt))
            .list("generators", generators.iter().map(comprehension).collect()),
        E::SetComp { elt, generators } => N::new("SetComp")
            .f("elt", bexpr(elt))
            .list("generators", generators.iter().map(comprehension).collect()),
        E::DictComp {
            key,
            value,
            generators,
        } => N::new("DictComp")
            .f("key", bexpr(key))
            .f("value", bexpr(value))
            .list("generators", generators.iter().map(comprehension).collect()),
        E::GeneratorExp { elt, generators } => N::new("GeneratorExp")
            .f("elt", bexpr(elt))
            .list("generators", generators.iter().map(comprehension).collect()),
        E::Await { value } => N::new("Await").f("value", bexpr(value)),
        E::Yield { value } => N::new("Yield").opt("value", oexpr(value)),
        E::YieldFrom { value } => N::new("YieldFrom").f("value", bexpr(value)),
        E::Compare {
            left,
            ops,
            comparators,
        } => N::new("Compare")
            .f("left", bexpr(left))
            .list("ops", ops.iter().map(|o| cmpop(*o)).collect())
            .list("comparators", exprs(comparators)),
        E::Call {
            func,
            args,
            keywords,
        } => N::new("Call")
            .f("func", bexpr(func))
            .list("args", exprs(args))
            .list("keywords", keywords.iter().map(keyword).collect()),
        E::FormattedValue {
            value,
            conversion,
            format_spec,
        } => N::new("FormattedValue")
            .f("value", bexpr(value))
            .f("conversion", int(i64::from(*conversion)))
            .opt("format_spec", oexpr(format_spec)),
        E::JoinedStr { values } => N::new("JoinedStr").list("values", exprs(values)),
        E::TemplateStr { values } => N::new("TemplateStr").list("values", exprs(values)),
        E::Interpolation {
            value,
            str,
            conversion,
            format_spec,
        } => N::new("Interpolation")
            .f("value", bexpr(value))
            .f("str", DV::Str(str.clone()))
            .f("conversion", int(i64::from(*conversion)))
            .opt("format_spec", oexpr(format_spec)),
        E::Constant { value, kind } => N::new("Constant")
            .f("value", DV::Const(value.clone()))
            .opt("kind", kind.as_deref().map(ident)),
        E::Attribute {
            value,
            attr,
            ctx: c,
        } => N::new("Attribute")
            .f("value", bexpr(value))
            .f("attr", ident(attr))
            .f("ctx", ctx(*c)),
        E::Subscript {
            value,
            slice,
            ctx: c,
        } => N::new("Subscript")
            .f("value", bexpr(value))
            .f("slice", bexpr(slice))
            .f("ctx", ctx(*c)),
        E::Starred { value, ctx: c } => {
            N::new("Starred").f("value", bexpr(value)).f("ctx", ctx(*c))
        }
        E::Name { id, ctx: c } => N::new("Name").f("id", ident(id)).f("ctx", ctx(*c)),
        E::List { elts, ctx: c } => N::new("List").list("elts", exprs(elts)).f("ctx", ctx(*c)),
        E::Tuple { elts, ctx: c } => N::new("Tuple").list("elts", exprs(elts)).f("ctx", ctx(*c)),
        E::Slice { lower, upper, step } => N::new("Slice")
            .opt("lower", oexpr(lower))
            .opt("upper", oexpr(upper))
            .opt("step", oexpr(step)),
    };
    n.at(e.loc).done()
}

struct Fmt {
    target: Target,
    /// `[]` fields are printed (3.12) rather than left out (3.13+).
    show_empty: bool,
    include_attributes: bool,
    indent: Option<String>,
}

impl Fmt {
    fn format(&self, v: &DV, level: usize, out: &mut String) -> bool {
        stacker::maybe_grow(64 * 1024, 4 * 1024 * 1024, || {
            self.format_inner(v, level, out)
        })
    }

    fn format_inner(&self, v: &DV, level: usize, out: &mut String) -> bool {
        let (prefix, sep) = match &self.indent {
            Some(ind) => {
                let pad = ind.repeat(level + 1);
                (format!("\n{pad}"), format!(",\n{pad}"))
            }
            None => (String::new(), ", ".to_owned()),
        };
        let level = if self.indent.is_some() {
            level + 1
        } else {
            level
        };
        match v {
            DV::Repr(s) => {
                out.push_str(s);
                true
            }
            DV::Str(s) => {
                out.push_str(&crate::repr::repr_text(s, self.target));
                true
            }
            DV::Const(c) => {
                out.push_str(&crate::repr::repr_constant(c, self.target));
                true
            }
            DV::List(items) => {
                if items.is_empty() {
                    out.push_str("[]");
                    return true;
                }
                out.push('[');
                out.push_str(&prefix);
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(&sep);
                    }
                    self.format(item, level, out);
                }
                out.push(']');
                false
            }
            DV::Node { name, fields, loc } => {
                // Decide the layout first (as CPython does after formatting
                // the fields), then write the fields straight into `out`:
                // no field text is copied once per enclosing level.
                let shown = || fields.iter().filter(|(_, fv)| !self.hidden(fv));
                let attrs = match loc {
                    Some(l) if self.include_attributes => Some(l),
                    _ => None,
                };
                let count = shown().count() + if attrs.is_some() { 4 } else { 0 };
                let allsimple = shown().all(|(_, fv)| self.is_simple(fv));
                let inline = allsimple && count <= 3;
                let sep = if inline { ", " } else { sep.as_str() };
                out.push_str(name);
                out.push('(');
                if !inline {
                    out.push_str(&prefix);
                }
                let mut first = true;
                for (fname, fv) in shown() {
                    if !first {
                        out.push_str(sep);
                    }
                    first = false;
                    out.push_str(fname);
                    out.push('=');
                    self.format(fv, level, out);
                }
                if let Some(l) = attrs {
                    for (aname, v) in [
                        ("lineno", l.lineno),
                        ("col_offset", l.col_offset),
                        ("end_lineno", l.end_lineno),
                        ("end_col_offset", l.end_col_offset),
                    ] {
                        if !first {
                            out.push_str(sep);
                        }
                        first = false;
                        out.push_str(aname);
                        out.push('=');
                        out.push_str(&v.to_string());
                    }
                }
                out.push(')');
                inline && count == 0
            }
        }
    }

    /// A field `ast.dump` leaves out (`[]` from 3.13 on).
    fn hidden(&self, v: &DV) -> bool {
        !self.show_empty && matches!(v, DV::List(items) if items.is_empty())
    }

    /// What `_format` returns as "simple" for a value, without formatting it.
    fn is_simple(&self, v: &DV) -> bool {
        match v {
            DV::Repr(_) | DV::Str(_) | DV::Const(_) => true,
            DV::List(items) => items.is_empty(),
            DV::Node { fields, loc, .. } => {
                fields.iter().all(|(_, fv)| self.hidden(fv))
                    && !(self.include_attributes && loc.is_some())
            }
        }
    }
}

/// How [`dump`] prints: `ast.dump(tree, include_attributes=..., indent=...)`
/// of the target version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DumpOptions {
    pub target: Target,
    pub include_attributes: bool,
    /// `indent=N` (a number of spaces); `None` prints on one line.
    pub indent: Option<usize>,
}

/// `ast.dump(module, ...)` exactly as the target version prints it.
pub fn dump(module: &Module, options: &DumpOptions) -> String {
    let tree = N::new("Module")
        .list("body", stmts(&module.body))
        .list("type_ignores", Vec::new())
        .done();
    let fmt = Fmt {
        target: options.target,
        show_empty: options.target < Target::PY313,
        include_attributes: options.include_attributes,
        indent: options.indent.map(|n| " ".repeat(n)),
    };
    let mut out = String::new();
    fmt.format(&tree, 0, &mut out);
    out
}
