//! Parsing `#[cached_query(...)]`.

use std::time::Duration;

use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Attribute, Ident, LitBool, LitFloat, LitInt, LitStr, Token};

use super::duration;
use crate::errors::{argument_name, did_you_mean, KnownArg};

/// The adaptive TTL parameters the attribute names; the others keep the runtime's defaults
/// (`AdaptiveTtl::DEFAULT`, their one definition).
#[derive(Clone, Copy, Default)]
pub(crate) struct Adaptive {
    pub(crate) base: Option<Duration>,
    pub(crate) min: Option<Duration>,
    pub(crate) max: Option<Duration>,
    pub(crate) access_weight: Option<f64>,
    pub(crate) recency_weight: Option<f64>,
}

#[derive(Clone, Copy)]
pub(crate) enum Ttl {
    Adaptive(Adaptive),
    Fixed(Duration),
}

/// `#[cached_query(...)]`, parsed. What it does not name keeps the runtime's defaults
/// (`CacheConfig::DEFAULT`).
pub(crate) struct CachedAttr {
    pub(crate) ttl: Ttl,
    pub(crate) max_entries: Option<u64>,
    pub(crate) max_bytes: Option<u64>,
    /// Where `max_bytes` was written: a value type without `Weigh` is reported under it.
    pub(crate) max_bytes_span: Option<proc_macro2::Span>,
    /// The parameters that make up the key; `None` = all of them.
    pub(crate) key: Option<Vec<Ident>>,
    pub(crate) cache_none: bool,
    /// `cache_none = false` as written, for errors.
    pub(crate) cache_none_token: Option<LitBool>,
    /// `ttl_adaptive` as written, for errors about its settings as a whole.
    pub(crate) adaptive_span: Option<proc_macro2::Span>,
}

mod kw {
    syn::custom_keyword!(ttl_adaptive);
    syn::custom_keyword!(ttl);
    syn::custom_keyword!(max_entries);
    syn::custom_keyword!(max_bytes);
    syn::custom_keyword!(key);
    syn::custom_keyword!(cache_none);
    syn::custom_keyword!(base);
    syn::custom_keyword!(min);
    syn::custom_keyword!(max);
    syn::custom_keyword!(access_weight);
    syn::custom_keyword!(recency_weight);
}

const KEYS: &[KnownArg<'static>] = &[
    ("ttl_adaptive", &|l| l.peek(kw::ttl_adaptive)),
    ("ttl", &|l| l.peek(kw::ttl)),
    ("max_entries", &|l| l.peek(kw::max_entries)),
    ("max_bytes", &|l| l.peek(kw::max_bytes)),
    ("key", &|l| l.peek(kw::key)),
    ("cache_none", &|l| l.peek(kw::cache_none)),
];
const ADAPTIVE_KEYS: &[KnownArg<'static>] = &[
    ("base", &|l| l.peek(kw::base)),
    ("min", &|l| l.peek(kw::min)),
    ("max", &|l| l.peek(kw::max)),
    ("access_weight", &|l| l.peek(kw::access_weight)),
    ("recency_weight", &|l| l.peek(kw::recency_weight)),
];

pub(crate) fn is_cached(attr: &Attribute) -> bool {
    crate::errors::is_method_attr(attr, "cached_query")
}

impl CachedAttr {
    pub(crate) fn from_attr(attr: &Attribute) -> syn::Result<Self> {
        match &attr.meta {
            syn::Meta::Path(_) => Ok(CachedAttr::default()),
            syn::Meta::List(list) => list.parse_args(),
            syn::Meta::NameValue(nv) => Err(syn::Error::new_spanned(
                nv,
                "write `#[cached_query]` or `#[cached_query(ttl = \"30s\", max_entries = 1000)]`",
            )),
        }
    }
}

impl Default for CachedAttr {
    fn default() -> Self {
        CachedAttr {
            ttl: Ttl::Adaptive(Adaptive::default()),
            max_entries: None,
            max_bytes: None,
            max_bytes_span: None,
            key: None,
            cache_none: true,
            cache_none_token: None,
            adaptive_span: None,
        }
    }
}

/// The duration and the literal it was written as (for errors that quote it).
fn duration_lit(input: ParseStream) -> syn::Result<(Duration, LitStr)> {
    let lit: LitStr = input.parse()?;
    let d =
        duration::parse(&lit.value()).map_err(|message| syn::Error::new_spanned(&lit, message))?;
    Ok((d, lit))
}

/// A time to live that can hold an entry: zero would store every value and never serve one.
fn lifetime_arg(input: ParseStream, name: &str) -> syn::Result<(Duration, LitStr)> {
    let (d, lit) = duration_lit(input)?;
    if d.is_zero() {
        return Err(syn::Error::new_spanned(
            &lit,
            format!(
                "`{name}` is zero, so every entry would expire as it is stored and the cache would \
                 never hit; give it a length (\"30s\", \"5m\"), or remove `#[cached_query]`"
            ),
        ));
    }
    Ok((d, lit))
}

fn weight_arg(input: ParseStream) -> syn::Result<f64> {
    let lit: LitFloat = input.parse()?;
    let value: f64 = lit.base10_parse()?;
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(syn::Error::new_spanned(
            &lit,
            "a weight is between 0.0 and 1.0",
        ))
    }
}

fn positive(input: ParseStream, name: &str) -> syn::Result<u64> {
    let lit: LitInt = input.parse()?;
    let value: u64 = lit.base10_parse()?;
    if value == 0 {
        return Err(syn::Error::new_spanned(
            &lit,
            format!("`{name}` must be at least 1"),
        ));
    }
    Ok(value)
}

/// The next argument name among `known`; an unknown one is an error naming them all.
fn key_of(input: ParseStream, known: &[KnownArg<'_>], what: &str) -> syn::Result<Ident> {
    argument_name(input, known, |key| {
        let names: Vec<&str> = known.iter().map(|(name, _)| *name).collect();
        let list = names
            .iter()
            .map(|k| format!("`{k}`"))
            .collect::<Vec<_>>()
            .join(", ");
        syn::Error::new_spanned(
            key,
            format!(
                "unknown {what} `{key}`; expected one of {list}{}",
                did_you_mean(&key.to_string(), &names)
            ),
        )
    })
}

fn parse_adaptive(input: ParseStream) -> syn::Result<Adaptive> {
    let mut adaptive = Adaptive::default();
    if !input.peek(syn::token::Paren) {
        return Ok(adaptive);
    }
    let content;
    syn::parenthesized!(content in input);
    let mut seen: Vec<String> = Vec::new();
    let (mut min, mut max) = (None, None);
    while !content.is_empty() {
        let key = key_of(&content, ADAPTIVE_KEYS, "`ttl_adaptive` argument")?;
        let name = key.to_string();
        if seen.contains(&name) {
            return Err(syn::Error::new_spanned(
                &key,
                format!("`{name}` is set more than once"),
            ));
        }
        content.parse::<Token![=]>()?;
        match name.as_str() {
            "base" => adaptive.base = Some(lifetime_arg(&content, "base")?.0),
            "min" => {
                let (d, lit) = duration_lit(&content)?;
                adaptive.min = Some(d);
                min = Some(lit);
            }
            "max" => {
                let (d, lit) = lifetime_arg(&content, "max")?;
                adaptive.max = Some(d);
                max = Some(lit);
            }
            "access_weight" => adaptive.access_weight = Some(weight_arg(&content)?),
            "recency_weight" => adaptive.recency_weight = Some(weight_arg(&content)?),
            _ => unreachable!("`key_of` returns one of `ADAPTIVE_KEYS`"),
        }
        seen.push(name);
        if !content.is_empty() {
            content.parse::<Token![,]>()?;
        }
    }
    if let (Some(min_lit), Some(max_lit), Some(lo), Some(hi)) =
        (&min, &max, adaptive.min, adaptive.max)
    {
        if lo > hi {
            return Err(syn::Error::new_spanned(
                min_lit,
                format!(
                    "`min` ({}) is longer than `max` ({}); the adaptive time to live moves between \
                     them: shorten `min` or lengthen `max`",
                    min_lit.value(),
                    max_lit.value()
                ),
            ));
        }
    }
    // With a default on one side, whether `min` ≤ `max` is asserted at compile time by the
    // runtime (`__private::check_cache_config`), which owns the defaults.
    Ok(adaptive)
}

impl Parse for CachedAttr {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut out = CachedAttr::default();
        let mut seen: Vec<(String, Ident)> = Vec::new();
        while !input.is_empty() {
            let key = key_of(input, KEYS, "`cached_query` argument")?;
            let name = key.to_string();
            if seen.iter().any(|(n, _)| *n == name) {
                return Err(syn::Error::new_spanned(
                    &key,
                    format!("`{name}` is set more than once"),
                ));
            }
            match name.as_str() {
                "ttl_adaptive" => {
                    out.ttl = Ttl::Adaptive(parse_adaptive(input)?);
                    out.adaptive_span = Some(key.span());
                }
                "ttl" => {
                    input.parse::<Token![=]>()?;
                    out.ttl = Ttl::Fixed(lifetime_arg(input, "ttl")?.0);
                }
                "max_entries" => {
                    input.parse::<Token![=]>()?;
                    out.max_entries = Some(positive(input, "max_entries")?);
                }
                "max_bytes" => {
                    input.parse::<Token![=]>()?;
                    out.max_bytes = Some(positive(input, "max_bytes")?);
                    out.max_bytes_span = Some(key.span());
                }
                "key" => {
                    input.parse::<Token![=]>()?;
                    let content;
                    syn::parenthesized!(content in input);
                    let names: Punctuated<Ident, Token![,]> =
                        content.parse_terminated(Ident::parse, Token![,])?;
                    out.key = Some(names.into_iter().collect());
                }
                "cache_none" => {
                    input.parse::<Token![=]>()?;
                    let value: LitBool = input.parse()?;
                    out.cache_none = value.value;
                    out.cache_none_token = Some(value);
                }
                _ => unreachable!("`key_of` returns one of `KEYS`"),
            }
            if let Some((_, earlier)) = seen.iter().find(|(n, _)| {
                (n == "ttl" && name == "ttl_adaptive") || (n == "ttl_adaptive" && name == "ttl")
            }) {
                let mut error = syn::Error::new_spanned(
                    &key,
                    "`ttl` (fixed) and `ttl_adaptive` exclude each other; keep one",
                );
                error.combine(syn::Error::new_spanned(earlier, "the other one is here"));
                return Err(error);
            }
            seen.push((name, key));
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(out)
    }
}
