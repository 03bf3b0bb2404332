//! The derive's attributes: `#[larder(crate = "path")]` on the struct, `#[larder(rename = "column")]`
//! on a field.

use syn::{Attribute, LitStr};

use crate::krate::Krate;

/// What `#[larder(...)]` on the struct says.
#[derive(Default)]
pub(crate) struct ContainerAttrs {
    /// The runtime's path: `crate = "path"`, `::larder` when not given.
    pub(crate) krate: Krate,
    /// `rename_all = "..."`: how field names become column names.
    pub(crate) rename_all: Option<RenameAll>,
}

/// The cases `rename_all` knows, as serde names them.
#[derive(Clone, Copy)]
pub(crate) enum RenameAll {
    Lower,
    Upper,
    Camel,
    Pascal,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
    Snake,
}

const CASES: &[(&str, RenameAll)] = &[
    ("lowercase", RenameAll::Lower),
    ("UPPERCASE", RenameAll::Upper),
    ("camelCase", RenameAll::Camel),
    ("PascalCase", RenameAll::Pascal),
    ("SCREAMING_SNAKE_CASE", RenameAll::ScreamingSnake),
    ("kebab-case", RenameAll::Kebab),
    ("SCREAMING-KEBAB-CASE", RenameAll::ScreamingKebab),
    ("snake_case", RenameAll::Snake),
];

impl RenameAll {
    fn parse(lit: &LitStr) -> syn::Result<Self> {
        let value = lit.value();
        CASES
            .iter()
            .find(|(name, _)| *name == value)
            .map(|&(_, case)| case)
            .ok_or_else(|| {
                let names: Vec<&str> = CASES.iter().map(|(n, _)| *n).collect();
                syn::Error::new_spanned(
                    lit,
                    format!(
                        "unknown case `{value}`; expected one of {}{}",
                        names
                            .iter()
                            .map(|n| format!("\"{n}\""))
                            .collect::<Vec<_>>()
                            .join(", "),
                        crate::errors::did_you_mean(&value, &names)
                    ),
                )
            })
    }

    /// The column name of a field named `field` (snake_case, as Rust writes fields).
    pub(crate) fn apply(self, field: &str) -> String {
        let words = field.split('_').filter(|w| !w.is_empty());
        let capitalized = |w: &str| {
            let mut chars = w.chars();
            chars
                .next()
                .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
        };
        match self {
            RenameAll::Lower => field.to_lowercase(),
            RenameAll::Upper => field.to_uppercase(),
            RenameAll::Snake => field.to_owned(),
            RenameAll::ScreamingSnake => field.to_uppercase(),
            RenameAll::Kebab => field.replace('_', "-"),
            RenameAll::ScreamingKebab => field.replace('_', "-").to_uppercase(),
            RenameAll::Pascal => words.map(capitalized).collect(),
            RenameAll::Camel => words
                .enumerate()
                .map(|(i, w)| if i == 0 { w.to_owned() } else { capitalized(w) })
                .collect(),
        }
    }
}

impl ContainerAttrs {
    pub(crate) fn from_attrs(attrs: &[Attribute]) -> syn::Result<Self> {
        let mut out = ContainerAttrs::default();
        let mut krate_set = false;
        for attr in attrs.iter().filter(|a| a.path().is_ident("larder")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("crate") {
                    if krate_set {
                        return Err(meta.error("`crate` is given more than once"));
                    }
                    out.krate = Krate::from_lit(&meta.value()?.parse()?)?;
                    krate_set = true;
                    Ok(())
                } else if meta.path.is_ident("rename_all") {
                    if out.rename_all.is_some() {
                        return Err(meta.error("`rename_all` is given more than once"));
                    }
                    out.rename_all = Some(RenameAll::parse(&meta.value()?.parse()?)?);
                    Ok(())
                } else {
                    Err(meta.error(format!(
                        "unknown larder attribute `{}` on a struct; expected `crate = \"path\"` \
                         or `rename_all = \"camelCase\"` (`rename = \"column\"` goes on a field)",
                        path_name(&meta.path)
                    )))
                }
            })?;
        }
        Ok(out)
    }
}

fn path_name(path: &syn::Path) -> String {
    path.get_ident()
        .map_or_else(|| "?".to_owned(), ToString::to_string)
}

/// What `#[larder(...)]` says about one field.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    pub(crate) rename: Option<LitStr>,
}

impl FieldAttrs {
    pub(crate) fn from_attrs(attrs: &[Attribute]) -> syn::Result<Self> {
        let mut out = FieldAttrs::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident("larder")) {
            attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    if out.rename.is_some() {
                        return Err(meta.error("`rename` is given more than once"));
                    }
                    let name: LitStr = meta.value()?.parse()?;
                    if name.value().is_empty() {
                        return Err(syn::Error::new_spanned(&name, "the column name is empty"));
                    }
                    out.rename = Some(name);
                    Ok(())
                } else {
                    Err(meta.error(format!(
                        "unknown larder field attribute `{}`; expected `rename = \"column\"`",
                        path_name(&meta.path)
                    )))
                }
            })?;
        }
        Ok(out)
    }
}
