//! `#[cachet::storage]`: the impl-level attribute. It finds the `Db` (the field `db`, or the one
//! named by `db = ...`), and expands each `#[prepared]` method of the impl.

mod args;

use proc_macro2::TokenStream;
use quote::{quote, ToTokens};
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, ImplItem, ItemImpl, Signature, Token, Visibility};

use crate::errors::Errors;
use crate::prepared::{self, is_prepared, Method, PreparedAttr};
use crate::transactional::{self, is_transactional, TransactionalAttr};
use args::StorageArgs;

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    // Bad arguments are reported, and the impl is still expanded with the defaults so that its
    // methods do not add errors of their own.
    let (args, args_error) = match syn::parse2::<StorageArgs>(args) {
        Ok(args) => (args, None),
        Err(error) => (StorageArgs::default(), Some(error)),
    };
    let mut imp: ItemImpl = match syn::parse2(item.clone()) {
        Ok(imp) => imp,
        Err(error) => return with_error(item, error),
    };
    let self_name = imp.self_ty.to_token_stream().to_string().replace(' ', "");
    let db = args.db_path();
    imp.items = std::mem::take(&mut imp.items)
        .into_iter()
        .map(|item| expand_item(item, &db, &self_name))
        .collect();
    let tokens = imp.into_token_stream();
    match args_error {
        Some(error) => with_error(tokens, error),
        None => tokens,
    }
}

fn with_error(mut tokens: TokenStream, error: syn::Error) -> TokenStream {
    tokens.extend(error.into_compile_error());
    tokens
}

fn expand_item(item: ImplItem, db: &TokenStream, self_name: &str) -> ImplItem {
    match item {
        ImplItem::Fn(mut f) => {
            let prepared: Vec<Attribute> = take(&mut f.attrs, is_prepared);
            let transactional: Vec<Attribute> = take(&mut f.attrs, is_transactional);
            match prepared.first() {
                None => ImplItem::Verbatim(expand_transactional(f, &transactional, db)),
                Some(attr) => {
                    let error = syn::Error::new_spanned(
                        attr,
                        "`#[prepared]` generates this method's body from its SQL: remove the \
                         body `{ ... }` and end the signature with `;`",
                    );
                    ImplItem::Verbatim(with_error(f.into_token_stream(), error))
                }
            }
        }
        ImplItem::Verbatim(tokens) => match syn::parse2::<BodilessFn>(tokens.clone()) {
            Ok(f) => ImplItem::Verbatim(expand_bodiless(f, db, self_name)),
            // Not a method without a body: leave it for rustc to report.
            Err(_) => ImplItem::Verbatim(tokens),
        },
        other => other,
    }
}

/// Removes and returns the attributes that `which` selects.
fn take(attrs: &mut Vec<Attribute>, which: fn(&Attribute) -> bool) -> Vec<Attribute> {
    let (taken, rest) = std::mem::take(attrs).into_iter().partition(which);
    *attrs = rest;
    taken
}

/// A method with a body: wrapped in a transaction when it has `#[batch]` / `#[transactional]`.
fn expand_transactional(f: syn::ImplItemFn, attrs: &[Attribute], db: &TokenStream) -> TokenStream {
    let Some(first) = attrs.first() else {
        return f.into_token_stream();
    };
    let mut errors = Errors::default();
    for extra in &attrs[1..] {
        errors.push(syn::Error::new_spanned(
            extra,
            "a method runs in one transaction: keep one `#[batch]` or `#[transactional]`",
        ));
    }
    let tokens = match (errors.take(TransactionalAttr::from_attr(first)), &f) {
        (Some(attr), f) => transactional::expand(f.clone(), &attr, db),
        (None, f) => f.into_token_stream(),
    };
    match errors.finish() {
        Ok(()) => tokens,
        Err(error) => with_error(tokens, error),
    }
}

fn expand_bodiless(mut f: BodilessFn, db: &TokenStream, self_name: &str) -> TokenStream {
    let mut errors = Errors::default();
    let prepared = take(&mut f.attrs, is_prepared);
    for attr in take(&mut f.attrs, is_transactional) {
        errors.push(syn::Error::new_spanned(
            attr,
            "`#[batch]` / `#[transactional]` wrap a method's own body in a transaction, and this \
             method has none; a single `#[prepared]` statement is atomic by itself",
        ));
    }
    for extra in prepared.iter().skip(1) {
        errors.push(syn::Error::new_spanned(
            extra,
            "`#[prepared]` is given more than once; a method runs one statement",
        ));
    }
    let parsed = match prepared.first() {
        Some(attr) => errors.take(PreparedAttr::from_attr(attr)),
        None => {
            errors.push(syn::Error::new_spanned(
                &f.sig.ident,
                "this method has no body: add `#[prepared(\"SQL\")]` to generate one from SQL, \
                 or write the body",
            ));
            None
        }
    };
    let method_or_none = parsed.map(|attr| {
        Method::from_syn(
            f.attrs.clone(),
            f.vis.clone(),
            f.sig.clone(),
            attr,
            &mut errors,
        )
    });
    match (&method_or_none, errors.finish()) {
        (Some(method), Ok(())) => prepared::expand(method, db, self_name),
        (Some(method), Err(error)) => with_error(prepared::fallback(method), error),
        (None, Err(error)) => with_error(placeholder(&f), error),
        (None, Ok(())) => placeholder(&f),
    }
}

/// A method that had no usable `#[prepared]`: emitted with a placeholder body.
fn placeholder(f: &BodilessFn) -> TokenStream {
    let BodilessFn { attrs, vis, sig } = f;
    quote! {
        #(#attrs)*
        #[allow(unused_variables)]
        #vis #sig {
            ::core::unreachable!("this method has no body")
        }
    }
}

/// `#[attrs] vis fn name(...) -> T;` inside an impl: syn gives it to us as verbatim tokens.
struct BodilessFn {
    attrs: Vec<Attribute>,
    vis: Visibility,
    sig: Signature,
}

impl Parse for BodilessFn {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let sig = input.parse()?;
        input.parse::<Token![;]>()?;
        Ok(BodilessFn { attrs, vis, sig })
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn expands_a_prepared_method() {
        let out = super::expand(
            quote!(),
            quote! {
                impl Store {
                    #[prepared("SELECT id, task FROM episodes WHERE id = :id")]
                    async fn episode(&self, id: Uuid) -> cachet::Result<Option<Episode>>;
                }
            },
        )
        .to_string();
        assert!(
            out.contains("StatementSite :: new (\"Store::episode\""),
            "{out}"
        );
        assert!(out.contains("fetch_optional :: < Episode >"), "{out}");
        assert!(!out.contains("compile_error"), "{out}");
        println!("{out}");
    }
}
