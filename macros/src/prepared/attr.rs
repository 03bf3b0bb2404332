//! Parsing the arguments of `#[prepared(...)]`.

use syn::parse::{Parse, ParseStream};
use syn::{Attribute, LitStr};

/// `#[prepared("SQL")]`.
pub(crate) struct PreparedAttr {
    pub(crate) sql: LitStr,
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
        if !input.peek(LitStr) {
            let found: proc_macro2::TokenTree = input.parse()?;
            return Err(syn::Error::new_spanned(
                found,
                "expected the SQL as a string literal: `#[prepared(\"SELECT ...\")]` \
                 (macros see tokens, not the values of constants or expressions)",
            ));
        }
        let sql: LitStr = input.parse()?;
        if !input.is_empty() {
            return Err(input.error(
                "unexpected argument after the SQL: `#[prepared]` takes only the SQL string",
            ));
        }
        Ok(PreparedAttr { sql })
    }
}
