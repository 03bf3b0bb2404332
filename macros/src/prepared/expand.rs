//! Code generation for `#[prepared]` methods.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::ast::{Method, ReturnShape};
use super::valid::{validate, Bindings};
use crate::errors::Errors;
use crate::sql::Kind;

/// The method with its generated body, or its signature with a placeholder body plus the errors.
pub(crate) fn expand(method: &Method, db: &TokenStream, self_name: &str) -> TokenStream {
    let mut errors = Errors::default();
    let bindings = validate(method, &mut errors);
    match (errors.finish(), bindings, &method.shape) {
        (Ok(()), Some(bindings), Some(shape)) => body(method, shape, &bindings, db, self_name),
        (Err(error), _, _) => {
            let mut tokens = fallback(method);
            tokens.extend(error.into_compile_error());
            tokens
        }
        // validate() and the parser record an error whenever they return nothing.
        (Ok(()), _, _) => fallback(method),
    }
}

/// The method with a body that type-checks against any signature, so one mistake in the
/// attribute does not also produce "associated function without body" and type errors.
pub(crate) fn fallback(method: &Method) -> TokenStream {
    let Method {
        attrs, vis, sig, ..
    } = method;
    quote! {
        #(#attrs)*
        #[allow(unused_variables)]
        #vis #sig {
            ::core::unreachable!("this `#[prepared]` method did not compile")
        }
    }
}

fn body(
    method: &Method,
    shape: &ReturnShape,
    bindings: &Bindings,
    db: &TokenStream,
    self_name: &str,
) -> TokenStream {
    let Method {
        attrs,
        vis,
        sig,
        sql,
        params,
        ..
    } = method;
    let name = format!("{self_name}::{}", sig.ident);
    let may_write = !matches!(method.scan.kind, Kind::Query);
    let values = bindings.iter().map(|&position| {
        let ident = &params[position].ident;
        let label = ident.to_string();
        quote_spanned! {ident.span()=>
            ::cachet::__private::bind(&__CACHET_STATEMENT, #label, &#ident)?
        }
    });
    let args = quote!(__cachet_db, &__CACHET_STATEMENT, __cachet_params);
    // Spanned on the row type, so that a type without `FromRow` is reported once, under it.
    let call = match shape {
        ReturnShape::Optional(ty) => {
            quote_spanned!(ty.span()=> ::cachet::__private::fetch_optional::<#ty>(#args).await)
        }
        ReturnShape::All(ty) => {
            quote_spanned!(ty.span()=> ::cachet::__private::fetch_all::<#ty>(#args).await)
        }
        ReturnShape::One(ty) => {
            quote_spanned!(ty.span()=> ::cachet::__private::fetch_one::<#ty>(#args).await)
        }
        ReturnShape::RowsChanged(_) => quote!(::cachet::__private::execute(#args).await),
        ReturnShape::Unit => quote!(::cachet::__private::execute_unit(#args).await),
    };
    quote! {
        #(#attrs)*
        #vis #sig {
            static __CACHET_STATEMENT: ::cachet::__private::StatementSite =
                ::cachet::__private::StatementSite::new(#name, #sql, #may_write);
            let __cachet_db: &::cachet::__private::Db = ::cachet::__private::db(&self.#db);
            let __cachet_params: ::std::vec::Vec<::cachet::__private::Value> =
                ::std::vec![#(#values),*];
            ::core::result::Result::map_err(#call, ::core::convert::From::from)
        }
    }
}
