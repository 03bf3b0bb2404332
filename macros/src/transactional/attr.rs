//! Parsing `#[batch]`, `#[transactional]` and their `mode = "..."` argument.

use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, LitStr, Token};

mod kw {
    syn::custom_keyword!(mode);
}

/// The transaction's `BEGIN` mode.
#[derive(Clone, Copy)]
pub(crate) enum Mode {
    Deferred,
    Immediate,
    Exclusive,
}

impl Mode {
    pub(crate) fn variant(self) -> &'static str {
        match self {
            Mode::Deferred => "Deferred",
            Mode::Immediate => "Immediate",
            Mode::Exclusive => "Exclusive",
        }
    }
}

/// `#[batch]`, `#[transactional]`, optionally `(mode = "deferred" | "immediate" | "exclusive")`.
pub(crate) struct TransactionalAttr {
    pub(crate) mode: Mode,
    /// `batch` or `transactional`, for messages.
    pub(crate) name: &'static str,
}

fn name_of(attr: &Attribute) -> Option<&'static str> {
    ["batch", "transactional"]
        .into_iter()
        .find(|name| crate::errors::is_method_attr(attr, name))
}

pub(crate) fn is_transactional(attr: &Attribute) -> bool {
    name_of(attr).is_some()
}

impl TransactionalAttr {
    pub(crate) fn from_attr(attr: &Attribute) -> syn::Result<Self> {
        let name = name_of(attr).unwrap_or("transactional");
        let mode = match &attr.meta {
            syn::Meta::Path(_) => Mode::Immediate,
            syn::Meta::List(list) => list.parse_args::<Args>()?.mode.unwrap_or(Mode::Immediate),
            syn::Meta::NameValue(nv) => {
                return Err(syn::Error::new_spanned(
                    nv,
                    format!("write `#[{name}]` or `#[{name}(mode = \"deferred\")]`"),
                ))
            }
        };
        Ok(TransactionalAttr { mode, name })
    }
}

struct Args {
    mode: Option<Mode>,
}

impl Parse for Args {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = Args { mode: None };
        while !input.is_empty() {
            let lookahead = input.lookahead1();
            if lookahead.peek(kw::mode) {
                let key: kw::mode = input.parse()?;
                if args.mode.is_some() {
                    return Err(syn::Error::new_spanned(key, "`mode` is set more than once"));
                }
                input.parse::<Token![=]>()?;
                let value: LitStr = input.parse()?;
                args.mode = Some(match value.value().as_str() {
                    "deferred" => Mode::Deferred,
                    "immediate" => Mode::Immediate,
                    "exclusive" => Mode::Exclusive,
                    other => {
                        return Err(syn::Error::new_spanned(
                            &value,
                            format!(
                                "unknown mode `{other}`; expected \"deferred\", \"immediate\" (the default) or \"exclusive\""
                            ),
                        ))
                    }
                });
            } else if input.peek(syn::Ident::peek_any) {
                let key = input.call(syn::Ident::parse_any)?;
                return Err(syn::Error::new_spanned(
                    &key,
                    format!(
                        "unknown argument `{key}`; expected `mode = \"...\"`{}",
                        crate::errors::did_you_mean(&key.to_string(), &["mode"])
                    ),
                ));
            } else {
                return Err(lookahead.error());
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(args)
    }
}
