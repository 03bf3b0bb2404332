//! `#[invalidates(method_a, method_b(arg))]`: while the method runs its targets serve nothing;
//! after it returns (`Ok` or `Err`), all entries of `method_a` and the entry of `method_b` for the
//! key built from `arg` are stale; dropped mid-way, all entries of both are.

use crate::krate::Krate;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::visit_mut::VisitMut;
use syn::{Attribute, FnArg, Ident, Lifetime, Pat, Signature, Token, Type};

pub(crate) fn is_invalidates(attr: &Attribute) -> bool {
    crate::errors::is_method_attr(attr, "invalidates")
}

/// A `#[cached_query]` method of the impl, as `#[invalidates]` on another method sees it.
pub(crate) struct CachedMethod {
    pub(crate) name: String,
    /// The owned type of each part of its key, in key order (see [`key_type`]); `None` for a
    /// part whose type cannot be written in another method.
    pub(crate) key_types: Vec<Option<Type>>,
}

/// The type of the key part built from a parameter of type `ty`: the cached method builds it
/// with `__private::key`, which takes `&T` and returns `T::Owned` — so one reference is removed
/// and `ToOwned::Owned` applied. Named lifetimes (the other method's) become `'_`. `None` for
/// `impl Trait`, which has no name outside its method.
pub(crate) fn key_type(ty: &Type) -> Option<Type> {
    struct Elide;
    impl VisitMut for Elide {
        fn visit_lifetime_mut(&mut self, lifetime: &mut Lifetime) {
            if lifetime.ident != "static" {
                *lifetime = Lifetime::new("'_", lifetime.span());
            }
        }
    }
    if quote!(#ty).to_string().contains("impl ") {
        return None;
    }
    let mut inner = match ty {
        Type::Reference(r) => (*r.elem).clone(),
        other => other.clone(),
    };
    Elide.visit_type_mut(&mut inner);
    Some(syn::parse_quote!(<#inner as ::std::borrow::ToOwned>::Owned))
}

/// One target: a method, with key arguments or not.
pub(crate) struct Target {
    pub(crate) method: Ident,
    pub(crate) args: Option<Vec<Ident>>,
}

pub(crate) struct Invalidates {
    pub(crate) targets: Vec<Target>,
}

impl Parse for Target {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let method: Ident = input.parse()?;
        let args = if input.peek(syn::token::Paren) {
            let content;
            syn::parenthesized!(content in input);
            let list: Punctuated<Ident, Token![,]> =
                content.parse_terminated(Ident::parse, Token![,])?;
            Some(list.into_iter().collect())
        } else {
            None
        };
        Ok(Target { method, args })
    }
}

impl Invalidates {
    pub(crate) fn from_attr(attr: &Attribute) -> syn::Result<Self> {
        let list = attr.meta.require_list().map_err(|_| {
            syn::Error::new_spanned(
                attr,
                "name the cached methods: `#[invalidates(episode, episodes_since)]`",
            )
        })?;
        let targets: Punctuated<Target, Token![,]> =
            list.parse_args_with(Punctuated::parse_terminated)?;
        if targets.is_empty() {
            return Err(syn::Error::new_spanned(
                attr,
                "name at least one cached method",
            ));
        }
        Ok(Invalidates {
            targets: targets.into_iter().collect(),
        })
    }
}

/// Wraps `block`: after it returns (`Ok` or `Err`), the named caches are invalidated; they are in
/// flux while it runs, and wholly invalidated if its future is dropped mid-way. `cached` lists the
/// cached methods of the impl with their key types, to check the targets: the key built here
/// is given the target's key type, so a parameter of another type is a compile error under it.
pub(crate) fn wrap_invalidation(
    block: TokenStream,
    sig: &Signature,
    invalidates: &Invalidates,
    cached: &[CachedMethod],
    db: &TokenStream,
    self_name: &str,
    krate: &Krate,
) -> syn::Result<TokenStream> {
    let private = krate.private();
    let mut errors = crate::errors::Errors::default();
    let params: Vec<(&Ident, bool)> = sig
        .inputs
        .iter()
        .filter_map(|arg| match arg {
            FnArg::Typed(pat) => match pat.pat.as_ref() {
                Pat::Ident(p) => Some((&p.ident, matches!(pat.ty.as_ref(), Type::Reference(_)))),
                _ => None,
            },
            FnArg::Receiver(_) => None,
        })
        .collect();
    let actions: Vec<TokenStream> = invalidates
        .targets
        .iter()
        .filter_map(|target| {
            let cached_method = find_cached(cached, target, &mut errors)?;
            let full = format!("{self_name}::{}", target.method);
            action(target, cached_method, &params, &full, krate, &mut errors)
        })
        .collect();
    errors.finish()?;
    let output = crate::method::output_type(sig);
    let names = invalidates
        .targets
        .iter()
        .map(|target| format!("{self_name}::{}", target.method));
    // The targets are in flux while the body runs (what they cached may be changing), so no
    // entry of theirs is served until the invalidation is done.
    Ok(quote! {
        {
            let __larder_flux = #private::invalidating(#private::db(&self.#db), &[#(#names),*]);
            let __larder_result = #private::anchor::<#output, _>(async #block).await;
            // Also after an error: the write may have happened before it.
            let __larder_db = #private::db(&self.#db);
            #(#actions)*
            __larder_flux.finish();
            __larder_result
        }
    })
}

/// The `#[cached_query]` method `target` names; an error under it when there is none.
fn find_cached<'a>(
    cached: &'a [CachedMethod],
    target: &Target,
    errors: &mut crate::errors::Errors,
) -> Option<&'a CachedMethod> {
    let name = target.method.to_string();
    let found = cached.iter().find(|c| c.name == name);
    if found.is_none() {
        let list = cached
            .iter()
            .map(|c| format!("`{}`", c.name))
            .collect::<Vec<_>>()
            .join(", ");
        errors.push(syn::Error::new_spanned(
            &target.method,
            format!(
                "`{name}` is not a `#[cached_query]` method of this impl; cached methods here: {}",
                if list.is_empty() {
                    "none".to_owned()
                } else {
                    list
                }
            ),
        ));
    }
    found
}

/// What invalidating `target` runs: clearing the method, or removing the entry of the key built
/// from this method's parameters (`params`: each with whether it is a reference), typed as the
/// target's key so that a parameter of another type is an error under it.
fn action(
    target: &Target,
    cached: &CachedMethod,
    params: &[(&Ident, bool)],
    full: &str,
    krate: &Krate,
    errors: &mut crate::errors::Errors,
) -> Option<TokenStream> {
    let private = krate.private();
    let Some(args) = &target.args else {
        return Some(quote! {
            #private::invalidate_method(__larder_db, #full);
        });
    };
    let key_len = cached.key_types.len();
    if args.len() != key_len {
        errors.push(syn::Error::new_spanned(
            &target.method,
            format!(
                "`{}` is keyed by {key_len} argument(s), but {} are given",
                target.method,
                args.len()
            ),
        ));
        return None;
    }
    let mut parts = Vec::new();
    for arg in args {
        // Spanned on the argument in the attribute: a type mismatch is shown there.
        let private_arg = krate.private_at(arg.span());
        match params.iter().find(|(p, _)| *p == arg) {
            Some((ident, true)) => {
                parts.push(quote_spanned!(arg.span()=> #private_arg::key(#ident)))
            }
            Some((ident, false)) => {
                parts.push(quote_spanned!(arg.span()=> #private_arg::key(&#ident)))
            }
            None => errors.push(syn::Error::new_spanned(
                arg,
                format!("`{arg}` is not a parameter of this method"),
            )),
        }
    }
    let typed: Option<Vec<&Type>> = cached.key_types.iter().map(Option::as_ref).collect();
    let annotation = typed.map(|types| quote!(: (#(#types,)*)));
    Some(quote! {
        let __larder_key #annotation = (#(#parts,)*);
        #private::invalidate_key(__larder_db, #full, __larder_key).await;
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(ty: Type) -> Option<String> {
        key_type(&ty).map(|t| quote!(#t).to_string().replace(' ', ""))
    }

    #[test]
    fn key_types_drop_one_reference_and_name_no_lifetime() {
        assert_eq!(
            owned(syn::parse_quote!(&'a str)).as_deref(),
            Some("<stras::std::borrow::ToOwned>::Owned")
        );
        assert_eq!(
            owned(syn::parse_quote!(Option<&'a [u8]>)).as_deref(),
            Some("<Option<&'_[u8]>as::std::borrow::ToOwned>::Owned")
        );
        assert_eq!(
            owned(syn::parse_quote!(&'static str)).as_deref(),
            Some("<stras::std::borrow::ToOwned>::Owned")
        );
        assert_eq!(owned(syn::parse_quote!(impl AsRef<str>)), None);
    }
}
