//! Code generation for `#[timed]`: the body runs inside `__private::timed`, which records it.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::Signature;

use super::attr::TimedAttr;
use super::valid::validate;
use crate::krate::Krate;
use crate::method;

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
    let ret = validate(sig)?;
    let method = format!("{self_name}::{}", sig.ident);
    let name = match &attr.name {
        Some(name) => name.value(),
        None => method.clone(),
    };
    let output = method::output_type(sig);
    let db_arg = method::db_handle(sig, &private, db);
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
            static __LARDER_TIMED: #private::TimedSite = #private::TimedSite::new(#name, #method);
            #call
        }
    })
}
