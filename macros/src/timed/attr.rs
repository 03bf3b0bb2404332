//! Parsing `#[timed]` and `#[timed(name = "...")]`.

use syn::parse::{Parse, ParseStream};
use syn::{Attribute, LitStr, Token};

use crate::errors::{argument_name, did_you_mean};

pub(crate) fn is_timed(attr: &Attribute) -> bool {
    crate::errors::is_method_attr(attr, "timed")
}

/// `#[timed]` or `#[timed(name = "...")]`.
#[derive(Default)]
pub(crate) struct TimedAttr {
    pub(crate) name: Option<LitStr>,
}

impl TimedAttr {
    pub(crate) fn from_attr(attr: &Attribute) -> syn::Result<Self> {
        match &attr.meta {
            syn::Meta::Path(_) => Ok(TimedAttr::default()),
            syn::Meta::List(list) => list.parse_args(),
            syn::Meta::NameValue(nv) => Err(syn::Error::new_spanned(
                nv,
                "write `#[timed]` or `#[timed(name = \"episodes.get\")]`",
            )),
        }
    }
}

mod kw {
    syn::custom_keyword!(name);
}

impl Parse for TimedAttr {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut out = TimedAttr::default();
        while !input.is_empty() {
            let key = argument_name(input, &[("name", &|l| l.peek(kw::name))], |key| {
                syn::Error::new_spanned(
                    key,
                    format!(
                        "unknown `timed` argument `{key}`; expected `name = \"...\"`{}",
                        did_you_mean(&key.to_string(), &["name"])
                    ),
                )
            })?;
            if out.name.is_some() {
                return Err(syn::Error::new_spanned(
                    &key,
                    "`name` is set more than once",
                ));
            }
            input.parse::<Token![=]>()?;
            let name: LitStr = input.parse()?;
            if name.value().is_empty() {
                return Err(syn::Error::new_spanned(&name, "the metric name is empty"));
            }
            out.name = Some(name);
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(out)
    }
}
