//! Checks of a `#[cached_query]` method's signature against its attribute: every mistake is
//! reported, under its token, before anything is generated.

use syn::{FnArg, Ident, Pat, Signature, Type};

use super::attr::CachedAttr;
use crate::errors::Errors;
use crate::method;

/// What expansion needs from a valid method.
pub(crate) struct Checked<'a> {
    /// The written return type.
    pub(crate) ret: &'a Type,
    /// The parameters making up the key, each with whether it is a reference.
    pub(crate) key_params: Vec<(&'a Ident, bool)>,
}

pub(crate) fn validate<'a>(sig: &'a Signature, attr: &'a CachedAttr) -> syn::Result<Checked<'a>> {
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
    for (ident, _) in &key_params {
        if let Some(ty) = param_type(sig, ident) {
            errors.take(check_key_type(ident, ty));
        }
    }
    if let (Some(token), false) = (&attr.cache_none_token, attr.cache_none) {
        if !returns_option(ret) {
            errors.push(syn::Error::new_spanned(
                token,
                "`cache_none = false` skips caching `Ok(None)`, but this method does not return `Result<Option<T>>`",
            ));
        }
    }
    errors.finish()?;
    Ok(Checked { ret, key_params })
}

fn param_type<'a>(sig: &'a Signature, ident: &Ident) -> Option<&'a Type> {
    sig.inputs.iter().find_map(|arg| match arg {
        FnArg::Typed(pat) => match pat.pat.as_ref() {
            Pat::Ident(p) if p.ident == *ident => Some(pat.ty.as_ref()),
            _ => None,
        },
        FnArg::Receiver(_) => None,
    })
}

/// A key part is stored with the entry, so it is owned (`&str` at the top is taken as a
/// `String`; one inside `Option<&str>` cannot be) and `Hash + Eq` (floats are neither).
fn check_key_type(ident: &Ident, ty: &Type) -> syn::Result<()> {
    let inner = match ty {
        Type::Reference(r) => r.elem.as_ref(),
        other => other,
    };
    let tokens: Vec<proc_macro2::TokenTree> = quote::quote!(#inner).into_iter().collect();
    let float = tokens.iter().find_map(|t| match t {
        proc_macro2::TokenTree::Ident(i) if i == "f64" || i == "f32" => Some(i.to_string()),
        _ => None,
    });
    if let Some(float) = float {
        return Err(syn::Error::new_spanned(
            ty,
            format!(
                "`{ident}` is part of the cache key, and `{float}` is not `Hash + Eq` (NaN is not \
                 equal to itself): take it as an integer (cents as `i64`, or `{float}::to_bits`), \
                 or leave it out of the key with `key = (...)` — only if the result does not \
                 depend on it"
            ),
        ));
    }
    if has_reference(inner) {
        let owned = quote::quote!(#inner)
            .to_string()
            .replace("& str", "String")
            .replace("&str", "String")
            .replace(' ', "");
        return Err(syn::Error::new_spanned(
            ty,
            format!(
                "cache keys are owned (each entry keeps its key): take `{owned}` instead of a \
                 borrowed type, or leave `{ident}` out of the key with `key = (...)`"
            ),
        ));
    }
    Ok(())
}

/// Whether `ty` holds a reference anywhere.
fn has_reference(ty: &Type) -> bool {
    fn walk(tokens: proc_macro2::TokenStream) -> bool {
        tokens.into_iter().any(|t| match t {
            proc_macro2::TokenTree::Punct(p) => p.as_char() == '&',
            proc_macro2::TokenTree::Group(g) => walk(g.stream()),
            _ => false,
        })
    }
    walk(quote::quote!(#ty))
}

/// Whether `ty` is `Result<Vec<_>, ..>` (by the last path segments' names).
pub(crate) fn returns_vec(ty: &Type) -> bool {
    let Some(ok) = method::result_ok(ty).map(method::unshared) else {
        return false;
    };
    matches!(ok, Type::Slice(_)) || method::last_name(ok).as_deref() == Some("Vec")
}

/// Whether `ty` is `Result<Option<_>, ..>` (by the last path segments' names).
pub(crate) fn returns_option(ty: &Type) -> bool {
    method::result_ok(ty)
        .map(method::unshared)
        .and_then(method::last_name)
        .as_deref()
        == Some("Option")
}
