//! Field attributes: `#[cachet(rename = "column")]`.

use syn::{Attribute, LitStr};

/// What `#[cachet(...)]` says about one field.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    pub(crate) rename: Option<LitStr>,
}

impl FieldAttrs {
    pub(crate) fn from_attrs(attrs: &[Attribute]) -> syn::Result<Self> {
        let mut out = FieldAttrs::default();
        for attr in attrs.iter().filter(|a| a.path().is_ident("cachet")) {
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
                    let path = meta
                        .path
                        .get_ident()
                        .map_or_else(|| "?".to_owned(), ToString::to_string);
                    Err(meta.error(format!(
                        "unknown cachet field attribute `{path}`; expected `rename = \"column\"`"
                    )))
                }
            })?;
        }
        Ok(out)
    }
}
