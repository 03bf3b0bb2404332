//! Code generation for `#[batch]` / `#[transactional]`.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::Signature;

use super::attr::TransactionalAttr;
use super::valid::validate;
use crate::krate::Krate;
use crate::method;

/// Wraps `block` (the method's body) in `__private::transaction`.
pub(crate) fn wrap(
    block: TokenStream,
    sig: &Signature,
    attr: &TransactionalAttr,
    db: &TokenStream,
    krate: &Krate,
) -> syn::Result<TokenStream> {
    validate(sig, attr)?;
    let mode = Ident::new(attr.mode.variant(), Span::call_site());
    let output = method::output_type(sig);
    // Spanned on the return type: a type that is not a `Result` is reported once, under it.
    let span = method::return_span(sig);
    let private = krate.private_at(span);
    let call = quote_spanned! {span=>
        #private::transaction::<#output, _>(
            ::core::clone::Clone::clone(#private::db(&self.#db)),
            #private::TxMode::#mode,
            async move #block,
        )
        .await
    };
    Ok(quote!({ #call }))
}
