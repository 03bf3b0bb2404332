//! `#[larder::storage]`: the impl-level attribute. It finds the `Db` (the field `db`, or the one
//! named by `db = ...`) and expands the method attributes of the impl, composing them in one
//! order: the body (`#[prepared]` generates it) → `#[batch]` / `#[transactional]` → `#[cached_query]`
//! → `#[invalidates]`.

mod args;
mod cached_methods;
mod misspelled;

use std::rc::Rc;

use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Block, ImplItem, ItemImpl, Signature, Token, Visibility};

use crate::cached::{self, is_cached, is_invalidates, CachedAttr, CachedMethod, Invalidates};
use crate::check::{self, Schema};
use crate::errors::Errors;
use crate::krate::Krate;
use crate::prepared::{self, is_prepared, Method, PreparedAttr};
use crate::sql::Kind;
use crate::timed::{self, is_timed, TimedAttr};
use crate::transactional::{self, is_transactional, TransactionalAttr};
use args::StorageArgs;
use cached_methods::cached_methods;

pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    // Bad arguments are reported, and the impl is still expanded with the defaults so that its
    // methods do not add errors of their own.
    let (mut args, args_error) = match syn::parse2::<StorageArgs>(args) {
        Ok(args) => (args, None),
        Err(error) => (StorageArgs::default(), Some(error)),
    };
    let mistakes = std::mem::take(&mut args.mistakes);
    let mut imp: ItemImpl = match syn::parse2(item.clone()) {
        Ok(imp) => imp,
        Err(error) => return with_error(item, error),
    };
    let span = args.schema_span.unwrap_or_else(Span::call_site);
    let (schema, schema_error) = match check::schema::load(&args.schema, span) {
        Ok(schema) => (schema, None),
        Err(error) => (None, Some(error)),
    };
    let context = Context {
        self_name: imp.self_ty.to_token_stream().to_string().replace(' ', ""),
        db: args.db_path(),
        krate: args.krate.clone(),
        cached: cached_methods(&imp.items),
        timed: args.timed,
        schema: schema.clone(),
        // Lifetimes do not count: a row type is `'static`, so the checks can name it.
        generic: imp.generics.type_params().next().is_some()
            || imp.generics.const_params().next().is_some(),
    };
    imp.items = std::mem::take(&mut imp.items)
        .into_iter()
        .map(|item| match FnItem::from_item(&item) {
            Some(f) => ImplItem::Verbatim(f.expand(&context)),
            None => item,
        })
        .collect();
    let mut tokens = imp.into_token_stream();
    tokens.extend(check::schema::track(&args.schema, schema.as_deref()));
    for error in mistakes
        .into_iter()
        .chain([args_error, schema_error].into_iter().flatten())
    {
        tokens = with_error(tokens, error);
    }
    tokens
}

fn with_error(mut tokens: TokenStream, error: syn::Error) -> TokenStream {
    tokens.extend(error.into_compile_error());
    tokens
}

/// What every method of the impl needs to know.
struct Context {
    self_name: String,
    db: TokenStream,
    /// The runtime's path (`::larder`, or `crate = "path"`).
    krate: Krate,
    /// The `#[cached_query]` methods of the impl, with the types of their keys.
    cached: Vec<CachedMethod>,
    /// Whether generated methods are timed by default.
    timed: bool,
    /// The schema statements are checked against, if one was found.
    schema: Option<Rc<Schema>>,
    /// The impl has type or const parameters: row-type checks, which are `const` items, cannot
    /// name them and are left to run time.
    generic: bool,
}

/// Whether the return type is written `...Result<...>` (`larder::Result<T>`, `Result<T, E>`).
fn returns_result(sig: &Signature) -> bool {
    crate::method::return_type(sig).is_some_and(crate::method::is_result)
}

/// What a `#[prepared]` statement's SQL says.
enum SqlFacts {
    /// SQL in the attribute: its kind, the tables it reads, and the `(table, column)` of a
    /// `WHERE column = ?` lookup.
    Literal(Kind, Vec<String>, Option<(String, String)>),
    /// SQL from a checked constant: its `larder::Sql` companion, whose facts are `const`.
    Constant(TokenStream),
}

/// A method of the impl, with or without a body (syn gives bodiless ones as verbatim tokens).
struct FnItem {
    attrs: Vec<Attribute>,
    vis: Visibility,
    sig: Signature,
    body: Option<Block>,
}

impl Parse for FnItem {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis = input.parse()?;
        let sig = input.parse()?;
        input.parse::<Token![;]>()?;
        Ok(FnItem {
            attrs,
            vis,
            sig,
            body: None,
        })
    }
}

/// Removes and returns the attributes that `which` selects.
fn take(attrs: &mut Vec<Attribute>, which: fn(&Attribute) -> bool) -> Vec<Attribute> {
    let (taken, rest) = std::mem::take(attrs).into_iter().partition(which);
    *attrs = rest;
    taken
}

/// Reports every attribute after the first as a repetition.
fn only_one(attrs: &[Attribute], message: &str, errors: &mut Errors) {
    for extra in attrs.iter().skip(1) {
        errors.push(syn::Error::new_spanned(extra, message));
    }
}

/// The larder attributes of one method, taken off it.
struct MethodAttrs {
    prepared: Vec<Attribute>,
    transactional: Vec<Attribute>,
    cached: Vec<Attribute>,
    invalidates: Vec<Attribute>,
    timed: Vec<Attribute>,
}

impl MethodAttrs {
    fn take(attrs: &mut Vec<Attribute>) -> MethodAttrs {
        MethodAttrs {
            prepared: take(attrs, is_prepared),
            transactional: take(attrs, is_transactional),
            cached: take(attrs, is_cached),
            invalidates: take(attrs, is_invalidates),
            timed: take(attrs, is_timed),
        }
    }

    fn is_empty(&self) -> bool {
        self.prepared.is_empty()
            && self.transactional.is_empty()
            && self.cached.is_empty()
            && self.invalidates.is_empty()
            && self.timed.is_empty()
    }

    /// Each attribute a method has at most once (`#[invalidates]` may repeat).
    fn report_repeats(&self, errors: &mut Errors) {
        only_one(
            &self.prepared,
            "`#[prepared]` is given more than once; a method runs one statement",
            errors,
        );
        only_one(
            &self.transactional,
            "a method runs in one transaction: keep one `#[batch]` or `#[transactional]`",
            errors,
        );
        only_one(
            &self.cached,
            "`#[cached_query]` is given more than once",
            errors,
        );
        only_one(&self.timed, "`#[timed]` is given more than once", errors);
    }
}

impl FnItem {
    fn from_item(item: &ImplItem) -> Option<FnItem> {
        match item {
            ImplItem::Fn(f) => Some(FnItem {
                attrs: f.attrs.clone(),
                vis: f.vis.clone(),
                sig: f.sig.clone(),
                body: Some(f.block.clone()),
            }),
            // Not a method without a body: leave it for rustc to report.
            ImplItem::Verbatim(tokens) => syn::parse2(tokens.clone()).ok(),
            _ => None,
        }
    }

    fn expand(mut self, cx: &Context) -> TokenStream {
        let misspelled = misspelled::remove(&mut self.attrs);
        if !misspelled.is_empty() {
            // The correctly spelled larder attributes go too: they mean nothing outside.
            drop(MethodAttrs::take(&mut self.attrs));
            // Which layer was meant is unknown: report the names, and nothing that follows from
            // the attribute missing.
            let mut errors = Errors::default();
            misspelled.into_iter().for_each(|e| errors.push(e));
            return self.emit(None, errors);
        }
        let attrs = MethodAttrs::take(&mut self.attrs);
        if attrs.is_empty() {
            if let Some(body) = &self.body {
                let FnItem {
                    attrs, vis, sig, ..
                } = &self;
                return quote!(#(#attrs)* #vis #sig #body);
            }
        }
        let mut errors = Errors::default();
        attrs.report_repeats(&mut errors);
        let (block, facts) = self.base_block(
            attrs.prepared.first(),
            !attrs.cached.is_empty(),
            cx,
            &mut errors,
        );
        // The layers, innermost first: transaction, cache, invalidation, timing.
        let block = self.wrap_transaction(block, &attrs, cx, &mut errors);
        let block = self.wrap_cache(block, &attrs, facts.as_ref(), cx, &mut errors);
        let block = self.wrap_invalidations(block, &attrs, cx, &mut errors);
        let block = self.wrap_timing(block, &attrs, cx, &mut errors);
        self.emit(block, errors)
    }

    fn wrap_transaction(
        &self,
        block: Option<TokenStream>,
        attrs: &MethodAttrs,
        cx: &Context,
        errors: &mut Errors,
    ) -> Option<TokenStream> {
        let Some(attr) = attrs.transactional.first() else {
            return block;
        };
        match (&self.body, errors.take(TransactionalAttr::from_attr(attr))) {
            (None, _) => {
                errors.push(syn::Error::new_spanned(
                    attr,
                    "`#[batch]` / `#[transactional]` wrap a method's own body in a transaction, and this \
                     method has none; a single `#[prepared]` statement is atomic by itself",
                ));
                block
            }
            (Some(_), Some(parsed)) => block.and_then(|b| {
                errors.take(transactional::wrap(
                    b, &self.sig, &parsed, &cx.db, &cx.krate,
                ))
            }),
            (Some(_), None) => block,
        }
    }

    fn wrap_cache(
        &self,
        block: Option<TokenStream>,
        attrs: &MethodAttrs,
        facts: Option<&SqlFacts>,
        cx: &Context,
        errors: &mut Errors,
    ) -> Option<TokenStream> {
        let Some(attr) = attrs.cached.first() else {
            return block;
        };
        if let Some(tx) = attrs.transactional.first() {
            errors.push(syn::Error::new_spanned(
                tx,
                "a `#[cached_query]` method reads; it cannot also be a transaction (reads inside a \
                 transaction bypass the cache)",
            ));
        }
        let facts = match facts {
            Some(SqlFacts::Literal(Kind::Write { .. }, _, _)) => {
                errors.push(syn::Error::new_spanned(
                    attr,
                    "`#[cached_query]` caches reads, and this statement writes; put \
                     `#[invalidates(...)]` on it instead if it should drop cached entries",
                ));
                cached::Facts::literal(None, None)
            }
            Some(SqlFacts::Literal(Kind::Query, reads, point)) => {
                cached::Facts::literal(Some(reads), point.as_ref())
            }
            Some(SqlFacts::Constant(sql)) => cached::Facts::constant(sql, &cx.krate),
            _ => cached::Facts::literal(None, None),
        };
        let Some(parsed) = errors.take(CachedAttr::from_attr(attr)) else {
            return block;
        };
        block.and_then(|b| {
            errors.take(cached::wrap(
                b,
                &self.sig,
                &parsed,
                facts,
                &cx.db,
                &cx.self_name,
                &cx.krate,
            ))
        })
    }

    fn wrap_invalidations(
        &self,
        mut block: Option<TokenStream>,
        attrs: &MethodAttrs,
        cx: &Context,
        errors: &mut Errors,
    ) -> Option<TokenStream> {
        for attr in &attrs.invalidates {
            if let Some(parsed) = errors.take(Invalidates::from_attr(attr)) {
                block = block.and_then(|b| {
                    errors.take(cached::wrap_invalidation(
                        b,
                        &self.sig,
                        &parsed,
                        &cx.cached,
                        &cx.db,
                        &cx.self_name,
                        &cx.krate,
                    ))
                });
            }
        }
        block
    }

    /// Timing is outermost: it measures what the caller waits for, cache hits included.
    fn wrap_timing(
        &self,
        block: Option<TokenStream>,
        attrs: &MethodAttrs,
        cx: &Context,
        errors: &mut Errors,
    ) -> Option<TokenStream> {
        let timing = match attrs.timed.first() {
            Some(attr) => errors.take(TimedAttr::from_attr(attr)),
            // Automatic timing needs a visible `Result`; a method that lacks one gets its error from
            // the attribute it has, not a second one from timing.
            None if cx.timed && returns_result(&self.sig) => Some(TimedAttr::default()),
            None => None,
        };
        match timing {
            Some(attr) => block.and_then(|b| {
                errors.take(timed::wrap(
                    b,
                    &self.sig,
                    &attr,
                    &cx.db,
                    &cx.self_name,
                    &cx.krate,
                ))
            }),
            None => block,
        }
    }

    /// The method with its generated body; on error, the errors and the method with a body that
    /// type-checks against any signature, so the user sees one error, not a cascade.
    fn emit(&self, block: Option<TokenStream>, errors: Errors) -> TokenStream {
        let FnItem {
            attrs, vis, sig, ..
        } = self;
        match (errors.finish(), block) {
            (Ok(()), Some(block)) => quote!(#(#attrs)* #vis #sig #block),
            (result, _) => {
                // The parameters are `_` (not `#[allow(unused_variables)]`: the user's `forbid`
                // would reject that), so the one error is not followed by warnings.
                let mut sig = sig.clone();
                for arg in &mut sig.inputs {
                    if let syn::FnArg::Typed(typed) = arg {
                        *typed.pat = syn::Pat::Wild(syn::PatWild {
                            attrs: Vec::new(),
                            underscore_token: Default::default(),
                        });
                    }
                }
                let placeholder = quote! {
                    #(#attrs)*
                    #vis #sig {
                        ::core::unreachable!("this method did not compile")
                    }
                };
                match result {
                    Err(error) => with_error(placeholder, error),
                    Ok(()) => placeholder,
                }
            }
        }
    }

    /// The body before wrapping: generated from `#[prepared]`, or the one written. With the
    /// statement's kind and tables read when it is generated.
    fn base_block(
        &self,
        prepared: Option<&Attribute>,
        cached: bool,
        cx: &Context,
        errors: &mut Errors,
    ) -> (Option<TokenStream>, Option<SqlFacts>) {
        match (&self.body, prepared) {
            (Some(body), None) => (Some(body.to_token_stream()), None),
            (Some(_), Some(attr)) => {
                errors.push(syn::Error::new_spanned(
                    attr,
                    "`#[prepared]` generates this method's body from its SQL: remove the body \
                     `{ ... }` and end the signature with `;`",
                ));
                (None, None)
            }
            (None, None) => {
                errors.push(syn::Error::new_spanned(
                    &self.sig.ident,
                    "this method has no body: add `#[prepared(\"SQL\")]` to generate one from SQL, \
                     or write the body",
                ));
                (None, None)
            }
            (None, Some(attr)) => {
                let Some(parsed) = errors.take(PreparedAttr::from_attr(attr)) else {
                    return (None, None);
                };
                // The signature's own mistakes first: checking the SQL against a signature that
                // could not be read would only add secondary errors.
                let mut signature_errors = Errors::default();
                let method = Method::from_syn(
                    self.sig.clone(),
                    parsed,
                    cx.schema.as_deref(),
                    &mut signature_errors,
                );
                let facts = match &method.constant {
                    Some(path) => SqlFacts::Constant(prepared::companion(path)),
                    None => SqlFacts::Literal(
                        method.scan.kind,
                        method.scan.reads.clone(),
                        method.scan.point.clone(),
                    ),
                };
                match signature_errors.finish() {
                    Err(error) => {
                        errors.push(error);
                        (None, Some(facts))
                    }
                    Ok(()) => (
                        errors.take(prepared::generate(
                            &method,
                            &cx.db,
                            &cx.self_name,
                            cx.generic,
                            cached,
                            &cx.krate,
                        )),
                        Some(facts),
                    ),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn expands_a_prepared_method() {
        let out = super::expand(
            quote!(),
            quote! {
                impl Store {
                    #[prepared("SELECT id, task FROM episodes WHERE id = :id")]
                    async fn episode(&self, id: Uuid) -> larder::Result<Option<Episode>>;
                }
            },
        )
        .to_string();
        assert!(
            out.contains("StatementSite :: new (\"Store::episode\""),
            "{out}"
        );
        assert!(out.contains("fetch_optional :: < Episode >"), "{out}");
        assert!(!out.contains("compile_error"), "{out}");
    }
}
