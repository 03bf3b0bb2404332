//! Checks of a `#[batch]` / `#[transactional]` method's signature.

use syn::{ReturnType, Signature};

use super::attr::TransactionalAttr;
use crate::method;

/// Whether the signature is one a transaction can wrap.
pub(crate) fn validate(sig: &Signature, attr: &TransactionalAttr) -> syn::Result<()> {
    let name = attr.name;
    method::check_async(
        sig,
        format!("`#[{name}]` methods must be `async fn`: the transaction awaits the database"),
    )?;
    method::check_receiver(
        sig,
        format!("`#[{name}]` methods take `&self`: the transaction finds the `Db` through `self`"),
    )?;
    if let ReturnType::Default = sig.output {
        return Err(syn::Error::new_spanned(
            &sig.ident,
            format!(
                "`#[{name}]` methods return `Result<T, E>` (with `E: From<larder::Error>`): `Ok` \
                 commits, `Err` rolls back; add `-> larder::Result<...>`"
            ),
        ));
    }
    Ok(())
}
