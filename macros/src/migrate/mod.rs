//! `migrate!()` / `migrate!("path")`: the migrations of a directory (default `migrations/` next
//! to the crate's `Cargo.toml`), embedded with `include_str!` as a `larder::Migrator`.
//!
//! Parse (an optional path literal) → validate (the listing of `files`, the version rules) →
//! expand (one `Migration` per file). `include_str!` makes an edited file rebuild the crate; a
//! file *added* to the directory is seen only when the crate rebuilds, which a one-line
//! `build.rs` (`cargo:rerun-if-changed=migrations`) makes happen (docs/migrations.md).

pub(crate) mod files;

use std::path::PathBuf;

use proc_macro2::{Span, TokenStream};
use quote::quote;

use files::Entry;

/// The expansion, or the error spanned on the path (or the call).
pub(crate) fn bang(input: TokenStream) -> TokenStream {
    expand_or_error(input).unwrap_or_else(|error| {
        let error = error.into_compile_error();
        // The item still has its type: one error, not a second one for the `static`.
        quote!({ #error; ::larder::Migrator::new(&[]) })
    })
}

fn expand_or_error(input: TokenStream) -> syn::Result<TokenStream> {
    let path: Option<syn::LitStr> = if input.is_empty() {
        None
    } else {
        Some(syn::parse2(input).map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected `migrate!()` or `migrate!(\"path/to/migrations\")` (relative to the \
                 crate's Cargo.toml)",
            )
        })?)
    };
    let span = path
        .as_ref()
        .map_or_else(Span::call_site, syn::LitStr::span);
    let shown = path
        .as_ref()
        .map_or_else(|| "migrations".to_owned(), syn::LitStr::value);
    let dir = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .ok_or_else(|| syn::Error::new(span, "CARGO_MANIFEST_DIR is not set: build with Cargo"))?
        .join(&shown);
    if !dir.is_dir() {
        return Err(syn::Error::new(
            span,
            format!(
                "no directory `{shown}` next to the crate's Cargo.toml: create it with \
                 `0001_description.sql` files, or name the directory: `migrate!(\"db/migrations\")`"
            ),
        ));
    }
    let entries =
        files::list(&dir).map_err(|why| syn::Error::new(span, format!("`{shown}`: {why}")))?;
    files::check_versions(&entries)
        .map_err(|why| syn::Error::new(span, format!("`{shown}`: {why}")))?;
    let migrations = entries
        .iter()
        .map(expand_one)
        .collect::<syn::Result<Vec<_>>>()?;
    Ok(quote! {
        ::larder::Migrator::new(&[ #(#migrations),* ])
    })
}

fn expand_one(entry: &Entry) -> syn::Result<TokenStream> {
    let version = entry.version.unwrap_or_default();
    let description = &entry.description;
    let name = &entry.name;
    let absolute = |path: &PathBuf| {
        path.to_str().map(str::to_owned).ok_or_else(|| {
            syn::Error::new(
                Span::call_site(),
                format!("the path of `{}` is not UTF-8", path.display()),
            )
        })
    };
    let up = absolute(&entry.up)?;
    let down = match &entry.down {
        Some(path) => {
            let down = absolute(path)?;
            quote!(.with_down(::core::include_str!(#down)))
        }
        None => quote!(),
    };
    Ok(quote! {
        ::larder::Migration::new(#version, #description, #name, ::core::include_str!(#up)) #down
    })
}
