//! The derive's attributes: `#[larder(crate = "path")]` on the struct, `#[larder(rename = "column")]`
//! on a field.

use syn::{Attribute, LitStr};

use crate::krate::Krate;
use crate::rename::RenameAll;

/// What `#[larder(...)]` on the struct says.
#[derive(Default)]
pub(crate) struct ContainerAttrs {
    /// The runtime's path: `crate = "path"`, `::larder` when not given.
    pub(crate) krate: Krate,
    /// `rename_all = "..."`: how field names become column names.
    pub(crate) rename_all: Option<RenameAll>,
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
