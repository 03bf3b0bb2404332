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
#[cfg(feature = "remote")]
pub use db::replica::ReplicaStats;
pub use db::tx::{Transaction, TxMode};
pub use db::{Db, DbBuilder, Metrics, Param, Synchronous};
pub use error::{Error, Result, ValueError};
pub use libsql::Value;
pub use stats::{
    CacheStats, LatencyHistogram, MethodCacheStats, MethodMetrics, MetricsSnapshot, PoolStats,
    StatementRow, StatementStats, HISTOGRAM_BYTES,
};
pub use types::row::{FieldType, FromRow, RowRef, RowShape};
pub use types::sql::Sql;
pub use types::value::{Decode, Encode, StorageClasses};

#[doc(inline)]
pub use larder_macros::{
    batch, cached_query, invalidates, prepared, sql, sql_const, storage, timed, transactional,
    FromRow,
};
