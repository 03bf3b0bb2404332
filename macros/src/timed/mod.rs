//! `#[timed]`: calls, errors and a latency histogram for a method. Every `#[prepared]`,
//! `#[cached_query]` and `#[batch]` method is timed by default (`#[larder::storage(timed = false)]`
//! turns that off).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Ident, LitStr, Signature, Token};

use crate::errors::did_you_mean;
use crate::krate::Krate;
use crate::method;

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

impl Parse for TimedAttr {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut out = TimedAttr::default();
        while !input.is_empty() {
            let key = input.call(Ident::parse_any)?;
            if key != "name" {
                return Err(syn::Error::new_spanned(
                    &key,
                    format!(
                        "unknown `timed` argument `{key}`; expected `name = \"...\"`{}",
                        did_you_mean(&key.to_string(), &["name"])
                    ),
                ));
            }
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

/// Wraps `block` in `__private::timed`.
pub(crate) fn wrap(
    block: TokenStream,
    sig: &Signature,
    attr: &TimedAttr,
    db: &TokenStream,
    self_name: &str,
    krate: &Krate,
) -> syn::Result<TokenStream> {
    let private = krate.private();
    method::check_async(sig, "`#[timed]` methods must be `async fn`")?;
    method::check_receiver(
        sig,
        "`#[timed]` methods take `&self`: the metrics belong to the `Db` found through `self`",
    )?;
    let ret = match method::return_type(sig) {
        Some(ty) => ty,
        None => {
            return Err(syn::Error::new_spanned(
                &sig.ident,
                "`#[timed]` methods return `Result<T, E>`: an `Err` is counted as an error",
            ))
        }
    };
    let name = match &attr.name {
        Some(name) => name.value(),
        None => format!("{self_name}::{}", sig.ident),
    };
    let output = if method::contains_impl_trait(ret) {
        quote!(_)
    } else {
        quote!(#ret)
    };
    // `&self` lends the `Db` to the wrapper while the body holds `self` too; `&mut self` or
    // `self` cannot be shared with the body, so the wrapper gets its own handle (an `Arc` clone).
    let db_arg = if method::shared_receiver(sig) {
        quote!(#private::db(&self.#db))
    } else {
        quote!(&::core::clone::Clone::clone(#private::db(&self.#db)))
    };
    let private_ret = krate.private_at(syn::spanned::Spanned::span(ret));
    let call = quote_spanned! {syn::spanned::Spanned::span(ret)=>
        #private_ret::timed::<#output, _>(
            #db_arg,
            &__LARDER_TIMED,
            async move #block,
        )
        .await
    };
    Ok(quote! {
        {
            static __LARDER_TIMED: #private::TimedSite = #private::TimedSite::new(#name);
            #call
        }
    })
}
