//! Parsing the arguments of `#[cachet::storage(...)]`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Member, Token};

mod kw {
    syn::custom_keyword!(db);
    syn::custom_keyword!(timed);
}

/// `#[cachet::storage]` or `#[cachet::storage(db = field.path)]`.
pub(crate) struct StorageArgs {
    /// The field path to the `Db`; `db` when not given.
    db: Option<Punctuated<Member, Token![.]>>,
    /// Whether generated methods are timed without `#[timed]` (`timed = false` turns it off).
    pub(crate) timed: bool,
    timed_set: bool,
}

impl Default for StorageArgs {
    fn default() -> Self {
        StorageArgs {
            db: None,
            timed: true,
            timed_set: false,
        }
    }
}

impl StorageArgs {
    /// The expression after `self.` that names the `Db`.
    pub(crate) fn db_path(&self) -> TokenStream {
        match &self.db {
            Some(path) => quote!(#path),
            None => quote!(db),
        }
    }
}

impl Parse for StorageArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = StorageArgs::default();
        while !input.is_empty() {
            let lookahead = input.lookahead1();
            if lookahead.peek(kw::db) {
                let key: kw::db = input.parse()?;
                if args.db.is_some() {
                    return Err(syn::Error::new_spanned(key, "`db` is set more than once"));
                }
                input.parse::<Token![=]>()?;
                args.db = Some(Punctuated::parse_separated_nonempty(input)?);
            } else if lookahead.peek(kw::timed) {
                let key: kw::timed = input.parse()?;
                if args.timed_set {
                    return Err(syn::Error::new_spanned(
                        key,
                        "`timed` is set more than once",
                    ));
                }
                input.parse::<Token![=]>()?;
                args.timed = input.parse::<syn::LitBool>()?.value;
                args.timed_set = true;
            } else if input.peek(syn::Ident::peek_any) {
                let key = input.call(syn::Ident::parse_any)?;
                return Err(syn::Error::new_spanned(
                    &key,
                    format!(
                        "unknown argument `{key}` of `#[cachet::storage]`; expected `db = field` or \
                         `timed = false`{}",
                        crate::errors::did_you_mean(&key.to_string(), &["db", "timed"])
                    ),
                ));
            } else {
                return Err(lookahead.error());
            }
            if !input.is_empty() {
                input.parse::<Token![,]>()?;
            }
        }
        Ok(args)
    }
}
