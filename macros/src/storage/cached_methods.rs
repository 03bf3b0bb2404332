//! The `#[cached_query]` methods of an impl with their key types, which `#[invalidates(m(arg))]`
//! on the other methods is checked against.

use syn::{FnArg, ImplItem};

use super::FnItem;
use crate::cached::{is_cached, key_type, CachedAttr, CachedMethod};

pub(super) fn cached_methods(items: &[ImplItem]) -> Vec<CachedMethod> {
    items
        .iter()
        .filter_map(FnItem::from_item)
        .filter_map(|f| {
            let attr = f.attrs.iter().find(|a| is_cached(a))?;
            // Every typed parameter, with its name when it is a plain identifier.
            let params: Vec<(Option<&syn::Ident>, &syn::Type)> = f
                .sig
                .inputs
                .iter()
                .filter_map(|a| match a {
                    FnArg::Typed(p) => Some(match p.pat.as_ref() {
                        syn::Pat::Ident(i) => (Some(&i.ident), p.ty.as_ref()),
                        _ => (None, p.ty.as_ref()),
                    }),
                    FnArg::Receiver(_) => None,
                })
                .collect();
            let key_types = match CachedAttr::from_attr(attr).ok().and_then(|a| a.key) {
                Some(key) => key
                    .iter()
                    .map(|k| {
                        params
                            .iter()
                            .find(|(name, _)| *name == Some(k))
                            .and_then(|(_, ty)| key_type(ty))
                    })
                    .collect(),
                None => params
                    .iter()
                    .map(|(name, ty)| name.and_then(|_| key_type(ty)))
                    .collect(),
            };
            Some(CachedMethod {
                name: f.sig.ident.to_string(),
                key_types,
            })
        })
        .collect()
}
