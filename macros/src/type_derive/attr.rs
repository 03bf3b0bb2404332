//! Parsing and checking the derive's input: what the type is stored as.

use syn::{Data, DeriveInput, Fields, LitStr};

use crate::errors::Errors;
use crate::krate::Krate;
use crate::rename::RenameAll;

/// What the type is stored as.
pub(crate) enum Model {
    /// A fieldless enum stored as TEXT: each variant with its stored name.
    Text(Vec<(syn::Ident, String)>),
    /// A fieldless enum stored as INTEGER: its discriminants (`Variant as i64`).
    Integer(Vec<syn::Ident>),
    /// A struct with one field, stored as that field: its type and how to reach it.
    Transparent(Box<syn::Type>, syn::Member),
}

/// The derive's input, understood.
pub(crate) struct TypeInput {
    pub(crate) krate: Krate,
    pub(crate) model: Model,
}

#[derive(Default)]
struct ContainerAttrs {
    krate: Option<Krate>,
    rename_all: Option<RenameAll>,
    integer: bool,
    transparent: bool,
}

fn container_attrs(input: &DeriveInput) -> syn::Result<ContainerAttrs> {
    let mut out = ContainerAttrs::default();
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("larder")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                out.krate = Some(Krate::from_lit(&meta.value()?.parse()?)?);
            } else if meta.path.is_ident("rename_all") {
                out.rename_all = Some(RenameAll::parse(&meta.value()?.parse()?)?);
            } else if meta.path.is_ident("integer") {
                out.integer = true;
            } else if meta.path.is_ident("transparent") {
                out.transparent = true;
            } else {
                return Err(meta.error(
                    "unknown larder attribute; expected `rename_all = \"...\"`, `integer` (an enum \
                     stored as its discriminants), `transparent` (a newtype stored as its field) \
                     or `crate = \"path\"`",
                ));
            }
            Ok(())
        })?;
    }
    Ok(out)
}

/// `#[larder(rename = "...")]` on a variant.
fn variant_rename(variant: &syn::Variant) -> syn::Result<Option<LitStr>> {
    let mut rename = None;
    for attr in variant.attrs.iter().filter(|a| a.path().is_ident("larder")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                rename = Some(meta.value()?.parse()?);
                Ok(())
            } else {
                Err(meta
                    .error("unknown larder attribute on a variant; expected `rename = \"...\"`"))
            }
        })?;
    }
    Ok(rename)
}

pub(crate) fn parse(input: &DeriveInput) -> syn::Result<TypeInput> {
    let attrs = container_attrs(input)?;
    let krate = attrs.krate.clone().unwrap_or_default();
    let mut errors = Errors::default();
    let model = match &input.data {
        Data::Enum(data) => {
            if attrs.transparent {
                errors.push(syn::Error::new_spanned(
                    &input.ident,
                    "`transparent` is for a struct with one field; an enum is stored as TEXT \
                     (its variant names) or, with `integer`, as INTEGER",
                ));
            }
            for variant in &data.variants {
                if !matches!(variant.fields, Fields::Unit) {
                    errors.push(syn::Error::new_spanned(
                        &variant.fields,
                        "a `larder::Type` enum stores one name or number per value, so its \
                         variants carry no fields; store the data in columns of its own, or as \
                         `larder::Json<T>`",
                    ));
                }
            }
            if data.variants.is_empty() {
                errors.push(syn::Error::new_spanned(
                    &input.ident,
                    "an enum without variants has no value to store",
                ));
            }
            if attrs.integer {
                if let Some(rename_all) = input.attrs.iter().find(|a| a.path().is_ident("larder")) {
                    if attrs.rename_all.is_some() {
                        errors.push(syn::Error::new_spanned(
                            rename_all,
                            "`rename_all` names the TEXT of each variant; an `integer` enum stores \
                             its discriminants instead: remove one of them",
                        ));
                    }
                }
                Model::Integer(data.variants.iter().map(|v| v.ident.clone()).collect())
            } else {
                let mut names = Vec::new();
                for variant in &data.variants {
                    let name = match errors.take(variant_rename(variant)).flatten() {
                        Some(lit) => lit.value(),
                        None => attrs.rename_all.map_or_else(
                            || variant.ident.to_string(),
                            |case| case.apply_to_variant(&variant.ident.to_string()),
                        ),
                    };
                    if names.iter().any(|(_, n): &(syn::Ident, String)| *n == name) {
                        errors.push(syn::Error::new_spanned(
                            &variant.ident,
                            format!("two variants are stored as {name:?}; rename one"),
                        ));
                    }
                    names.push((variant.ident.clone(), name));
                }
                Model::Text(names)
            }
        }
        Data::Struct(data) if attrs.transparent => {
            let mut fields = data.fields.iter();
            match (fields.next(), fields.next()) {
                (Some(field), None) => {
                    let member = match &field.ident {
                        Some(ident) => syn::Member::Named(ident.clone()),
                        None => syn::Member::Unnamed(0.into()),
                    };
                    Model::Transparent(Box::new(field.ty.clone()), member)
                }
                _ => {
                    return Err(syn::Error::new_spanned(
                        &input.ident,
                        "`transparent` stores a struct as its one field, and this struct has \
                         none or several; give it exactly one",
                    ))
                }
            }
        }
        Data::Struct(_) => {
            return Err(syn::Error::new_spanned(
                &input.ident,
                "a struct is stored as one column with `#[larder(transparent)]` (a newtype: \
                 `struct UserId(i64)`); a struct read from several columns derives \
                 `larder::FromRow` instead",
            ))
        }
        Data::Union(_) => {
            return Err(syn::Error::new_spanned(
                &input.ident,
                "`larder::Type` is derived for enums and one-field structs, not unions",
            ))
        }
    };
    errors.finish()?;
    Ok(TypeInput { krate, model })
}
