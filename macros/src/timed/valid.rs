//! Checks of a `#[timed]` method's signature.

use syn::{Signature, Type};

use crate::method;

/// The method's return type, once the signature is one `#[timed]` can wrap.
pub(crate) fn validate(sig: &Signature) -> syn::Result<&Type> {
    method::check_async(sig, "`#[timed]` methods must be `async fn`")?;
    method::check_receiver(
        sig,
        "`#[timed]` methods take `&self`: the metrics belong to the `Db` found through `self`",
    )?;
    method::return_type(sig).ok_or_else(|| {
        syn::Error::new_spanned(
            &sig.ident,
            "`#[timed]` methods return `Result<T, E>`: an `Err` is counted as an error",
        )
    })
}
