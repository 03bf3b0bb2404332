//! Code generation for `#[cached_query]`: the method's body becomes the loader of a per-`Db`
//! result cache keyed by its (key) parameters.

use proc_macro2::{Literal, TokenStream};
use quote::{quote, quote_spanned};
use syn::{FnArg, Pat, Signature, Type};

use super::attr::{CachedAttr, Ttl};
use crate::errors::Errors;
use crate::krate::Krate;
use crate::method;

/// What the SQL of a `#[prepared]` method says about its cache (nothing for methods with bodies),
/// as `const` expressions: `Option<&[&str]>` of the tables read, `Option<(&str, &str)>` of the
/// `(table, column)` of a `WHERE column = ?` lookup.
pub(crate) struct Facts {
    reads: TokenStream,
    point: TokenStream,
}

impl Facts {
    /// Known when the macro expands: SQL written in the attribute.
    pub(crate) fn literal(reads: Option<&[String]>, point: Option<&(String, String)>) -> Facts {
        Facts {
            reads: match reads {
                Some(tables) => quote!(::core::option::Option::Some(&[#(#tables),*])),
                None => quote!(::core::option::Option::None),
            },
            point: match point {
                Some((table, column)) => quote!(::core::option::Option::Some((#table, #column))),
                None => quote!(::core::option::Option::None),
            },
        }
    }

    /// Known when the crate compiles: SQL from a checked constant (its `larder::Sql` companion).
    pub(crate) fn constant(sql: &TokenStream) -> Facts {
        Facts {
            reads: quote!(#sql.__reads()),
            point: quote!(#sql.__point()),
        }
    }
}

/// Wraps `block` (the method's body, generated or written) in the cache lookup.
pub(crate) fn wrap(
    block: TokenStream,
    sig: &Signature,
    attr: &CachedAttr,
    facts: Facts,
    db: &TokenStream,
    self_name: &str,
    krate: &Krate,
) -> syn::Result<TokenStream> {
    let private = krate.private();
    let Facts { reads, point } = facts;
    let mut errors = Errors::default();
    errors.take(method::check_async(
        sig,
        "`#[cached_query]` methods must be `async fn`",
    ));
    if let Some(param) = sig
        .generics
        .params
        .iter()
        .find(|p| !matches!(p, syn::GenericParam::Lifetime(_)))
    {
        errors.push(syn::Error::new_spanned(
            param,
            "`#[cached_query]` methods cannot be generic: a method's cache holds one key type and \
             one value type; give the parameter a concrete type",
        ));
    }
    errors.take(method::check_receiver(
        sig,
        "`#[cached_query]` methods take `&self`: the cache belongs to the `Db` found through `self`",
    ));
    let ret = match method::return_type(sig) {
        Some(ty) => ty,
        None => {
            errors.push(syn::Error::new_spanned(
                &sig.ident,
                "`#[cached_query]` methods return `Result<T, E>`: only `Ok` values are cached",
            ));
            return Err(errors
                .finish()
                .err()
                .unwrap_or_else(|| syn::Error::new_spanned(&sig.ident, "no return type")));
        }
    };
    let params: Vec<(&syn::Ident, bool)> = sig
        .inputs
        .iter()
        .filter_map(|arg| match arg {
            FnArg::Typed(pat) => match pat.pat.as_ref() {
                Pat::Ident(p) => Some((&p.ident, matches!(pat.ty.as_ref(), Type::Reference(_)))),
                other => {
                    errors.push(syn::Error::new_spanned(
                        other,
                        "give this parameter a plain name: it is part of the cache key",
                    ));
                    None
                }
            },
            FnArg::Receiver(_) => None,
        })
        .collect();
    let key_params: Vec<(&syn::Ident, bool)> = match &attr.key {
        None => params.clone(),
        Some(names) => names
            .iter()
            .filter_map(|name| match params.iter().find(|(p, _)| *p == name) {
                Some(found) => Some(*found),
                None => {
                    let list = params.iter().map(|(p, _)| format!("`{p}`")).collect::<Vec<_>>().join(", ");
                    errors.push(syn::Error::new_spanned(
                        name,
                        format!("`key` names `{name}`, which is not a parameter of this method (its parameters: {list})"),
                    ));
                    None
                }
            })
            .collect(),
    };
    let private_ret = krate.private_at(syn::spanned::Spanned::span(ret));
    let keep = match (&attr.cache_none_token, attr.cache_none) {
        (Some(token), false) => {
            if !returns_option(ret) {
                errors.push(syn::Error::new_spanned(
                    token,
                    "`cache_none = false` skips caching `Ok(None)`, but this method does not return `Result<Option<T>>`",
                ));
            }
            quote_spanned!(syn::spanned::Spanned::span(ret)=> #private_ret::keep_some)
        }
        _ => quote_spanned!(syn::spanned::Spanned::span(ret)=> #private_ret::keep_all),
    };
    errors.finish()?;

    let name = format!("{self_name}::{}", sig.ident);
    let parts = key_params.iter().map(|(ident, by_ref)| {
        if *by_ref {
            quote!(#private::key(#ident))
        } else {
            quote!(#private::key(&#ident))
        }
    });
    // Whether a point lookup found its row, by the shape of what it returns.
    let found = if returns_option(ret) {
        quote_spanned!(syn::spanned::Spanned::span(ret)=> #private_ret::found_some)
    } else if returns_vec(ret) {
        quote_spanned!(syn::spanned::Spanned::span(ret)=> #private_ret::found_nonempty)
    } else {
        quote_spanned!(syn::spanned::Spanned::span(ret)=> #private_ret::found_always)
    };
    let ttl = ttl_tokens(attr.ttl, &private);
    let max_entries = attr.max_entries;
    let (max_bytes, weigh) = match attr.max_bytes {
        Some(bytes) => (
            quote!(::core::option::Option::Some(#bytes)),
            quote!(#private::weigh),
        ),
        None => (
            quote!(::core::option::Option::None),
            quote!(#private::no_weight),
        ),
    };
    let output = if method::contains_impl_trait(ret) {
        quote!(_)
    } else {
        quote!(#ret)
    };
    // Spanned on the return type: a type that is not a `Result` is reported once, under it.
    let db_arg = if method::shared_receiver(sig) {
        quote!(#private::db(&self.#db))
    } else {
        quote!(&::core::clone::Clone::clone(#private::db(&self.#db)))
    };
    let call = quote_spanned! {syn::spanned::Spanned::span(ret)=>
        #private_ret::cached::<_, #output, _>(
            #db_arg,
            &__LARDER_CACHE,
            __larder_key,
            #keep,
            #weigh,
            #found,
            async move #block,
        )
        .await
    };
    Ok(quote! {
        {
            static __LARDER_CACHE: #private::CacheSite = #private::CacheSite::new(
                #name,
                #reads,
                #point,
                #private::CacheConfig {
                    ttl: #ttl,
                    max_entries: #max_entries,
                    max_bytes: #max_bytes,
                },
            );
            let __larder_key = (#(#parts,)*);
            #call
        }
    })
}

fn nanos(d: std::time::Duration) -> TokenStream {
    let n = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
    quote!(::core::time::Duration::from_nanos(#n))
}

fn ttl_tokens(ttl: Ttl, private: &TokenStream) -> TokenStream {
    match ttl {
        Ttl::Fixed(d) => {
            let d = nanos(d);
            quote!(#private::Ttl::Fixed(#d))
        }
        Ttl::Adaptive(a) => {
            let (base, min, max) = (nanos(a.base), nanos(a.min), nanos(a.max));
            let access = Literal::f64_suffixed(a.access_weight);
            let recency = Literal::f64_suffixed(a.recency_weight);
            quote!(#private::Ttl::Adaptive(#private::AdaptiveTtl {
                base: #base,
                min: #min,
                max: #max,
                access_weight: #access,
                recency_weight: #recency,
            }))
        }
    }
}

/// Whether `ty` is `Result<Vec<_>, ..>` (by the last path segments' names).
fn returns_vec(ty: &Type) -> bool {
    method::result_ok(ty).and_then(method::last_name).as_deref() == Some("Vec")
}

/// Whether `ty` is `Result<Option<_>, ..>` (by the last path segments' names).
fn returns_option(ty: &Type) -> bool {
    method::result_ok(ty).and_then(method::last_name).as_deref() == Some("Option")
}
