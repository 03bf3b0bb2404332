//! The path generated code reaches the runtime by: `::larder`, or the path given with
//! `crate = "path"` (as `tokio::main(crate = …)` and serde's `#[serde(crate = …)]` do), for a user
//! who renamed the dependency or re-exports it from a crate of their own.

use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use syn::LitStr;

/// The runtime crate's root path, as generated code writes it.
#[derive(Clone)]
pub(crate) struct Krate {
    root: TokenStream,
    /// Given with `crate = "path"`: its tokens keep the literal's span.
    overridden: bool,
}

impl Default for Krate {
    fn default() -> Self {
        Krate {
            root: quote!(::larder),
            overridden: false,
        }
    }
}

impl Krate {
    /// `crate = "path"`: the literal must hold a path (`"::my_larder"`, `"my_app::db::larder"`).
    /// Its tokens take the literal's span, so that a path that does not resolve is reported under it.
    pub(crate) fn from_lit(lit: &LitStr) -> syn::Result<Krate> {
        let path: syn::Path = lit.parse().map_err(|_| {
            syn::Error::new_spanned(
                lit,
                format!(
                    "`crate = {:?}` is not a path; give the path the `larder` crate is reachable \
                     by, e.g. `crate = \"::my_larder\"`",
                    lit.value()
                ),
            )
        })?;
        Ok(Krate {
            root: respan(path.into_token_stream(), lit.span()),
            overridden: true,
        })
    }

    /// `<root>::__private`: the only door generated code uses into the runtime.
    pub(crate) fn private(&self) -> TokenStream {
        let root = &self.root;
        quote!(#root::__private)
    }

    /// `private()` for use inside `quote_spanned!(span=> …)`: the default path takes `span`, as the
    /// tokens around it do, so that a diagnostic about the call points where they point. An
    /// override keeps the span of its literal.
    pub(crate) fn private_at(&self, span: Span) -> TokenStream {
        if self.overridden {
            self.private()
        } else {
            respan(self.private(), span)
        }
    }
}

impl ToTokens for Krate {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        self.root.to_tokens(tokens);
    }
}

/// A path holds identifiers and punctuation only (no groups): setting each token's span is enough.
fn respan(tokens: TokenStream, span: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            token.set_span(span);
            token
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::Krate;

    #[test]
    fn the_default_is_the_absolute_larder_path() {
        assert_eq!(
            Krate::default().private().to_string(),
            ":: larder :: __private"
        );
    }

    #[test]
    fn an_override_is_any_path() {
        let lit: syn::LitStr = syn::parse_quote!("::app::db::larder");
        let krate = Krate::from_lit(&lit).unwrap();
        assert_eq!(
            krate.private().to_string(),
            ":: app :: db :: larder :: __private"
        );
    }

    #[test]
    fn the_default_takes_the_span_it_is_used_at_and_an_override_keeps_its_own() {
        let span = proc_macro2::Span::call_site();
        assert_eq!(
            Krate::default().private_at(span).to_string(),
            Krate::default().private().to_string()
        );
        let lit: syn::LitStr = syn::parse_quote!("::pantry");
        let krate = Krate::from_lit(&lit).unwrap();
        assert_eq!(krate.private_at(span).to_string(), ":: pantry :: __private");
    }

    #[test]
    fn an_override_that_is_not_a_path_is_an_error_under_it() {
        let lit: syn::LitStr = syn::parse_quote!("not a path");
        let error = Krate::from_lit(&lit).err().unwrap();
        assert!(error.to_string().contains("is not a path"), "{error}");
    }
}
