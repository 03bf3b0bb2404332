//! # larder
//!
//! larder turns plain storage methods into fast, observable database code for SQLite, libSQL and
//! Turso. Write the SQL in an attribute; the macros generate parameter binding, a per-connection
//! statement cache lookup and row mapping, checked at compile time.
//!
//! ```
//! use larder::FromRow;
//!
//! #[derive(FromRow, Debug, PartialEq)]
//! struct Note { id: i64, body: String }
//!
//! struct Notes { db: larder::Db }
//!
//! #[larder::storage]
//! impl Notes {
//!     #[prepared("INSERT INTO notes (body) VALUES (:body)")]
//!     async fn add(&self, body: &str) -> larder::Result<u64>;
//!
//!     #[prepared("SELECT id, body FROM notes WHERE id = ?1")]
//!     async fn get(&self, id: i64) -> larder::Result<Option<Note>>;
//! }
//!
//! # async fn demo() -> larder::Result<()> {
//! let db = larder::Db::memory().await?;
//! db.execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)").await?;
//! let notes = Notes { db };
//! notes.add("remember the milk").await?;
//! assert_eq!(notes.get(1).await?, Some(Note { id: 1, body: "remember the milk".into() }));
//! # Ok(()) }
//! # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
//! ```
//!
//! The guide is in the repository's `docs/` folder: `docs/prepared.md` shows what the macros
//! expand to, `docs/ARCHITECTURE.md` how the runtime is built.
//!
//! Local libSQL calls run synchronously inside their `async fn`s, on the calling task's thread
//! (as libSQL itself does); a point query takes a few microseconds.
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The layers, each using only those above it (docs/ARCHITECTURE.md; `shared/bin/layers` checks):
// error, util ← types ← stats ← conn ← {cache, metrics} ← db ← __private.
mod cache;
mod conn;
mod db;
mod error;
mod metrics;
mod stats;
mod types;
mod util;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use cache::{AdaptiveTtl, CacheConfig, Ttl, Weigh};
pub use db::migrate::{AppliedMigration, Migration, MigrationState, Migrator};
#[cfg(feature = "remote")]
#[cfg_attr(docsrs, doc(cfg(feature = "remote")))]
pub use db::replica::ReplicaStats;
pub use db::tx::{Transaction, TxMode};
pub use db::{Db, DbBuilder, Metrics, Param, Synchronous};
pub use error::{Error, Result, ValueError};
pub use libsql::Value;
pub use stats::{
    CacheStats, LatencyHistogram, MethodCacheStats, MethodMetrics, MetricsSnapshot, PoolStats,
    StatementRow, StatementStats, HISTOGRAM_BYTES,
};
#[cfg(feature = "json")]
#[cfg_attr(docsrs, doc(cfg(feature = "json")))]
pub use types::json::Json;
pub use types::list::ListElement;
pub use types::row::{FieldType, FromRow, RowRef, RowShape};
pub use types::sql::Sql;
pub use types::value::{Decode, Encode, StorageClasses};

/// ```
/// struct Inner { db: larder::Db }
/// struct Store { inner: Inner }
///
/// #[larder::storage(db = inner.db)]
/// impl Store {
///     #[prepared("SELECT count(*) FROM notes")]
///     async fn count(&self) -> larder::Result<i64>;
/// }
/// # async fn demo() -> larder::Result<()> {
/// # let db = larder::Db::memory().await?;
/// # db.execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)").await?;
/// let store = Store { inner: Inner { db } };
/// assert_eq!(store.count().await?, 0);
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
#[doc(inline)]
pub use larder_macros::storage;

/// ```
/// # struct Notes { db: larder::Db }
/// #[larder::storage]
/// impl Notes {
///     #[prepared("INSERT INTO notes (body) VALUES (:body)")]
///     async fn add(&self, body: &str) -> larder::Result<u64>;           // rows changed
///
///     #[prepared("SELECT body FROM notes WHERE id = ?1")]
///     async fn body(&self, id: i64) -> larder::Result<Option<String>>; // 0 or 1 row
///
///     #[prepared("SELECT id, body FROM notes ORDER BY id")]
///     async fn all(&self) -> larder::Result<Vec<(i64, String)>>;      // every row
/// }
/// # async fn demo() -> larder::Result<()> {
/// # let db = larder::Db::memory().await?;
/// # db.execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)").await?;
/// let notes = Notes { db };
/// assert_eq!(notes.add("milk").await?, 1);
/// assert_eq!(notes.body(1).await?.as_deref(), Some("milk"));
/// assert_eq!(notes.all().await?, vec![(1, "milk".to_owned())]);
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
#[doc(inline)]
pub use larder_macros::prepared;

/// ```
/// # struct Notes { db: larder::Db }
/// #[larder::storage]
/// impl Notes {
///     #[prepared("INSERT INTO notes (body) VALUES (?1)")]
///     async fn add(&self, body: &str) -> larder::Result<u64>;
///
///     #[batch]
///     async fn add_all(&self, bodies: &[&str]) -> larder::Result<()> {
///         for body in bodies {
///             self.add(body).await?;
///         }
///         Ok(())
///     }
/// }
/// # async fn demo() -> larder::Result<()> {
/// # let db = larder::Db::memory().await?;
/// # db.execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL CHECK (body <> ''))").await?;
/// let notes = Notes { db };
/// notes.add_all(&["a", "b"]).await?;
/// // The empty body breaks the CHECK: the whole batch rolls back, "c" included.
/// assert!(notes.add_all(&["c", ""]).await.is_err());
/// let n: i64 = notes.db.fetch_one("SELECT count(*) FROM notes", &[]).await?;
/// assert_eq!(n, 2);
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
#[doc(inline)]
pub use larder_macros::batch;

/// ```
/// # struct Accounts { db: larder::Db }
/// #[larder::storage]
/// impl Accounts {
///     #[prepared("UPDATE accounts SET balance = balance + ?2 WHERE id = ?1")]
///     async fn add(&self, id: i64, amount: i64) -> larder::Result<u64>;
///
///     /// Both updates or neither.
///     #[transactional(mode = "immediate")]
///     async fn transfer(&self, from: i64, to: i64, amount: i64) -> larder::Result<()> {
///         self.add(from, -amount).await?;
///         if self.add(to, amount).await? == 0 {
///             // Any `Err` rolls back, the first update included.
///             return Err(larder::Error::NotFound { statement: format!("account {to}") });
///         }
///         Ok(())
///     }
/// }
/// # async fn demo() -> larder::Result<()> {
/// # let db = larder::Db::memory().await?;
/// # db.execute_batch("CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL);
/// #                   INSERT INTO accounts VALUES (1, 10), (2, 0);").await?;
/// let accounts = Accounts { db };
/// assert!(accounts.transfer(1, 3, 5).await.is_err());   // rolled back: 1 keeps its 10
/// accounts.transfer(1, 2, 5).await?;
/// let balances: Vec<i64> = accounts.db.fetch_all("SELECT balance FROM accounts ORDER BY id", &[]).await?;
/// assert_eq!(balances, [5, 5]);
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
#[doc(inline)]
pub use larder_macros::transactional;

/// ```
/// # struct Notes { db: larder::Db }
/// #[larder::storage]
/// impl Notes {
///     #[prepared("SELECT body FROM notes WHERE id = ?1")]
///     #[cached_query(ttl = "30s", max_entries = 1000)]
///     async fn body(&self, id: i64) -> larder::Result<Option<String>>;
///
///     #[prepared("UPDATE notes SET body = ?2 WHERE id = ?1")]
///     async fn edit(&self, id: i64, body: &str) -> larder::Result<u64>;
/// }
/// # async fn demo() -> larder::Result<()> {
/// # let db = larder::Db::memory().await?;
/// # db.execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
/// #                   INSERT INTO notes VALUES (1, 'milk');").await?;
/// let notes = Notes { db };
/// assert_eq!(notes.body(1).await?.as_deref(), Some("milk")); // miss: runs the query
/// assert_eq!(notes.body(1).await?.as_deref(), Some("milk")); // hit
/// notes.edit(1, "eggs").await?;                                // the write makes it stale
/// assert_eq!(notes.body(1).await?.as_deref(), Some("eggs"));
/// let stats = notes.db.cache_stats();
/// let body = stats.method("Notes::body").unwrap();
/// assert_eq!((body.hits, body.misses, body.stale_misses), (1, 1, 1));
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
#[doc(inline)]
pub use larder_macros::cached_query;

/// ```
/// # struct Notes { db: larder::Db, pinned: std::sync::Mutex<i64> }
/// #[larder::storage]
/// impl Notes {
///     #[prepared("SELECT body FROM notes WHERE id = ?1")]
///     #[cached_query]
///     async fn body(&self, id: i64) -> larder::Result<Option<String>>;
///
///     /// A change the SQL does not show (here: which note is pinned, kept in memory).
///     #[invalidates(pinned_body)]
///     async fn pin(&self, id: i64) -> larder::Result<()> {
///         *self.pinned.lock().unwrap() = id;
///         Ok(())
///     }
///
///     #[cached_query]
///     async fn pinned_body(&self) -> larder::Result<Option<String>> {
///         let id = *self.pinned.lock().unwrap();
///         self.body(id).await
///     }
/// }
/// # async fn demo() -> larder::Result<()> {
/// # let db = larder::Db::memory().await?;
/// # db.execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
/// #                   INSERT INTO notes VALUES (1, 'milk'), (2, 'eggs');").await?;
/// let notes = Notes { db, pinned: std::sync::Mutex::new(1) };
/// assert_eq!(notes.pinned_body().await?.as_deref(), Some("milk"));
/// notes.pin(2).await?;
/// assert_eq!(notes.pinned_body().await?.as_deref(), Some("eggs"));
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
#[doc(inline)]
pub use larder_macros::invalidates;

/// ```
/// # struct Notes { db: larder::Db }
/// #[larder::storage]
/// impl Notes {
///     #[timed(name = "notes.count")]
///     async fn count(&self) -> larder::Result<i64> {
///         self.db.fetch_one("SELECT count(*) FROM notes", &[]).await
///     }
/// }
/// # async fn demo() -> larder::Result<()> {
/// # let db = larder::Db::memory().await?;
/// # db.execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)").await?;
/// let notes = Notes { db };
/// notes.count().await?;
/// let snapshot = notes.db.metrics().snapshot();
/// let count = snapshot.methods.iter().find(|m| m.name == "notes.count").unwrap();
/// assert_eq!((count.calls, count.errors), (1, 0));
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
#[doc(inline)]
pub use larder_macros::timed;

/// The migrations of `migrations/` next to the crate's `Cargo.toml` (or `migrate!("path")`),
/// embedded as a [`Migrator`] for [`Db::migrate`] — the same files, in the same order, that the
/// compile-time checks read, so what is checked is what is applied.
///
/// Files are `NNNN_description.sql`, or `NNNN_description.up.sql` with an optional
/// `NNNN_description.down.sql` (for [`Db::undo`]), or directories `NNNN_description/` with
/// `up.sql` and `down.sql`. A missing number, the same number twice, or a file without one is
/// a compile error (timestamps of 8 digits or more may skip numbers). A file whose first line is
/// `-- larder:no-transaction` runs outside a transaction (`VACUUM`, `PRAGMA journal_mode`).
///
/// Editing a file rebuilds the crate (each is an `include_str!`); for a file *added* to the
/// directory to be seen without touching a source file, add a `build.rs` with
/// `println!("cargo:rerun-if-changed=migrations");` (see `docs/migrations.md`).
///
/// ```ignore
/// static MIGRATOR: larder::Migrator = larder::migrate!();
///
/// let db = larder::Db::builder().file("app.db").migrate(&MIGRATOR).open().await?;
/// ```
pub use larder_macros::migrate;

/// ```
/// const NEXT: larder::Sql = larder::sql!("SELECT ?1 + 1 AS next");
/// assert_eq!(NEXT.param_count(), 1);
/// # async fn demo() -> larder::Result<()> {
/// let db = larder::Db::memory().await?;
/// let next: i64 = db.fetch_one(&NEXT, larder::params![41]).await?;
/// assert_eq!(next, 42);
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
#[doc(inline)]
pub use larder_macros::sql;

/// ```
/// #[larder::sql_const]
/// const BODY: &str = "SELECT body FROM notes WHERE id = ?1";
///
/// # struct Notes { db: larder::Db }
/// #[larder::storage]
/// impl Notes {
///     #[prepared(BODY)]
///     async fn body(&self, id: i64) -> larder::Result<Option<String>>;
/// }
/// # async fn demo() -> larder::Result<()> {
/// # let db = larder::Db::memory().await?;
/// # db.execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
/// #                   INSERT INTO notes VALUES (1, 'milk');").await?;
/// assert_eq!(BODY_SQL.param_count(), 1);
/// let notes = Notes { db };
/// assert_eq!(notes.body(1).await?.as_deref(), Some("milk"));
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
#[doc(inline)]
pub use larder_macros::sql_const;

/// ```
/// #[derive(larder::FromRow, Debug, PartialEq)]
/// struct Note {
///     id: i64,
///     #[larder(rename = "body")]
///     text: String,
/// }
/// # async fn demo() -> larder::Result<()> {
/// # let db = larder::Db::memory().await?;
/// # db.execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
/// #                   INSERT INTO notes VALUES (1, 'milk');").await?;
/// let note: Note = db.fetch_one("SELECT id, body FROM notes", &[]).await?;
/// assert_eq!(note, Note { id: 1, text: "milk".into() });
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
#[doc(inline)]
pub use larder_macros::FromRow;

/// A type of your own as one column's value: a fieldless enum stored as TEXT or INTEGER, or a
/// newtype stored as its one field. Derives [`Encode`], [`Decode`] and [`FromRow`] (so it is a
/// parameter, a field, a single-column result and, for enums and newtypes of integers, strings
/// and `Uuid`, a list element and a [`Weigh`] value).
///
/// ```
/// #[derive(larder::Type, Debug, Clone, Copy, PartialEq)]
/// #[larder(rename_all = "snake_case")]
/// enum Outcome { Success, PartialSuccess, #[larder(rename = "failed")] Failure }
///
/// #[derive(larder::Type, Debug, Clone, Copy, PartialEq)]
/// #[larder(integer)]
/// enum Priority { Low = 1, High = 5 }
///
/// #[derive(larder::Type, Debug, Clone, PartialEq)]
/// #[larder(transparent)]
/// struct Task(String);
///
/// # async fn demo() -> larder::Result<()> {
/// let db = larder::Db::memory().await?;
/// db.execute_batch("CREATE TABLE runs (task TEXT, outcome TEXT, priority INTEGER)").await?;
/// db.execute(
///     "INSERT INTO runs VALUES (?1, ?2, ?3)",
///     larder::params![Task("plan".into()), Outcome::PartialSuccess, Priority::High],
/// ).await?;
/// let stored: (String, String, i64) = db.fetch_one("SELECT * FROM runs", &[]).await?;
/// assert_eq!(stored, ("plan".into(), "partial_success".into(), 5));
/// let read: (Task, Outcome, Priority) = db.fetch_one("SELECT * FROM runs", &[]).await?;
/// assert_eq!(read, (Task("plan".into()), Outcome::PartialSuccess, Priority::High));
/// let failed: Vec<Task> = db
///     .fetch_all("SELECT task FROM runs WHERE outcome IN (?1)", larder::params![[Outcome::Failure]])
///     .await?;
/// assert!(failed.is_empty());
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
#[doc(inline)]
pub use larder_macros::Type;
