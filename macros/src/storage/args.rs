//! Parsing the arguments of `#[larder::storage(...)]`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Member, Token};

use crate::check::SchemaChoice;
use crate::krate::Krate;

mod kw {
    syn::custom_keyword!(db);
    syn::custom_keyword!(timed);
    syn::custom_keyword!(schema);
}

/// `#[larder::storage]` or
/// `#[larder::storage(db = field.path, timed = false, schema = "path", crate = "path")]`.
pub(crate) struct StorageArgs {
    /// The field path to the `Db`; `db` when not given.
    db: Option<Punctuated<Member, Token![.]>>,
    /// Whether generated methods are timed without `#[timed]` (`timed = false` turns it off).
    pub(crate) timed: bool,
    timed_set: bool,
    /// Where the schema comes from (see `check::schema`).
    pub(crate) schema: SchemaChoice,
    /// The `schema` keyword, for errors about loading it; `None` when not given.
    pub(crate) schema_span: Option<proc_macro2::Span>,
    /// The runtime's path, `crate = "path"`; `::larder` when not given.
    pub(crate) krate: Krate,
    krate_set: bool,
    /// Mistakes reported while the arguments are still understood (`db = self.database`), so
    /// that the impl expands with what was meant and adds no errors of its own.
    pub(crate) mistakes: Vec<syn::Error>,
}

impl Default for StorageArgs {
    fn default() -> Self {
        StorageArgs {
            db: None,
            timed: true,
            timed_set: false,
            schema: SchemaChoice::Discover,
            schema_span: None,
            krate: Krate::default(),
            krate_set: false,
            mistakes: Vec::new(),
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
                if input.peek(Token![self]) && input.peek2(Token![.]) {
                    let this: Token![self] = input.parse()?;
                    let dot: Token![.] = input.parse()?;
                    args.mistakes.push(syn::Error::new_spanned(
                        quote!(#this #dot),
                        "drop `self.`: `db` names the field of `self` that holds the `Db` \
                         (`db = database`, or a path of fields: `db = inner.database`)",
                    ));
                }
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
            } else if lookahead.peek(kw::schema) {
                let key: kw::schema = input.parse()?;
                if args.schema_span.is_some() {
                    return Err(syn::Error::new_spanned(
                        key,
                        "`schema` is set more than once",
                    ));
                }
                args.schema_span = Some(key.span);
                input.parse::<Token![=]>()?;
                args.schema = schema_value(input)?;
            } else if lookahead.peek(Token![crate]) {
                let key: Token![crate] = input.parse()?;
                if args.krate_set {
                    return Err(syn::Error::new_spanned(
                        key,
                        "`crate` is set more than once",
                    ));
                }
                input.parse::<Token![=]>()?;
                args.krate = Krate::from_lit(&input.parse()?)?;
                args.krate_set = true;
            } else if input.peek(syn::Ident::peek_any) {
                let key = input.call(syn::Ident::parse_any)?;
                return Err(syn::Error::new_spanned(
                    &key,
                    format!(
                        "unknown argument `{key}` of `#[larder::storage]`; expected `db = field`, \
                         `timed = false`, `schema = \"path\"` or `crate = \"path\"`{}",
                        crate::errors::did_you_mean(
                            &key.to_string(),
                            &["db", "timed", "schema", "crate"]
                        )
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

/// The value of `schema = ...`: a path, or `false`.
fn schema_value(input: ParseStream) -> syn::Result<SchemaChoice> {
    if input.peek(syn::LitBool) {
        let off: syn::LitBool = input.parse()?;
        if off.value {
            return Err(syn::Error::new_spanned(
                off,
                "`schema = true` is the default; give a path (`schema = \"db/schema.sql\"`) \
                 or turn schema checks off with `schema = false`",
            ));
        }
        Ok(SchemaChoice::Off)
    } else if input.peek(syn::LitStr) {
        Ok(SchemaChoice::Path(input.parse()?))
    } else {
        Err(input
            .error("expected the schema's path as a string (`schema = \"migrations\"`) or `false`"))
    }
}
