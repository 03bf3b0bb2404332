//! Attributes inside `#[larder::storage]` whose name is close to a larder attribute's
//! (`#[cache_query]`, `#[prepare]`): an error naming the one meant, instead of rustc's "cannot
//! find attribute" and the errors that follow from the layer missing.

use syn::Attribute;

/// The larder attributes, by name.
const LARDER_ATTRIBUTES: &[&str] = &[
    "prepared",
    "cached_query",
    "batch",
    "transactional",
    "timed",
    "invalidates",
];

/// Attributes of the language and of common crates, never taken for a misspelled larder one.
const OTHER_ATTRIBUTES: &[&str] = &[
    "doc",
    "allow",
    "warn",
    "deny",
    "forbid",
    "expect",
    "cfg",
    "cfg_attr",
    "inline",
    "cold",
    "must_use",
    "deprecated",
    "track_caller",
    "instrument",
    "test",
    "ignore",
    "rustfmt",
];

/// Removes the attributes whose name is close to a larder attribute's but is not one
/// (`#[cache_query]`), returning an error for each, under it, naming the one meant.
pub(super) fn remove(attrs: &mut Vec<Attribute>) -> Vec<syn::Error> {
    let mut errors = Vec::new();
    attrs.retain(|attr| {
        let Some(name) = attr.path().get_ident().map(ToString::to_string) else {
            return true;
        };
        if LARDER_ATTRIBUTES.contains(&name.as_str()) || OTHER_ATTRIBUTES.contains(&name.as_str()) {
            return true;
        }
        let hint = crate::errors::did_you_mean(&name, LARDER_ATTRIBUTES);
        if hint.is_empty() {
            return true;
        }
        errors.push(syn::Error::new_spanned(
            attr.path(),
            format!("`#[{name}]` is not a larder attribute{hint}"),
        ));
        false
    });
    errors
}
