//! Implementation detail of the `larder` crate: its attribute and derive macros.
//!
//! Depend on `larder`, which re-exports these macros and documents them; the generated code
//! reaches the runtime only through `::larder::__private`.
//!
//! Each macro is built in three passes, each in its own module: parse the attribute and the item
//! into a model (`attr`, `ast`), check the model (`valid`), and generate code (`expand`). Every
//! user mistake becomes a `syn::Error` spanned on the offending token; the item is still emitted
//! (with a placeholder body) so the user sees one error, not a cascade.

mod cached;
mod check;
mod constant;
mod errors;
#[cfg(test)]
mod example_report;
mod from_row;
mod krate;
mod method;
mod prepared;
mod sql;
mod storage;
mod timed;
mod transactional;

use proc_macro::TokenStream;

/// Generates the methods of an `impl` from their attributes: `#[prepared("SQL")]` bodies,
/// `#[cached_query]` result caches, `#[invalidates]`, `#[batch]` / `#[transactional]`
/// transactions and `#[timed]` metrics, all reaching the `Db` in `self.db`.
///
/// Arguments, all optional: `db = field.path` (where the `Db` is), `timed = false` (no automatic
/// timing), `schema = "path"` / `schema = false` (the compile-time checks' schema), and
/// `crate = "::path"` (where the runtime is, for a crate that renamed or re-exports `larder`).
///
/// ```ignore
/// #[larder::storage(db = inner.db)]
/// impl Store {
///     #[prepared("SELECT id, task FROM episodes WHERE id = ?1")]
///     #[cached_query(ttl_adaptive)]
///     async fn episode(&self, id: i64) -> larder::Result<Option<Episode>>;
/// }
/// ```
///
/// The expansion of each attribute is shown in the repository's `docs/prepared.md`,
/// `docs/caching.md`, `docs/transactions.md` and `docs/metrics.md`.
#[proc_macro_attribute]
pub fn storage(args: TokenStream, item: TokenStream) -> TokenStream {
    storage::expand(args.into(), item.into()).into()
}

/// See `larder::prepared`: only meaningful inside `#[larder::storage]`, which consumes it.
#[proc_macro_attribute]
pub fn prepared(args: TokenStream, item: TokenStream) -> TokenStream {
    prepared::outside_storage_named("prepared", args.into(), item.into()).into()
}

/// See `larder::batch`: only meaningful inside `#[larder::storage]`, which consumes it.
#[proc_macro_attribute]
pub fn batch(args: TokenStream, item: TokenStream) -> TokenStream {
    prepared::outside_storage_named("batch", args.into(), item.into()).into()
}

/// See `larder::transactional`: only meaningful inside `#[larder::storage]`, which consumes it.
#[proc_macro_attribute]
pub fn transactional(args: TokenStream, item: TokenStream) -> TokenStream {
    prepared::outside_storage_named("transactional", args.into(), item.into()).into()
}

/// See `larder::cached_query`: only meaningful inside `#[larder::storage]`, which consumes it.
#[proc_macro_attribute]
pub fn cached_query(args: TokenStream, item: TokenStream) -> TokenStream {
    prepared::outside_storage_named("cached_query", args.into(), item.into()).into()
}

/// See `larder::invalidates`: only meaningful inside `#[larder::storage]`, which consumes it.
#[proc_macro_attribute]
pub fn invalidates(args: TokenStream, item: TokenStream) -> TokenStream {
    prepared::outside_storage_named("invalidates", args.into(), item.into()).into()
}

/// See `larder::timed`: only meaningful inside `#[larder::storage]`, which consumes it.
#[proc_macro_attribute]
pub fn timed(args: TokenStream, item: TokenStream) -> TokenStream {
    prepared::outside_storage_named("timed", args.into(), item.into()).into()
}

/// A SQL statement checked at compile time, as a `larder::Sql` value (usable in `const`): by
/// libSQL's engine, against the crate's schema (`migrations/`, `schema.sql` or `LARDER_SCHEMA`).
/// It dereferences to the SQL text and knows its parameter count and columns.
///
/// ```ignore
/// const RECENT: larder::Sql = larder::sql!("SELECT id, task FROM episodes ORDER BY started_at DESC LIMIT ?1");
/// assert_eq!(RECENT.param_count(), 1);
/// let rows: Vec<(String, String)> = db.fetch_all(&RECENT, larder::params![10]).await?;
/// ```
#[proc_macro]
pub fn sql(input: TokenStream) -> TokenStream {
    constant::bang(input.into()).into()
}

/// Marks a `&str` constant holding SQL: the SQL is checked at compile time like `sql!`, and a
/// companion `NAME_SQL: larder::Sql` is defined next to it. `#[prepared(NAME)]` runs the
/// constant's statement, with its parameters checked against the method at compile time.
///
/// ```ignore
/// #[larder::sql_const]
/// const EPISODE: &str = "SELECT id, task FROM episodes WHERE id = :id";
///
/// #[larder::storage]
/// impl Store {
///     #[prepared(EPISODE)]
///     async fn episode(&self, id: Uuid) -> larder::Result<Option<Episode>>;
/// }
/// ```
#[proc_macro_attribute]
pub fn sql_const(args: TokenStream, item: TokenStream) -> TokenStream {
    constant::attribute(args.into(), item.into()).into()
}

/// See `larder::FromRow`.
#[proc_macro_derive(FromRow, attributes(larder))]
pub fn derive_from_row(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    from_row::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
