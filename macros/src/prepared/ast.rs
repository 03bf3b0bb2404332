//! The model of a `#[prepared]` method: its parameters and the shape of its result.

use quote::ToTokens;
use syn::{FnArg, Ident, Pat, ReturnType, Signature, Type};

use syn::spanned::Spanned;
use syn::LitStr;

use super::attr::{PreparedAttr, SqlArg};
use crate::check::engine::Described;
use crate::check::{self, Schema};
use crate::errors::Errors;
use crate::method;
use crate::sql::{lists, scan, Placeholder, PlaceholderStyle, Scan};

/// What the method returns inside its `Result`.
pub(crate) enum ReturnShape {
    /// `Option<T>`: zero or one row.
    Optional(Type),
    /// `Vec<T>`: every row.
    All(Type),
    /// `T`: exactly one row.
    One(Type),
    /// `u64` on a statement that returns no rows: rows changed.
    RowsChanged(Type),
    /// `()`.
    Unit,
}

impl ReturnShape {
    pub(crate) fn reads_rows(&self) -> bool {
        !matches!(self, ReturnShape::RowsChanged(_) | ReturnShape::Unit)
    }

    /// The type each row is read into, for shapes that read rows.
    pub(crate) fn row_type(&self) -> Option<&Type> {
        match self {
            ReturnShape::Optional(ty) | ReturnShape::All(ty) | ReturnShape::One(ty) => Some(ty),
            ReturnShape::RowsChanged(_) | ReturnShape::Unit => None,
        }
    }

    /// `u64` counts changed rows only where the statement returns none; on a SELECT (or any
    /// statement that may return rows) it reads one integer column, such as `count(*)`.
    fn for_kind(self, scan: &Scan) -> ReturnShape {
        match self {
            ReturnShape::RowsChanged(ty) if scan.kind.returns_rows() != Some(false) => {
                ReturnShape::One(ty)
            }
            other => other,
        }
    }
}

/// One parameter after `self`.
pub(crate) struct Param {
    pub(crate) ident: Ident,
    /// Written as a slice, `Vec` or array of something other than `u8`: a list, bound as one
    /// JSON array at `IN (…)` (`sql::lists`).
    pub(crate) list: bool,
}

/// A `#[prepared]` method, parsed.
pub(crate) struct Method {
    pub(crate) sig: Signature,
    pub(crate) sql: syn::LitStr,
    pub(crate) scan: Scan,
    pub(crate) params: Vec<Param>,
    /// `None` when the return type was not understood (an error says why).
    pub(crate) shape: Option<ReturnShape>,
    /// The return type (or the method's name when it has none), for errors about it.
    pub(crate) return_tokens: proc_macro2::TokenStream,
    /// What the engine learnt by preparing the statement; `None` when it could not (no schema
    /// and the statement names a table, or the SQL is rejected).
    pub(crate) described: Option<Described>,
    /// What the engine rejected.
    pub(crate) sql_error: Option<syn::Error>,
    /// `#[prepared(CONSTANT)]`: the constant's path (`sql` is then an empty literal spanned on it).
    pub(crate) constant: Option<syn::Path>,
    /// The result is an `Arc` / `Box` of the shape (`method::shared_inner`): read, then wrapped.
    pub(crate) shared: bool,
}

impl Method {
    pub(crate) fn from_syn(
        sig: Signature,
        prepared: PreparedAttr,
        schema: Option<&Schema>,
        errors: &mut Errors,
    ) -> Method {
        let params = sig
            .inputs
            .iter()
            .filter_map(|arg| match arg {
                FnArg::Receiver(_) => None,
                FnArg::Typed(pat) => errors.take(param(&pat.pat, &pat.ty)),
            })
            .collect::<Vec<Param>>();
        let return_tokens = match &sig.output {
            ReturnType::Default => sig.ident.to_token_stream(),
            ReturnType::Type(_, ty) => ty.to_token_stream(),
        };
        let (sql, constant, analysis) = match prepared.sql {
            SqlArg::Literal(sql) => {
                let sql = with_lists(sql, &params, errors);
                let analysis = check::analyze(&sql, schema);
                (sql, None, analysis)
            }
            SqlArg::Constant(path) => {
                let analysis = check::Analysis {
                    scan: scan(""),
                    described: None,
                    error: None,
                };
                (LitStr::new("", path.span()), Some(path), analysis)
            }
        };
        let check::Analysis {
            scan,
            described,
            error: sql_error,
        } = analysis;
        let shape =
            errors
                .take(return_shape(&sig.output, &sig.ident))
                .map(|shape| match constant {
                    // Decided at compile time by the expansion, from the constant's columns.
                    Some(_) => shape,
                    None => shape.for_kind(&scan),
                });
        let shared = match &sig.output {
            ReturnType::Type(_, ty) => method::result_ok(ty)
                .and_then(method::shared_inner)
                .is_some(),
            ReturnType::Default => false,
        };
        Method {
            shared,
            scan,
            sql,
            constant,
            sig,
            params,
            shape,
            return_tokens,
            described,
            sql_error,
        }
    }
}

/// `sql` with the `IN (…)` of each list parameter rewritten (`sql::lists`); an error when a
/// list's placeholder stands anywhere else.
fn with_lists(sql: LitStr, params: &[Param], errors: &mut Errors) -> LitStr {
    if !params.iter().any(|p| p.list) {
        return sql;
    }
    let list_of = |p: &Placeholder| -> Option<&Param> {
        match &p.style {
            PlaceholderStyle::Named(name) => params.iter().find(|param| param.ident == name),
            _ => p.index.checked_sub(1).and_then(|i| params.get(i)),
        }
        .filter(|param| param.list)
    };
    match lists::rewrite(&sql.value(), |p| list_of(p).is_some()) {
        Ok(Some(rewritten)) => LitStr::new(&rewritten, sql.span()),
        Ok(None) => sql,
        Err(placeholder) => {
            let name = list_of(&placeholder).map_or(String::new(), |p| p.ident.to_string());
            let placeholder = placeholder.text;
            errors.push(syn::Error::new_spanned(
                &sql,
                format!(
                    "`{name}` is a list, bound as one JSON array: write its placeholder alone in an \
                     `IN`, as `x IN ({placeholder})` (larder reads it through `json_each`), or \
                     take a single value; `{placeholder}` stands elsewhere in this SQL"
                ),
            ));
            sql
        }
    }
}

/// A slice, `Vec` or array (behind references) of anything but `u8`, which is a BLOB.
fn is_list_type(ty: &Type) -> bool {
    let not_bytes = |elem: &Type| !matches!(method::last_segment(elem), Some((name, args)) if name == "u8" && args.is_empty());
    match ty {
        Type::Reference(r) => is_list_type(&r.elem),
        Type::Paren(p) => is_list_type(&p.elem),
        Type::Slice(s) => not_bytes(&s.elem),
        Type::Array(a) => not_bytes(&a.elem),
        Type::Path(_) => match method::last_segment(ty) {
            Some((name, args)) if name == "Vec" && args.len() == 1 => not_bytes(args[0]),
            _ => false,
        },
        _ => false,
    }
}

fn param(pat: &Pat, ty: &Type) -> syn::Result<Param> {
    match pat {
        Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => Ok(Param {
            ident: p.ident.clone(),
            list: is_list_type(ty),
        }),
        other => Err(syn::Error::new_spanned(
            other,
            "give this parameter a plain name: the SQL binds parameters by name (`:name`) or by \
             position (`?1`)",
        )),
    }
}

const SHAPES: &str = "`Option<T>` (zero or one row), `Vec<T>` (all rows), `T` (exactly one row), \
                      `u64` (rows changed by INSERT/UPDATE/DELETE) or `()`, where `T` derives `FromRow`, \
                      is one column's type, or is a tuple of column types (`Arc<...>` / `Box<...>` of \
                      any of them, and `Arc<[T]>`, share the value)";

fn return_shape(output: &ReturnType, name: &Ident) -> syn::Result<ReturnShape> {
    let ty = match output {
        ReturnType::Type(_, ty) => ty,
        ReturnType::Default => {
            return Err(syn::Error::new(
                name.span(),
                format!("a `#[prepared]` method returns `larder::Result<...>` of {SHAPES}; add `-> larder::Result<...>`"),
            ))
        }
    };
    let inner = method::result_ok(ty).ok_or_else(|| {
        if let Some(alias) = method::last_name(ty).filter(|name| name.ends_with("Result")) {
            return syn::Error::new_spanned(
                ty,
                format!(
                    "the macro recognises a `Result` by the name of its last path segment, and \
                     `{alias}` is not `Result`: write `Result<T, E>` (with `E: From<larder::Error>`) \
                     or `larder::Result<T>`, or name the alias `Result` in a module of its own and \
                     write `app::Result<T>`"
                ),
            );
        }
        syn::Error::new_spanned(
            ty,
            format!("a `#[prepared]` method returns `larder::Result<...>` (or `Result<_, E>` with `E: From<larder::Error>`) of {SHAPES}"),
        )
    })?;
    match method::shared_inner(inner) {
        Some(Type::Slice(slice)) => Ok(ReturnShape::All((*slice.elem).clone())),
        Some(shared) => shape_of(shared),
        None => shape_of(inner),
    }
}

fn shape_of(ty: &Type) -> syn::Result<ReturnShape> {
    let unsupported = |what: &str| {
        Err(syn::Error::new_spanned(
            ty,
            format!("a `#[prepared]` method cannot return {what}; return {SHAPES}"),
        ))
    };
    match ty {
        Type::Tuple(t) if t.elems.is_empty() => Ok(ReturnShape::Unit),
        Type::Tuple(_) => Ok(ReturnShape::One(ty.clone())),
        Type::Reference(_) => unsupported("a reference (rows are read into owned values)"),
        Type::Slice(_) | Type::Array(_) => {
            unsupported("an array or slice (use `Vec<T>`, or `Arc<[T]>` to share it)")
        }
        Type::ImplTrait(_) | Type::TraitObject(_) => unsupported("a trait type"),
        Type::Never(_) => unsupported("`!`"),
        Type::Paren(p) => shape_of(&p.elem),
        Type::Path(_) => {
            let Some((name, args)) = method::last_segment(ty) else {
                return unsupported("a qualified path type");
            };
            match (name.as_str(), args.as_slice()) {
                ("u64", []) => Ok(ReturnShape::RowsChanged(ty.clone())),
                ("Option", [inner]) => Ok(ReturnShape::Optional((*inner).clone())),
                ("Vec", [inner]) => Ok(ReturnShape::All((*inner).clone())),
                _ => Ok(ReturnShape::One(ty.clone())),
            }
        }
        _ => unsupported("this type"),
    }
}
