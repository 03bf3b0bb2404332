//! Migrations: the files of `migrations/`, embedded by `larder::migrate!()` in the order and by
//! the rules the compile-time checker reads them, applied by [`Db::migrate`] and recorded in the
//! table `_larder_migrations`.
//!
//! Each migration runs in its own `BEGIN IMMEDIATE` transaction, which also reads the table: the
//! write lock is taken before anything is decided, so two processes starting at once apply each
//! migration exactly once (the second finds it recorded). Before anything is applied, every
//! recorded migration is checked against the binary's: a changed file, or a version the binary
//! does not know, is an [`Error::Migration`] and nothing runs.

mod apply;
mod checksum;

use crate::db::Db;
use crate::error::{Error, Result};

pub use apply::{AppliedMigration, MigrationState};

/// One migration file (and its `down` twin, if it has one), embedded by
/// [`migrate!`](crate::migrate!).
///
/// ```
/// const M: larder::Migration = larder::Migration::new(1, "create notes", "0001_create_notes.sql",
///     "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);");
/// assert_eq!(M.version(), 1);
/// assert_eq!(M.description(), "create notes");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migration {
    version: i64,
    description: &'static str,
    file: &'static str,
    sql: &'static str,
    down: Option<&'static str>,
    no_transaction: bool,
}

impl Migration {
    /// A migration that runs in a transaction and cannot be undone; `file` is how messages name
    /// it. `migrate!()` builds these from the files; write them by hand only without the macro.
    ///
    /// ```
    /// let m = larder::Migration::new(2, "add tags", "0002_add_tags.sql", "ALTER TABLE notes ADD tags TEXT;");
    /// assert!(!m.is_reversible());
    /// ```
    pub const fn new(
        version: i64,
        description: &'static str,
        file: &'static str,
        sql: &'static str,
    ) -> Migration {
        Migration {
            version,
            description,
            file,
            sql,
            down: None,
            no_transaction: sql_says_no_transaction(sql),
        }
    }

    /// The same migration with the SQL that undoes it (`NNNN_name.down.sql`).
    ///
    /// ```
    /// let m = larder::Migration::new(2, "add tags", "0002_add_tags.up.sql", "ALTER TABLE notes ADD tags TEXT;")
    ///     .with_down("ALTER TABLE notes DROP COLUMN tags;");
    /// assert!(m.is_reversible());
    /// ```
    pub const fn with_down(self, down: &'static str) -> Migration {
        Migration {
            down: Some(down),
            ..self
        }
    }

    /// The version: the number its file name starts with.
    ///
    /// ```
    /// assert_eq!(larder::Migration::new(7, "x", "0007_x.sql", "").version(), 7);
    /// ```
    pub const fn version(&self) -> i64 {
        self.version
    }

    /// The description: the rest of the file name, with `_` as spaces.
    ///
    /// ```
    /// assert_eq!(larder::Migration::new(7, "add x", "0007_add_x.sql", "").description(), "add x");
    /// ```
    pub const fn description(&self) -> &'static str {
        self.description
    }

    /// The file it came from, as messages name it.
    ///
    /// ```
    /// assert_eq!(larder::Migration::new(7, "x", "0007_x.sql", "").file(), "0007_x.sql");
    /// ```
    pub const fn file(&self) -> &'static str {
        self.file
    }

    /// Its SQL.
    ///
    /// ```
    /// assert_eq!(larder::Migration::new(7, "x", "0007_x.sql", "SELECT 1;").sql(), "SELECT 1;");
    /// ```
    pub const fn sql(&self) -> &'static str {
        self.sql
    }

    /// Whether [`Db::undo`] can undo it (it has a `down` file).
    ///
    /// ```
    /// assert!(!larder::Migration::new(7, "x", "0007_x.sql", "").is_reversible());
    /// ```
    pub const fn is_reversible(&self) -> bool {
        self.down.is_some()
    }

    /// Whether it runs outside a transaction: its first line is `-- larder:no-transaction` (for
    /// statements SQLite refuses inside one, such as `VACUUM` or `PRAGMA journal_mode`).
    ///
    /// ```
    /// let m = larder::Migration::new(3, "vacuum", "0003_vacuum.sql", "-- larder:no-transaction\nVACUUM;");
    /// assert!(m.runs_outside_a_transaction());
    /// ```
    pub const fn runs_outside_a_transaction(&self) -> bool {
        self.no_transaction
    }

    /// Its checksum, as `_larder_migrations` records it: 16 hex digits of a 64-bit FNV-1a hash
    /// of the SQL. It detects an edited file, not a forged one.
    ///
    /// ```
    /// let m = larder::Migration::new(1, "x", "0001_x.sql", "CREATE TABLE t (x);");
    /// assert_eq!(m.checksum().len(), 16);
    /// assert_ne!(m.checksum(), larder::Migration::new(1, "x", "0001_x.sql", "CREATE TABLE t (y);").checksum());
    /// ```
    pub fn checksum(&self) -> String {
        checksum::of(self.sql)
    }
}

/// The marker that makes a migration run outside a transaction (on its first line).
const NO_TRANSACTION: &[u8] = b"-- larder:no-transaction";

const fn sql_says_no_transaction(sql: &str) -> bool {
    let bytes = sql.as_bytes();
    if bytes.len() < NO_TRANSACTION.len() {
        return false;
    }
    let mut i = 0;
    while i < NO_TRANSACTION.len() {
        if bytes[i] != NO_TRANSACTION[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The migrations of one directory, in order: what [`migrate!`](crate::migrate!) returns.
///
/// ```
/// static MIGRATOR: larder::Migrator = larder::Migrator::new(&[
///     larder::Migration::new(1, "create notes", "0001_create_notes.sql",
///         "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);"),
/// ]);
/// # async fn demo() -> larder::Result<()> {
/// let db = larder::Db::memory().await?;
/// assert_eq!(db.migrate(&MIGRATOR).await?, [1]);
/// assert_eq!(db.migrate(&MIGRATOR).await?, Vec::<i64>::new()); // idempotent
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Migrator {
    migrations: &'static [Migration],
    ignore_missing: bool,
}

impl Migrator {
    /// A migrator for `migrations`, which must be in ascending version order (the macro checks
    /// that at compile time; [`Db::migrate`] checks it again).
    ///
    /// ```
    /// static M: larder::Migrator = larder::Migrator::new(&[]);
    /// assert!(M.migrations().is_empty());
    /// ```
    pub const fn new(migrations: &'static [Migration]) -> Migrator {
        Migrator {
            migrations,
            ignore_missing: false,
        }
    }

    /// Accept a database that records versions this binary does not know (applied by a newer
    /// release): they are left alone, and only this binary's pending migrations are applied.
    /// Off by default: running an older binary against a newer schema is usually a mistake.
    ///
    /// ```
    /// static M: larder::Migrator = larder::Migrator::new(&[]).ignore_missing(true);
    /// ```
    pub const fn ignore_missing(self, ignore: bool) -> Migrator {
        Migrator {
            ignore_missing: ignore,
            ..self
        }
    }

    /// The migrations, in order.
    ///
    /// ```
    /// static M: larder::Migrator = larder::Migrator::new(&[larder::Migration::new(1, "x", "0001_x.sql", "")]);
    /// assert_eq!(M.migrations()[0].version(), 1);
    /// ```
    pub const fn migrations(&self) -> &'static [Migration] {
        self.migrations
    }

    /// Every known migration with whether (and when) it was applied to `db`, then any version
    /// `db` records that this binary does not know.
    ///
    /// # Errors
    /// [`Error::Sql`] if the table cannot be read.
    ///
    /// ```
    /// static M: larder::Migrator = larder::Migrator::new(&[
    ///     larder::Migration::new(1, "a", "0001_a.sql", "CREATE TABLE a (x);"),
    ///     larder::Migration::new(2, "b", "0002_b.sql", "CREATE TABLE b (x);"),
    /// ]);
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// assert!(M.status(&db).await?.iter().all(|m| m.applied.is_none()));
    /// db.migrate(&M).await?;
    /// assert!(M.status(&db).await?.iter().all(|m| m.applied.is_some()));
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub async fn status(&self, db: &Db) -> Result<Vec<MigrationState>> {
        apply::status(self, db).await
    }

    fn check_order(&self) -> Result<()> {
        for pair in self.migrations.windows(2) {
            if pair[0].version >= pair[1].version {
                return Err(Error::Migration {
                    file: pair[1].file.to_owned(),
                    reason: format!(
                        "its version {} does not come after {} (`{}`): migrations must be in \
                         ascending version order, each version once",
                        pair[1].version, pair[0].version, pair[0].file
                    ),
                });
            }
        }
        Ok(())
    }
}

impl Db {
    /// Applies the migrations of `migrator` that this database has not applied yet, in order,
    /// each in its own transaction, and records each in `_larder_migrations`; returns the
    /// versions it applied (none when the database is up to date). Safe to call at every start
    /// and from several processes at once. Every cache of this `Db` is invalidated after a
    /// migration.
    ///
    /// # Errors
    /// [`Error::Migration`] naming the file: an applied migration whose SQL changed (both
    /// checksums), a version the database records but the binary does not know (unless
    /// [`Migrator::ignore_missing`]), or a statement that failed (the database stays at the
    /// previous version); [`Error::Misuse`] inside a transaction.
    ///
    /// ```
    /// static MIGRATOR: larder::Migrator = larder::Migrator::new(&[
    ///     larder::Migration::new(1, "notes", "0001_notes.sql", "CREATE TABLE notes (body TEXT);"),
    /// ]);
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// db.migrate(&MIGRATOR).await?;
    /// db.execute("INSERT INTO notes VALUES ('hello')", &[]).await?;
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub async fn migrate(&self, migrator: &Migrator) -> Result<Vec<i64>> {
        apply::migrate(self, migrator).await
    }

    /// Undoes the applied migrations above version `target`, newest first, each with its
    /// `down` SQL in its own transaction; returns the versions undone. `target = 0` undoes all.
    ///
    /// # Errors
    /// [`Error::Migration`] when one of them has no `down` file or is unknown to this binary
    /// (nothing is undone then), or its `down` SQL fails (the database stays at that version).
    ///
    /// ```
    /// static MIGRATOR: larder::Migrator = larder::Migrator::new(&[
    ///     larder::Migration::new(1, "notes", "0001_notes.up.sql", "CREATE TABLE notes (body TEXT);")
    ///         .with_down("DROP TABLE notes;"),
    /// ]);
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// db.migrate(&MIGRATOR).await?;
    /// assert_eq!(db.undo(&MIGRATOR, 0).await?, [1]);
    /// assert!(db.execute("INSERT INTO notes VALUES ('x')", &[]).await.is_err());
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub async fn undo(&self, migrator: &Migrator, target: i64) -> Result<Vec<i64>> {
        apply::undo(self, migrator, target).await
    }
}
