//! Checked SQL constants: `larder::sql!("...")` (an expression of type `larder::Sql`) and
//! `#[larder::sql_const] const NAME: &str = "...";` (the constant, plus its `NAME_SQL: larder::Sql`
//! companion, which `#[prepared(NAME)]` reads). Both are checked like `#[prepared]` SQL: by the
//! lexer, then by the engine against the crate's schema (see `check`).
//!
//! Why two names: a function-like and an attribute macro cannot share one name in a crate (one
//! macro namespace), so the attribute is `sql_const`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, ToTokens};
use syn::{Expr, ItemConst, Lit, LitStr, Type};

use syn::parse::{Parse, ParseStream};
use syn::Token;

use crate::check::{self, SchemaChoice};
use crate::errors::Errors;
use crate::krate::Krate;

/// `crate = "path"`, optional: the runtime's path.
struct CrateArg(Krate);

impl Parse for CrateArg {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.is_empty() || !input.peek(Token![crate]) {
            return Ok(CrateArg(Krate::default()));
        }
        input.parse::<Token![crate]>()?;
        input.parse::<Token![=]>()?;
        Ok(CrateArg(Krate::from_lit(&input.parse()?)?))
    }
}

/// `larder::sql!("...")` or `larder::sql!(crate = "path", "...")`.
struct BangInput {
    krate: Krate,
    sql: LitStr,
}

impl Parse for BangInput {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let krate = if input.peek(Token![crate]) {
            let CrateArg(krate) = input.parse()?;
            input.parse::<Token![,]>()?;
            krate
        } else {
            Krate::default()
        };
        let sql = input.parse()?;
        if !input.is_empty() {
            return Err(input.error("unexpected tokens after the SQL"));
        }
        Ok(BangInput { krate, sql })
    }
}

/// `larder::sql!("...")`.
pub(crate) fn bang(input: TokenStream) -> TokenStream {
    let BangInput { krate, sql } = match syn::parse2(input.clone()) {
        Ok(parsed) => parsed,
        // A mistake in `crate = ...` is reported as it is; anything else gets the usage.
        Err(error) if starts_with_crate(&input) => return error.into_compile_error(),
        Err(_) => {
            let error = syn::Error::new_spanned(
                input,
                "`larder::sql!` takes one string literal: `larder::sql!(\"SELECT ...\")`",
            );
            return error.into_compile_error();
        }
    };
    match checked(&sql, &quote!(#sql), &krate) {
        Ok(tokens) => tokens,
        Err(error) => unchecked(&quote!(#sql), error, &krate),
    }
}

fn starts_with_crate(input: &TokenStream) -> bool {
    matches!(input.clone().into_iter().next(), Some(proc_macro2::TokenTree::Ident(i)) if i == "crate")
}

/// `#[larder::sql_const] const NAME: &str = "...";`, or `#[larder::sql_const(crate = "path")]`.
pub(crate) fn attribute(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors = Errors::default();
    let krate = match syn::parse2::<CrateArg>(args) {
        Ok(CrateArg(krate)) => krate,
        Err(error) => {
            errors.push(syn::Error::new(
                error.span(),
                "`#[larder::sql_const]` takes no arguments but `crate = \"path\"`",
            ));
            Krate::default()
        }
    };
    let constant: ItemConst = match syn::parse2(item.clone()) {
        Ok(constant) => constant,
        Err(_) => {
            let error = syn::Error::new(
                proc_macro2::Span::call_site(),
                "`#[larder::sql_const]` goes on a `const NAME: &str = \"SQL\";` item",
            )
            .into_compile_error();
            return quote!(#item #error);
        }
    };
    if !is_str_ref(&constant.ty) {
        errors.push(syn::Error::new_spanned(
            &constant.ty,
            "`#[larder::sql_const]` marks a `&str` constant holding SQL; give it the type `&str`",
        ));
    }
    let sql = match &*constant.expr {
        Expr::Lit(lit) => match &lit.lit {
            Lit::Str(sql) => Some(sql.clone()),
            _ => None,
        },
        _ => None,
    };
    let Some(sql) = sql else {
        errors.push(syn::Error::new_spanned(
            &constant.expr,
            "the value of a `#[larder::sql_const]` constant must be a string literal: the macro \
             checks the text it sees, and sees no values of expressions",
        ));
        let error = errors.finish().err().map(syn::Error::into_compile_error);
        return quote!(#constant #error);
    };
    let companion = format_ident!("{}_SQL", constant.ident);
    let vis = &constant.vis;
    let doc = format!(
        "The statement of [`{}`], checked at compile time, with its parameter count and columns.",
        constant.ident
    );
    // The companion's text is the constant itself: using one uses the other (no dead-code lint
    // on a constant read only through `#[prepared(NAME)]`).
    let name = &constant.ident;
    let value = match checked(&sql, &quote!(#name), &krate) {
        Ok(tokens) => tokens,
        Err(error) => unchecked(&quote!(#name), error, &krate),
    };
    let error = errors.finish().err().map(syn::Error::into_compile_error);
    quote! {
        #constant
        #[doc = #doc]
        #vis const #companion: #krate::Sql = #value;
        #error
    }
}

fn is_str_ref(ty: &Type) -> bool {
    match ty {
        Type::Reference(r) => {
            r.mutability.is_none() && r.elem.to_token_stream().to_string() == "str"
        }
        Type::Paren(p) => is_str_ref(&p.elem),
        _ => false,
    }
}

/// The error, and a placeholder value so that uses of the constant add no errors of their own.
fn unchecked(text: &TokenStream, error: syn::Error, krate: &Krate) -> TokenStream {
    let error = error.into_compile_error();
    let private = krate.private();
    quote! {{
        #error
        #private::checked_sql(#private::SqlParts {
            text: #text,
            numbered: "",
            placeholders: &[],
            columns: &[],
            declared: &[],
            returned: "",
            reads: &[],
            writes: &[],
            read_only: false,
            insert_only: false,
            point: ::core::option::Option::None,
            described: false,
            rows: false,
        })
    }}
}

/// The checked `larder::Sql` expression for `sql`, whose text is the expression `text` (the
/// literal, or the constant holding it), including the schema files (so that editing one rebuilds
/// the crate).
fn checked(sql: &LitStr, text: &TokenStream, krate: &Krate) -> syn::Result<TokenStream> {
    let private = krate.private();
    let schema = check::schema::load(&SchemaChoice::Discover, sql.span())?;
    let analysis = check::analyze(sql, schema.as_deref());
    let mut errors = Errors::default();
    for error in check::malformed(
        sql,
        &analysis.scan,
        "a checked SQL constant",
        "give each statement a constant of its own",
    ) {
        errors.push(error);
    }
    if let Some(error) = analysis.error {
        errors.push(error);
    }
    errors.finish()?;
    let scan = &analysis.scan;
    // One entry per parameter index: the placeholder's text, or "" for an index never written.
    let mut placeholders = vec![String::new(); scan.parameter_count()];
    for p in &scan.placeholders {
        if let Some(slot) = placeholders.get_mut(p.index - 1) {
            if slot.is_empty() {
                slot.clone_from(&p.text);
            }
        }
    }
    let described = analysis.described.is_some();
    let columns = analysis
        .described
        .as_ref()
        .map(|d| d.columns.clone())
        .unwrap_or_default();
    let declared = analysis
        .described
        .as_ref()
        .map(|d| d.declared.clone())
        .unwrap_or_default();
    let returned = columns.join(", ");
    let read_only = match &analysis.described {
        Some(d) => d.read_only,
        None => matches!(scan.kind, crate::sql::Kind::Query),
    };
    let rows = match &analysis.described {
        Some(d) => !d.columns.is_empty(),
        None => scan.kind.returns_rows() == Some(true),
    };
    let reads = &scan.reads;
    let writes = &scan.writes;
    let insert_only = scan.insert_only;
    let point = match &scan.point {
        Some((table, column)) => quote!(::core::option::Option::Some((#table, #column))),
        None => quote!(::core::option::Option::None),
    };
    let track = check::schema::track(&SchemaChoice::Discover, schema.as_deref());
    // Named placeholders as `?N` (`sql::numbered`): what runs, since a libSQL server binds
    // positional values to numbered placeholders only. `text` stays the constant's.
    let numbered = crate::sql::numbered::numbered(&sql.value()).unwrap_or_default();
    Ok(quote! {{
        #track
        #private::checked_sql(#private::SqlParts {
            text: #text,
            numbered: #numbered,
            placeholders: &[#(#placeholders),*],
            columns: &[#(#columns),*],
            declared: &[#(#declared),*],
            returned: #returned,
            reads: &[#(#reads),*],
            writes: &[#(#writes),*],
            read_only: #read_only,
            insert_only: #insert_only,
            point: #point,
            described: #described,
            rows: #rows,
        })
    }})
}
