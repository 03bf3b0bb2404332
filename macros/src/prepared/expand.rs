//! Code generation for `#[prepared]` methods.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::ast::{Method, ReturnShape};
use super::valid::{validate, Bindings};
use crate::errors::Errors;
use crate::krate::Krate;
use crate::method;
use crate::sql::Kind;

/// The generated body `{ ... }` of `method`, or every error found in it.
pub(crate) fn generate(
    method: &Method,
    db: &TokenStream,
    self_name: &str,
    generic: bool,
    cached: bool,
    krate: &Krate,
) -> syn::Result<TokenStream> {
    let mut errors = Errors::default();
    let bindings = validate(method, &mut errors);
    errors.finish()?;
    match (bindings, &method.shape) {
        (Some(bindings), Some(shape)) => {
            let body = body(method, shape, &bindings, db, self_name, krate);
            // A `const` item cannot name the impl's or the method's type parameters.
            let generic = generic || method.sig.generics.type_params().next().is_some();
            let check = match (&method.constant, generic) {
                (_, true) => TokenStream::new(),
                (Some(path), false) => {
                    constant_checks(method, path, shape, self_name, cached, krate)
                }
                (None, false) => column_check(method, shape, self_name, krate),
            };
            Ok(quote!({ #check #body }))
        }
        // validate() and the parser record an error whenever they return nothing.
        _ => Err(syn::Error::new_spanned(
            &method.sql,
            "this `#[prepared]` method could not be expanded",
        )),
    }
}

/// `const _: () = …;` that fails compilation, under `span`, with the message of `check` (an
/// expression of type `larder::__private::ConstCheck`). A `const` item: `cargo check` evaluates it.
fn const_assert(span: proc_macro2::Span, check: TokenStream, krate: &Krate) -> TokenStream {
    let private = krate.private_at(span);
    quote_spanned! {span=>
        const _: () = {
            use #private::NoShape as _;
            // Uses the import whatever the row type (`()` has no `FromRow`), so that it is
            // never unused: an `#[allow]` would be an error under the user's `forbid`.
            let _ = #private::ShapeOf::<()>::SHAPE;
            let check = #check;
            if let ::core::option::Option::Some(message) = check.message() {
                ::core::panic!("{}", message);
            }
        };
    }
}

/// The row type of a method, as the compile-time column checks see it.
struct RowType<'a> {
    ty: &'a syn::Type,
    /// Written out, for messages.
    name: String,
    /// `ShapeOf::<T>::SHAPE` (see `larder::__private::ShapeOf`).
    shape: TokenStream,
    /// `ShapeOf::<T>::FIELDS`.
    fields: TokenStream,
}

/// The row type of `shape`; `None` when it reads no rows or names `Self` (a `const` item cannot).
fn row_shape<'a>(shape: &'a ReturnShape, krate: &Krate) -> Option<RowType<'a>> {
    let private = krate.private();
    let ty = shape.row_type().filter(|ty| !mentions_self(ty))?;
    Some(RowType {
        ty,
        name: quote!(#ty).to_string().replace(' ', ""),
        shape: quote!(#private::ShapeOf::<#ty>::SHAPE),
        fields: quote!(#private::ShapeOf::<#ty>::FIELDS),
    })
}

/// A compile-time assertion that the row type reads only columns the statement returns (by name
/// for `FromRow` structs, one for scalars, one per element for tuples). Without a schema, the
/// lexer's count of the SELECT list still checks scalars and tuples.
fn column_check(
    method: &Method,
    shape: &ReturnShape,
    self_name: &str,
    krate: &Krate,
) -> TokenStream {
    let private = krate.private();
    let Some(RowType {
        ty,
        name: type_name,
        shape: row,
        fields,
    }) = row_shape(shape, krate)
    else {
        return TokenStream::new();
    };
    let statement = format!("{self_name}::{}", method.sig.ident);
    let check = match (&method.described, method.scan.result_columns) {
        (Some(described), _) if !described.columns.is_empty() => {
            let columns = &described.columns;
            let declared = &described.declared;
            let returned = columns.join(", ");
            quote!(#private::check_columns(
                #row, #fields, &[#(#columns),*], &[#(#declared),*],
                #type_name, #statement, #returned,
            ))
        }
        (None, Some(count)) => {
            let count_text = count.to_string();
            quote!(#private::check_column_count(
                #row, #count, #count_text, #type_name, #statement,
            ))
        }
        _ => return TokenStream::new(),
    };
    const_assert(ty.span(), check, krate)
}

/// The `NAME_SQL` companion (a `larder::Sql`) of a constant marked `#[larder::sql_const]`.
pub(crate) fn companion(path: &syn::Path) -> TokenStream {
    let mut path = path.clone();
    if let Some(last) = path.segments.last_mut() {
        last.ident = quote::format_ident!("{}_SQL", last.ident, span = last.ident.span());
    }
    quote!(#path)
}

/// `#[prepared(CONSTANT)]`: what the macro cannot see (the SQL is in the constant) is asserted at
/// compile time from the constant's companion: placeholders against parameters, rows against the
/// return type, a read for `#[cached_query]`; and the row type against the columns.
fn constant_checks(
    method: &Method,
    path: &syn::Path,
    shape: &ReturnShape,
    self_name: &str,
    cached: bool,
    krate: &Krate,
) -> TokenStream {
    let private = krate.private();
    let sql = companion(path);
    let constant = quote!(#path).to_string().replace(' ', "");
    let statement = format!("{self_name}::{}", method.sig.ident);
    let params = method.params.iter().map(|p| p.ident.to_string());
    let usage = match shape {
        _ if cached => quote!(CachedRows),
        ReturnShape::Unit => quote!(Unit),
        ReturnShape::RowsChanged(_) => quote!(Count),
        _ => quote!(Rows),
    };
    let use_check = const_assert(
        path.span(),
        quote!(#private::check_use(
            &#sql, #constant, #statement, &[#(#params),*], #private::Use::#usage,
        )),
        krate,
    );
    let row_check = match row_shape(shape, krate) {
        Some(RowType {
            ty,
            name,
            shape,
            fields,
        }) => const_assert(
            ty.span(),
            quote!(#private::check_sql_columns(
                #shape, #fields, &#sql, #name, #statement,
            )),
            krate,
        ),
        None => TokenStream::new(),
    };
    quote!(#use_check #row_check)
}

fn mentions_self(ty: &syn::Type) -> bool {
    quote!(#ty)
        .into_iter()
        .any(|t| matches!(t, proc_macro2::TokenTree::Ident(i) if i == "Self"))
}

/// The generated body `{ ... }` of a valid method.
pub(crate) fn body(
    method: &Method,
    shape: &ReturnShape,
    bindings: &Bindings,
    db: &TokenStream,
    self_name: &str,
    krate: &Krate,
) -> TokenStream {
    let private = krate.private();
    let Method {
        sig, sql, params, ..
    } = method;
    let name = format!("{self_name}::{}", sig.ident);
    let constant = method.constant.as_ref().map(companion);
    // A `sql!` value instead of a `#[sql_const]` text is named for what it is, under it.
    let constant_type = method.constant.as_ref().map(|path| {
        let private = krate.private_at(path.span());
        quote_spanned!(path.span()=> #private::sql_const_text(&#path);)
    });
    // What the statement writes, for cache invalidation: `None` for a read.
    let (sql, writes, insert_only) = match &constant {
        Some(c) => (
            quote!(#private::sql_text(&#c)),
            quote!(#private::sql_writes(&#c)),
            quote!(#private::sql_insert_only(&#c)),
        ),
        None => {
            let insert_only = method.scan.insert_only;
            let writes = if matches!(method.scan.kind, Kind::Query) {
                quote!(::core::option::Option::None)
            } else {
                let tables = &method.scan.writes;
                quote!(::core::option::Option::Some(&[#(#tables),*]))
            };
            // Named placeholders as `?N` (`sql::numbered`): what a libSQL server binds by position.
            let text = crate::sql::numbered::numbered(&sql.value())
                .map_or_else(|| sql.clone(), |text| syn::LitStr::new(&text, sql.span()));
            (quote!(#text), writes, quote!(#insert_only))
        }
    };
    let values = bindings.iter().map(|&position| {
        let ident = &params[position].ident;
        let label = ident.to_string();
        let private = krate.private_at(ident.span());
        let bind = if params[position].list {
            quote_spanned!(ident.span()=> bind_list)
        } else {
            quote_spanned!(ident.span()=> bind)
        };
        quote_spanned! {ident.span()=>
            #private::#bind(&__LARDER_STATEMENT, #label, &#ident)
        }
    });
    let args = quote!(__larder_db, &__LARDER_STATEMENT, __larder_params);
    // Spanned on the row type, so that a type without `FromRow` is reported once, under it.
    let call = match shape {
        // One row always (`SELECT max(x) FROM t`): `None` is the NULL value (`sql::one_row`).
        ReturnShape::Optional(ty) if method.scan.one_row => {
            let private = krate.private_at(ty.span());
            quote_spanned!(ty.span()=> #private::fetch_nullable::<#ty>(#args).await)
        }
        ReturnShape::Optional(ty) => {
            let private = krate.private_at(ty.span());
            quote_spanned!(ty.span()=> #private::fetch_optional::<#ty>(#args).await)
        }
        ReturnShape::All(ty) => {
            let private = krate.private_at(ty.span());
            quote_spanned!(ty.span()=> #private::fetch_all::<#ty>(#args).await)
        }
        ReturnShape::One(ty) => {
            let private = krate.private_at(ty.span());
            quote_spanned!(ty.span()=> #private::fetch_one::<#ty>(#args).await)
        }
        // A constant's columns decide at compile time (the branch folds): rows changed, or the
        // one integer column of a `SELECT count(*)`.
        ReturnShape::RowsChanged(ty) if constant.is_some() => quote! {
            if #private::sql_returns_rows(&#constant) {
                #private::fetch_one::<#ty>(#args).await
            } else {
                #private::execute(#args).await
            }
        },
        ReturnShape::RowsChanged(_) => quote!(#private::execute(#args).await),
        ReturnShape::Unit => quote!(#private::execute_unit(#args).await),
    };
    // `Arc<Vec<T>>`, `Arc<[T]>`, `Box<Option<T>>`...: the value read, wrapped.
    let result = if method.shared {
        quote!(::core::result::Result::map(
            __larder_result,
            ::core::convert::From::from
        ))
    } else {
        quote!(__larder_result)
    };
    // The one conversion into the method's error type, named by the return type as every wrapper
    // names it (`finish::<R>`): an error type without `From<larder::Error>` is reported once,
    // under the return type, in `MethodError`'s words.
    let output = method::output_type(sig);
    let ret_span = method::return_span(sig);
    let private_ret = krate.private_at(ret_span);
    let finish = quote_spanned!(ret_span=> #private_ret::finish::<#output>(#result));
    quote! {
        {
            static __LARDER_STATEMENT: #private::StatementSite =
                #private::StatementSite::new(#name, #sql, #writes, #insert_only);
            #constant_type
            let __larder_db: &#private::Db = #private::db(&self.#db);
            let __larder_result = match #private::params([#(#values),*]) {
                ::core::result::Result::Ok(__larder_params) => #call,
                ::core::result::Result::Err(error) => ::core::result::Result::Err(error),
            };
            #finish
        }
    }
}
