//! Implementation detail of the `cachet` crate: its attribute and derive macros.
//!
//! Depend on `cachet`, which re-exports these macros and documents them; the generated code
//! reaches the runtime only through `::cachet::__private`.
//!
//! Each macro is built in three passes, each in its own module: parse the attribute and the item
//! into a model (`attr`, `ast`), check the model (`valid`), and generate code (`expand`). Every
//! user mistake becomes a `syn::Error` spanned on the offending token; the item is still emitted
//! (with a placeholder body) so the user sees one error, not a cascade.

mod cached;
mod check;
mod constant;
mod errors;
mod from_row;
mod prepared;
mod sql;
mod storage;
mod timed;
mod transactional;

use proc_macro::TokenStream;

/// See `cachet::storage`.
#[proc_macro_attribute]
pub fn storage(args: TokenStream, item: TokenStream) -> TokenStream {
    storage::expand(args.into(), item.into()).into()
}

/// See `cachet::prepared`: only meaningful inside `#[cachet::storage]`, which consumes it.
#[proc_macro_attribute]
pub fn prepared(args: TokenStream, item: TokenStream) -> TokenStream {
    prepared::outside_storage_named("prepared", args.into(), item.into()).into()
}

/// See `cachet::batch`: only meaningful inside `#[cachet::storage]`, which consumes it.
#[proc_macro_attribute]
pub fn batch(args: TokenStream, item: TokenStream) -> TokenStream {
    prepared::outside_storage_named("batch", args.into(), item.into()).into()
}

/// See `cachet::transactional`: only meaningful inside `#[cachet::storage]`, which consumes it.
#[proc_macro_attribute]
pub fn transactional(args: TokenStream, item: TokenStream) -> TokenStream {
    prepared::outside_storage_named("transactional", args.into(), item.into()).into()
}

/// See `cachet::cached_query`: only meaningful inside `#[cachet::storage]`, which consumes it.
#[proc_macro_attribute]
pub fn cached_query(args: TokenStream, item: TokenStream) -> TokenStream {
    prepared::outside_storage_named("cached_query", args.into(), item.into()).into()
}

/// See `cachet::invalidates`: only meaningful inside `#[cachet::storage]`, which consumes it.
#[proc_macro_attribute]
pub fn invalidates(args: TokenStream, item: TokenStream) -> TokenStream {
    prepared::outside_storage_named("invalidates", args.into(), item.into()).into()
}

/// See `cachet::timed`: only meaningful inside `#[cachet::storage]`, which consumes it.
#[proc_macro_attribute]
pub fn timed(args: TokenStream, item: TokenStream) -> TokenStream {
    prepared::outside_storage_named("timed", args.into(), item.into()).into()
}

/// A SQL statement checked at compile time, as a `cachet::Sql` value (usable in `const`): by
/// libSQL's engine, against the crate's schema (`migrations/`, `schema.sql` or `CACHET_SCHEMA`).
/// It dereferences to the SQL text and knows its parameter count and columns.
///
/// ```ignore
/// const RECENT: cachet::Sql = cachet::sql!("SELECT id, task FROM episodes ORDER BY started_at DESC LIMIT ?1");
/// assert_eq!(RECENT.param_count(), 1);
/// let rows: Vec<(String, String)> = db.fetch_all(&RECENT, cachet::params![10]).await?;
/// ```
#[proc_macro]
pub fn sql(input: TokenStream) -> TokenStream {
    constant::bang(input.into()).into()
}

/// Marks a `&str` constant holding SQL: the SQL is checked at compile time like `sql!`, and a
/// companion `NAME_SQL: cachet::Sql` is defined next to it. `#[prepared(NAME)]` runs the
/// constant's statement, with its parameters checked against the method at compile time.
///
/// ```ignore
/// #[cachet::sql_const]
/// const EPISODE: &str = "SELECT id, task FROM episodes WHERE id = :id";
///
/// #[cachet::storage]
/// impl Store {
///     #[prepared(EPISODE)]
///     async fn episode(&self, id: Uuid) -> cachet::Result<Option<Episode>>;
/// }
/// ```
#[proc_macro_attribute]
pub fn sql_const(args: TokenStream, item: TokenStream) -> TokenStream {
    constant::attribute(args.into(), item.into()).into()
}

/// See `cachet::FromRow`.
#[proc_macro_derive(FromRow, attributes(cachet))]
pub fn derive_from_row(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    from_row::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
