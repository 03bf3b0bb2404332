//! Implementation detail of the `larder` crate: its attribute and derive macros.
//!
//! Depend on `larder`, which re-exports these macros with runnable examples; the generated code
//! reaches the runtime only through `::larder::__private` (or the `crate = "..."` path). The
//! examples live on the re-exports because a proc-macro crate's doc tests cannot use the crate
//! that re-exports it.
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
mod migrate;
mod prepared;
mod rename;
mod sql;
mod storage;
mod timed;
mod transactional;
mod type_derive;

use proc_macro::TokenStream;

/// Generates the methods of an `impl` from their attributes: `#[prepared("SQL")]` bodies,
/// `#[cached_query]` result caches, `#[invalidates]`, `#[batch]` / `#[transactional]`
/// transactions and `#[timed]` metrics, all reaching the `Db` in `self.db`.
///
/// Arguments, all optional: `db = field.path` (where the `Db` is), `timed = false` (no automatic
/// timing), `schema = "path"` / `schema = false` (the compile-time checks' schema), and
/// `crate = "::path"` (where the runtime is, for a crate that renamed or re-exports `larder`).
///
/// The expansion of each attribute is shown in the repository's `docs/prepared.md`,
/// `docs/caching.md`, `docs/transactions.md` and `docs/metrics.md`.
#[proc_macro_attribute]
pub fn storage(args: TokenStream, item: TokenStream) -> TokenStream {
    storage::expand(args.into(), item.into()).into()
}

/// Generates a bodiless `async fn`'s body from one SQL statement: bind the parameters, find the
/// statement in the connection's cache (prepared once per connection), run it, read the rows.
///
/// Argument: the SQL as a string literal, or the name of a `#[sql_const]` constant. Placeholders
/// `?`, `?N`, `:name`, `@name`, `$name` bind the parameters after `self`. The return type is
/// `larder::Result<R>` (or `Result<R, E>` with `E: From<larder::Error>`), where `R` is
/// `Option<T>` (0 or 1 row), `Vec<T>`, `T` (exactly one row), `u64` (rows changed) or `()`; `T` is
/// a `#[derive(FromRow)]` struct, a tuple or a single-column scalar. With a schema (`migrations/`
/// or `schema.sql`), the statement, its columns and their types are checked at compile time.
///
/// Only meaningful inside `#[larder::storage]`, which reads it; elsewhere it is a compile error
/// saying so. Its expansion is shown in the repository's `docs/prepared.md`.
#[proc_macro_attribute]
pub fn prepared(args: TokenStream, item: TokenStream) -> TokenStream {
    prepared::outside_storage_named("prepared", args.into(), item.into()).into()
}

/// Runs a method's body in one transaction (`BEGIN IMMEDIATE`: the write lock is taken first):
/// `Ok` commits, `Err`, a panic or dropping the future rolls back; nested `#[batch]` calls
/// become savepoints, and `#[prepared]` calls inside it join it.
///
/// Optional argument `mode = "deferred" | "immediate" | "exclusive"` (the `BEGIN` mode; default
/// `"immediate"`). The method is an `async fn` taking `&self` and returning `Result<T, E>` with
/// `E: From<larder::Error>`. `#[batch]` and `#[transactional]` are the same attribute under two
/// names: one for bulk writes, one for any unit of work. Only meaningful inside
/// `#[larder::storage]`; its expansion is in the repository's `docs/transactions.md`.
#[proc_macro_attribute]
pub fn batch(args: TokenStream, item: TokenStream) -> TokenStream {
    prepared::outside_storage_named("batch", args.into(), item.into()).into()
}

/// Runs a method's body in one transaction: `#[batch]` under the name for any unit of work. The
/// mode: `#[transactional]` takes the write lock at `BEGIN` (`"immediate"`, the default),
/// `#[transactional(mode = "deferred")]` at the first write, `mode = "exclusive"` as immediate.
///
/// The method is an `async fn` taking `&self` and returning `Result<T, E>` with
/// `E: From<larder::Error>`. Only meaningful inside `#[larder::storage]`; its expansion is in the
/// repository's `docs/transactions.md`.
#[proc_macro_attribute]
pub fn transactional(args: TokenStream, item: TokenStream) -> TokenStream {
    prepared::outside_storage_named("transactional", args.into(), item.into()).into()
}

/// Caches a read method's `Ok` results in a per-`Db` cache keyed by its parameters: a hit returns
/// a clone without touching the database; concurrent misses on one key run the query once. An
/// entry is served only if no committed write to the tables its SQL reads came after its query
/// started (the engine says which tables, views and triggers included).
///
/// Arguments, all optional: `ttl_adaptive` (the default; or `ttl_adaptive(base = "5m",
/// min = "1m", max = "1h", access_weight = 0.6, recency_weight = 0.4)`, any subset), `ttl = "30s"`
/// (fixed), `max_entries = N` (default 10 000), `max_bytes = N`, `key = (a, b)` (a subset of the
/// parameters), `cache_none = false` (do not cache `Ok(None)`). The value type must be `Clone`.
///
/// Only meaningful inside `#[larder::storage]`; its expansion is in the repository's
/// `docs/caching.md`.
#[proc_macro_attribute]
pub fn cached_query(args: TokenStream, item: TokenStream) -> TokenStream {
    prepared::outside_storage_named("cached_query", args.into(), item.into()).into()
}

/// After the method returns `Ok`, drops cached entries of other methods of the impl:
/// `#[invalidates(episode)]` drops every entry of `episode`, `#[invalidates(episode(id))]` only
/// the entry keyed by this method's parameter `id` (its type is checked against the key's at
/// compile time). Several targets are separated by commas.
///
/// Writes through `#[prepared]` already invalidate what they change; this is for changes the SQL
/// does not show (another process, a file, an external API). Only meaningful inside
/// `#[larder::storage]`; see the repository's `docs/caching.md`.
#[proc_macro_attribute]
pub fn invalidates(args: TokenStream, item: TokenStream) -> TokenStream {
    prepared::outside_storage_named("invalidates", args.into(), item.into()).into()
}

/// Counts a method's calls and errors and records its latency in a per-`Db` histogram (and
/// through the `metrics` facade and a `tracing` span with those features). Every generated method
/// is timed by default; `#[timed]` adds it to a method with a body of its own, and
/// `#[timed(name = "episodes.get")]` names it (default `Type::method`).
///
/// The method is an `async fn` taking `&self` and returning `Result<T, E>`. Only meaningful
/// inside `#[larder::storage]`; see the repository's `docs/metrics.md`.
#[proc_macro_attribute]
pub fn timed(args: TokenStream, item: TokenStream) -> TokenStream {
    prepared::outside_storage_named("timed", args.into(), item.into()).into()
}

/// A SQL statement checked at compile time, as a `larder::Sql` value (usable in `const`): by
/// libSQL's engine, against the crate's schema (`migrations/`, `schema.sql` or `LARDER_SCHEMA`).
/// It dereferences to the SQL text and knows its parameter count and columns.
/// `sql!(crate = "::path", "...")` names the runtime's path for a renamed dependency.
#[proc_macro]
pub fn sql(input: TokenStream) -> TokenStream {
    constant::bang(input.into()).into()
}

/// The migrations of `migrations/` (or `migrate!("path")`, relative to the crate's
/// `Cargo.toml`), embedded as a `larder::Migrator`: the same files, in the same order, that the
/// compile-time checks read. Versions come from the file names; a missing, repeated or skipped
/// version is a compile error.
#[proc_macro]
pub fn migrate(input: TokenStream) -> TokenStream {
    migrate::bang(input.into()).into()
}

/// Marks a `&str` constant holding SQL: the SQL is checked at compile time like `sql!`, and a
/// companion `NAME_SQL: larder::Sql` is defined next to it. `#[prepared(NAME)]` runs the
/// constant's statement, with its parameters checked against the method at compile time.
/// `#[sql_const(crate = "::path")]` names the runtime's path for a renamed dependency.
#[proc_macro_attribute]
pub fn sql_const(args: TokenStream, item: TokenStream) -> TokenStream {
    constant::attribute(args.into(), item.into()).into()
}

/// Derives `FromRow` for a struct with named fields: each field reads the column of its name
/// (exact, then ASCII case-insensitive), `#[larder(rename = "column")]` reads another one, and
/// `#[larder(crate = "::path")]` on the struct names the runtime's path for a renamed
/// dependency. Each field's type implements `Decode`; with a schema, `#[prepared]` checks at
/// compile time that the statement returns every field's column with a type the field can read.
/// Derives `Encode`, `Decode` and `FromRow` (one column) for a type of your own: a fieldless enum
/// stored as TEXT (variant names; `#[larder(rename_all = "snake_case")]`, `#[larder(rename =
/// "...")]` on a variant) or as INTEGER (`#[larder(integer)]`: its discriminants), or a newtype
/// stored as its one field (`#[larder(transparent)]`). Examples in the runtime's `Type` docs.
#[proc_macro_derive(Type, attributes(larder))]
pub fn derive_type(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    type_derive::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

#[proc_macro_derive(FromRow, attributes(larder))]
pub fn derive_from_row(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    from_row::derive(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
