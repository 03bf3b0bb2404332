//! `#[prepared("SQL")]`: a bodiless `async fn` inside `#[larder::storage]` whose body is generated
//! from its SQL.

mod ast;
pub(crate) mod attr;
mod expand;
mod valid;

use proc_macro2::TokenStream;
use quote::quote;

pub(crate) use ast::Method;
pub(crate) use attr::{is_prepared, PreparedAttr};
pub(crate) use expand::{companion, generate};

/// A method attribute (`#[prepared]`, `#[batch]`, ...) used on its own: it only works inside a
/// `#[larder::storage]` impl, which reads and removes it. Emit the item unchanged plus an error
/// that says so.
pub(crate) fn outside_storage_named(
    name: &str,
    args: TokenStream,
    item: TokenStream,
) -> TokenStream {
    let span = args
        .clone()
        .into_iter()
        .next()
        .map_or_else(proc_macro2::Span::call_site, |t| t.span());
    let error = syn::Error::new(
        span,
        format!(
            "`#[{name}]` only works on methods of an impl block marked `#[larder::storage]`, \
             which finds the `Db` for the generated code; add `#[larder::storage]` above the `impl`"
        ),
    )
    .into_compile_error();
    quote! { #error #item }
}
