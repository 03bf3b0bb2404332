//! Parsing the arguments of `#[prepared(...)]`.

use syn::parse::{Parse, ParseStream};
use syn::{Attribute, LitStr};

/// `#[prepared("SQL")]` or `#[prepared(CONSTANT)]`.
pub(crate) struct PreparedAttr {
    pub(crate) sql: SqlArg,
}

/// Where a `#[prepared]` method's SQL comes from.
pub(crate) enum SqlArg {
    /// Written in the attribute: checked when the macro expands.
    Literal(LitStr),
    /// A `&str` constant marked `#[larder::sql_const]`: checked there; its `NAME_SQL` companion
    /// carries what the checks of this method need, at compile time.
    Constant(syn::Path),
}

pub(crate) fn is_prepared(attr: &Attribute) -> bool {
    crate::errors::is_method_attr(attr, "prepared")
}

impl PreparedAttr {
    pub(crate) fn from_attr(attr: &Attribute) -> syn::Result<Self> {
        match &attr.meta {
            syn::Meta::List(list) => list.parse_args(),
            _ => Err(syn::Error::new_spanned(
                attr,
                "`#[prepared]` needs the SQL: `#[prepared(\"SELECT ... WHERE id = ?1\")]`",
            )),
        }
    }
}

impl Parse for PreparedAttr {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(input.error(
                "`#[prepared]` needs the SQL: `#[prepared(\"SELECT ... WHERE id = ?1\")]`",
            ));
        }
        let sql = if input.peek(LitStr) {
            SqlArg::Literal(input.parse()?)
        } else if let Some(path) = constant_path(input) {
            SqlArg::Constant(path)
        } else {
            let found: proc_macro2::TokenTree = input.parse()?;
            return Err(syn::Error::new_spanned(
                found,
                "expected the SQL as a string literal, `#[prepared(\"SELECT ...\")]`, or the name of \
                 a constant marked `#[larder::sql_const]` (macros see tokens, not the values of \
                 expressions)",
            ));
        };
        if !input.is_empty() {
            return Err(input.error(
                "unexpected argument after the SQL: `#[prepared]` takes only the SQL string",
            ));
        }
        Ok(PreparedAttr { sql })
    }
}

/// A path followed by nothing (`QUERY`, `queries::EPISODE`); `None` for anything else, which is
/// left unconsumed.
fn constant_path(input: ParseStream) -> Option<syn::Path> {
    let fork = input.fork();
    let path = fork.call(syn::Path::parse_mod_style).ok()?;
    if !fork.is_empty() {
        return None;
    }
    input.call(syn::Path::parse_mod_style).ok()?;
    Some(path)
}
