//! Code generation for `#[cached_query]`: the method's body becomes the loader of a per-`Db`
//! result cache keyed by its (key) parameters.

use proc_macro2::{Literal, TokenStream};
use quote::{quote, quote_spanned};
use syn::{Signature, Type};

use super::attr::{CachedAttr, Ttl};
use super::valid::{returns_option, returns_vec, validate, Checked};
use crate::krate::Krate;
use crate::method;

/// What the SQL of a `#[prepared]` method says about its cache (nothing for methods with bodies),
/// as `const` expressions: `Option<&[&str]>` of the tables read, `Option<(&str, &str)>` of the
/// `(table, column)` of a `WHERE column = ?` lookup.
pub(crate) struct Facts {
    reads: TokenStream,
    point: TokenStream,
    /// A `#[prepared]` query: the runtime learns what it reads from the engine.
    statement: bool,
}

impl Facts {
    /// Known when the macro expands: SQL written in the attribute.
    pub(crate) fn literal(reads: Option<&[String]>, point: Option<&(String, String)>) -> Facts {
        Facts {
            statement: reads.is_some(),
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
    pub(crate) fn constant(sql: &TokenStream, krate: &Krate) -> Facts {
        let private = krate.private();
        Facts {
            statement: true,
            reads: quote!(#private::sql_reads(&#sql)),
            point: quote!(#private::sql_point(&#sql)),
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
    let Facts {
        reads,
        point,
        statement,
    } = facts;
    let Checked { ret, key_params } = validate(sig, attr)?;
    let private_ret = krate.private_at(syn::spanned::Spanned::span(ret));
    let (keep, found) = value_fns(attr, ret);
    let name = format!("{self_name}::{}", sig.ident);
    let parts = key_params.iter().map(|(ident, by_ref)| {
        if *by_ref {
            quote!(#private::key(#ident))
        } else {
            quote!(#private::key(&#ident))
        }
    });
    let config = config_tokens(attr, &private);
    let weigh = match attr.max_bytes_span {
        Some(span) => {
            let private = krate.private_at(span);
            quote_spanned!(span=> #private::weigh)
        }
        None => quote!(#private::no_weight),
    };
    // The runtime owns the defaults, so whether the settings fit together (an adaptive `min`
    // longer than its `max`, a default included) is asserted at compile time, under `ttl_adaptive`.
    let config_check = attr.adaptive_span.map(|span| {
        let private = krate.private_at(span);
        quote_spanned! {span=>
            const _: () = {
                if let ::core::option::Option::Some(message) =
                    #private::check_cache_config(&__LARDER_CONFIG).message()
                {
                    ::core::panic!("{}", message);
                }
            };
        }
    });
    let output = method::output_type(sig);
    // A value that is not `Clone` is reported first with what a hit needs (`__private::CloneProbe`).
    let clone_probe = method::result_ok(ret)
        .filter(|ok| !method::contains_impl_trait(ok))
        .map(|ok| {
            let span = syn::spanned::Spanned::span(ret);
            let private = krate.private_at(span);
            quote_spanned! {span=>
                {
                    use #private::{IsClone as _, NotClone as _};
                    (&#private::CloneProbe::<i64>::NEW).check();
                    (&#private::CloneProbe::<#private::NotCloneWitness>::NEW).check();
                    (&#private::CloneProbe::<#ok>::NEW).check();
                }
            }
        });
    let db_arg = method::db_handle(sig, &private, db);
    // Spanned on the return type: a type that is not a `Result` is reported once, under it.
    let call = quote_spanned! {syn::spanned::Spanned::span(ret)=>
        #private_ret::cached::<_, #output, _, _>(
            #db_arg,
            &__LARDER_CACHE,
            __larder_key,
            #private_ret::#keep,
            #weigh,
            #private_ret::#found,
            move || async move #block,
        )
        .await
    };
    Ok(quote! {
        {
            const __LARDER_CONFIG: #private::CacheConfig = #config;
            #config_check
            static __LARDER_CACHE: #private::CacheSite =
                #private::CacheSite::new(#name, #reads, #point, #statement, __LARDER_CONFIG);
            #clone_probe
            let __larder_key = (#(#parts,)*);
            #call
        }
    })
}

fn nanos(d: std::time::Duration) -> TokenStream {
    let n = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
    quote!(::core::time::Duration::from_nanos(#n))
}

/// The `__private` functions that judge a loaded value, spanned on the return type: whether it
/// is cached (`keep`: all, or all but `None` with `cache_none = false`) and whether a point lookup
/// found its row (`found`, by the shape of what it returns).
fn value_fns(attr: &CachedAttr, ret: &Type) -> (TokenStream, TokenStream) {
    let span = syn::spanned::Spanned::span(ret);
    let keep = if attr.cache_none {
        quote_spanned!(span=> keep_all)
    } else {
        quote_spanned!(span=> keep_some)
    };
    let found = if returns_option(ret) {
        quote_spanned!(span=> found_some)
    } else if returns_vec(ret) {
        quote_spanned!(span=> found_nonempty)
    } else {
        quote_spanned!(span=> found_always)
    };
    (keep, found)
}

/// `CacheConfig::DEFAULT` with what the attribute names: the defaults are the runtime's.
fn config_tokens(attr: &CachedAttr, private: &TokenStream) -> TokenStream {
    let mut config = quote!(#private::CacheConfig::DEFAULT);
    match attr.ttl {
        Ttl::Fixed(d) => {
            let d = nanos(d);
            config.extend(quote!(.with_ttl(#private::Ttl::Fixed(#d))));
        }
        Ttl::Adaptive(a) => {
            let mut ttl = quote!(#private::AdaptiveTtl::DEFAULT);
            for (method, value) in [
                ("with_base", a.base),
                ("with_min", a.min),
                ("with_max", a.max),
            ] {
                if let Some(d) = value {
                    let (method, d) = (quote::format_ident!("{method}"), nanos(d));
                    ttl.extend(quote!(.#method(#d)));
                }
            }
            for (method, value) in [
                ("with_access_weight", a.access_weight),
                ("with_recency_weight", a.recency_weight),
            ] {
                if let Some(w) = value {
                    let (method, w) = (quote::format_ident!("{method}"), Literal::f64_suffixed(w));
                    ttl.extend(quote!(.#method(#w)));
                }
            }
            config.extend(quote!(.with_ttl(#private::Ttl::Adaptive(#ttl))));
        }
    }
    if let Some(n) = attr.max_entries {
        config.extend(quote!(.with_max_entries(#n)));
    }
    if let Some(n) = attr.max_bytes {
        config.extend(quote!(.with_max_bytes(#n)));
    }
    config
}
