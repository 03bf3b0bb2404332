//! Applying, undoing and listing migrations against the table `_larder_migrations`.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use super::{Migration, Migrator};
use crate::db::tx::Transaction;
use crate::db::Db;
use crate::error::{Error, Result};

/// The record of applied migrations.
const TABLE: &str = "CREATE TABLE IF NOT EXISTS _larder_migrations (
    version INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    duration_ms INTEGER NOT NULL
)";

const RECORDED: &str =
    "SELECT version, description, checksum, applied_at, duration_ms FROM _larder_migrations \
     ORDER BY version";

const RECORD: &str = "INSERT INTO _larder_migrations \
     (version, description, checksum, applied_at, duration_ms) \
     VALUES (?1, ?2, ?3, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), ?4)";

/// A migration as `_larder_migrations` records it.
///
/// ```
/// # async fn demo() -> larder::Result<()> {
/// static M: larder::Migrator = larder::Migrator::new(&[larder::Migration::new(1, "a", "0001_a.sql", "CREATE TABLE a (x);")]);
/// let db = larder::Db::memory().await?;
/// db.migrate(&M).await?;
/// let applied = M.status(&db).await?[0].applied.clone().unwrap();
/// assert_eq!(applied.checksum, M.migrations()[0].checksum());
/// assert!(applied.applied_at.ends_with('Z'));
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AppliedMigration {
    /// Its version.
    pub version: i64,
    /// Its description when it was applied.
    pub description: String,
    /// The checksum of its SQL when it was applied.
    pub checksum: String,
    /// When it was applied (UTC, RFC 3339).
    pub applied_at: String,
    /// How long it took (zero while a migration that runs outside a transaction is running).
    pub duration: Duration,
    /// As recorded; `-1` while such a migration runs.
    duration_ms: i64,
}

/// One line of [`Migrator::status`].
///
/// ```
/// # async fn demo() -> larder::Result<()> {
/// static M: larder::Migrator = larder::Migrator::new(&[larder::Migration::new(1, "a", "0001_a.sql", "CREATE TABLE a (x);")]);
/// let db = larder::Db::memory().await?;
/// let state = &M.status(&db).await?[0];
/// assert_eq!((state.version, state.file, state.applied.is_none()), (1, Some("0001_a.sql"), true));
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MigrationState {
    /// The version.
    pub version: i64,
    /// The file it comes from; `None` for a version the database records and this binary does
    /// not know.
    pub file: Option<&'static str>,
    /// `Some` once applied.
    pub applied: Option<AppliedMigration>,
    /// Applied, but the file's SQL is no longer what was applied (its checksum differs).
    pub changed: bool,
}

type Recorded = BTreeMap<i64, AppliedMigration>;

async fn recorded(db: &Db) -> Result<Recorded> {
    let rows: Vec<(i64, String, String, String, i64)> = db.fetch_all(RECORDED, &[]).await?;
    Ok(rows
        .into_iter()
        .map(|(version, description, checksum, applied_at, ms)| {
            let duration = Duration::from_millis(u64::try_from(ms).unwrap_or(0));
            let applied = AppliedMigration {
                version,
                description,
                checksum,
                applied_at,
                duration,
                duration_ms: ms,
            };
            (version, applied)
        })
        .collect())
}

/// Every recorded migration is one this binary has, with the same SQL.
fn verify(migrator: &Migrator, recorded: &Recorded) -> Result<()> {
    for (version, applied) in recorded {
        match migrator.migrations.iter().find(|m| m.version == *version) {
            Some(known) => {
                let now = known.checksum();
                if now != applied.checksum {
                    return Err(Error::Migration {
                        file: known.file.to_owned(),
                        reason: format!(
                            "it was applied with checksum {} and the file now has {now}: an \
                             applied migration must not change. Restore the file and add a new \
                             migration for the change; nothing was applied",
                            applied.checksum
                        ),
                    });
                }
            }
            None if migrator.ignore_missing => {}
            None => {
                return Err(Error::Migration {
                    file: format!("version {version} ({})", applied.description),
                    reason: "the database records it as applied, and this binary has no such \
                             migration (a newer release applied it, or its file was removed). \
                             Run the newer binary, or accept it with \
                             `Migrator::ignore_missing(true)`; nothing was applied"
                        .into(),
                });
            }
        }
    }
    Ok(())
}

/// What one transaction of [`migrate`] did.
enum Step {
    Applied(i64),
    /// The next migration runs outside a transaction: this process claimed it.
    Outside(&'static Migration),
    /// Another process is running a migration outside a transaction.
    Wait,
    Done,
}

/// `duration_ms` of a migration that runs outside a transaction while it runs: the claim of
/// the process running it.
const CLAIMED: i64 = -1;

fn failed(migration: &Migration, error: Error) -> Error {
    Error::Migration {
        file: migration.file.to_owned(),
        reason: format!("it failed, so the database stays at the version before it: {error}"),
    }
}

async fn run(db: &Db, migration: &'static Migration) -> Result<()> {
    db.execute_batch(migration.sql)
        .await
        .map_err(|error| failed(migration, error))
}

async fn claim(tx: &Transaction, migration: &Migration) -> Result<()> {
    record_ms(tx, migration, CLAIMED).await
}

async fn record(tx: &Transaction, migration: &Migration, took: Duration) -> Result<()> {
    let ms = i64::try_from(took.as_millis()).unwrap_or(i64::MAX);
    record_ms(tx, migration, ms).await
}

async fn record_ms(tx: &Transaction, migration: &Migration, ms: i64) -> Result<()> {
    tx.execute(
        RECORD,
        crate::params![
            migration.version,
            migration.description,
            migration.checksum(),
            ms
        ],
    )
    .await?;
    Ok(())
}

pub(super) async fn migrate(db: &Db, migrator: &Migrator) -> Result<Vec<i64>> {
    if db.in_transaction() {
        return Err(Error::Misuse(
            "`Db::migrate` inside a transaction: each migration runs in its own; call it \
             outside (at start-up, or with `DbBuilder::migrate`)"
                .into(),
        ));
    }
    migrator.check_order()?;
    create_table(db).await?;
    let mut applied = Vec::new();
    let mut waited: Option<Instant> = None;
    loop {
        // The write lock is taken (BEGIN IMMEDIATE) before the table is read: a process that
        // starts at the same time waits here and then finds the migration recorded.
        let step = db
            .transaction(|tx| async move {
                let recorded = recorded(&tx).await?;
                verify(migrator, &recorded)?;
                let pending = migrator
                    .migrations
                    .iter()
                    .find(|m| !recorded.contains_key(&m.version));
                let Some(next) = pending else {
                    return Ok(Step::Done);
                };
                if recorded.values().any(|m| m.duration_ms == CLAIMED) {
                    return Ok(Step::Wait);
                }
                if next.no_transaction {
                    // Claimed in the table before it runs, so that it runs once.
                    claim(&tx, next).await?;
                    return Ok(Step::Outside(next));
                }
                let started = Instant::now();
                run(&tx, next).await?;
                record(&tx, next, started.elapsed()).await?;
                Ok::<_, Error>(Step::Applied(next.version))
            })
            .await?;
        match step {
            Step::Done => return Ok(applied),
            Step::Applied(version) => applied.push(version),
            Step::Wait => {
                let since = *waited.get_or_insert_with(Instant::now);
                wait_for_claim(db, since).await?;
            }
            Step::Outside(next) => {
                run_outside(db, next).await?;
                applied.push(next.version);
            }
        }
    }
}

/// Another process claimed a migration that runs outside a transaction: wait a little, at most
/// the busy timeout since the first wait.
async fn wait_for_claim(db: &Db, since: Instant) -> Result<()> {
    if since.elapsed() > db.busy_timeout() {
        return Err(Error::Migration {
            file: "_larder_migrations".into(),
            reason: format!(
                "a migration that runs outside a transaction was claimed by another process \
                 and is still not finished after {:?}; if that process died, check the \
                 database and delete its row (duration_ms = -1)",
                db.busy_timeout()
            ),
        });
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
    Ok(())
}

/// Runs a claimed no-transaction migration; its claim becomes the record, or goes (so that the
/// migration can run again) when it fails.
async fn run_outside(db: &Db, next: &'static Migration) -> Result<()> {
    let started = Instant::now();
    let outcome = run(db, next).await;
    let ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
    let version = next.version;
    match &outcome {
        Ok(()) => {
            let sql = "UPDATE _larder_migrations SET duration_ms = ?2 WHERE version = ?1";
            db.execute(sql, crate::params![version, ms]).await?
        }
        Err(_) => {
            let sql = "DELETE FROM _larder_migrations WHERE version = ?1";
            db.execute(sql, crate::params![version]).await?
        }
    };
    outcome
}

pub(super) async fn undo(db: &Db, migrator: &Migrator, target: i64) -> Result<Vec<i64>> {
    if db.in_transaction() {
        return Err(Error::Misuse(
            "`Db::undo` inside a transaction: each step runs in its own; call it outside".into(),
        ));
    }
    create_table(db).await?;
    // Everything to undo must be undoable before anything is undone.
    undoable(migrator, &recorded(db).await?, target)?;
    let mut undone = Vec::new();
    loop {
        let step = db
            .transaction(|tx| async move {
                let recorded = recorded(&tx).await?;
                let Some((&version, _)) = recorded.range(target + 1..).next_back() else {
                    return Ok(None);
                };
                let migration = migrator
                    .migrations
                    .iter()
                    .find(|m| m.version == version)
                    .ok_or_else(|| Error::Migration {
                        file: format!("version {version}"),
                        reason: "applied meanwhile by a binary that knows it; not undone".into(),
                    })?;
                let down = migration.down.ok_or_else(|| Error::Migration {
                    file: migration.file.to_owned(),
                    reason: "it cannot be undone (no `.down.sql` file)".into(),
                })?;
                tx.execute_batch(down)
                    .await
                    .map_err(|error| failed(migration, error))?;
                tx.execute(
                    "DELETE FROM _larder_migrations WHERE version = ?1",
                    crate::params![version],
                )
                .await?;
                Ok::<_, Error>(Some(version))
            })
            .await?;
        match step {
            Some(version) => undone.push(version),
            None => return Ok(undone),
        }
    }
}

/// Whether `_larder_migrations` exists.
async fn table_exists(db: &Db) -> Result<bool> {
    let found: Option<i64> = db
        .fetch_optional(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = '_larder_migrations'",
            &[],
        )
        .await?;
    Ok(found.is_some())
}

/// Creates `_larder_migrations` unless it exists: an up-to-date database opened read-only can
/// still be checked (a `CREATE TABLE IF NOT EXISTS` would need the write lock).
async fn create_table(db: &Db) -> Result<()> {
    if !table_exists(db).await? {
        db.execute_batch(TABLE).await?;
    }
    Ok(())
}

/// Every applied migration above `target` is known and has a `down` file.
fn undoable(migrator: &Migrator, recorded: &Recorded, target: i64) -> Result<()> {
    for version in recorded.keys().filter(|v| **v > target) {
        let known = migrator.migrations.iter().find(|m| m.version == *version);
        match known {
            Some(m) if m.down.is_some() => {}
            Some(m) => {
                return Err(Error::Migration {
                    file: m.file.to_owned(),
                    reason: format!(
                        "it cannot be undone (no `.down.sql` file), so nothing above version \
                         {target} was undone"
                    ),
                })
            }
            None => {
                return Err(Error::Migration {
                    file: format!("version {version}"),
                    reason: "this binary does not know it, so it cannot undo it; nothing was \
                             undone"
                        .into(),
                })
            }
        }
    }
    Ok(())
}

pub(super) async fn status(migrator: &Migrator, db: &Db) -> Result<Vec<MigrationState>> {
    let mut recorded = match table_exists(db).await? {
        true => recorded(db).await?,
        false => Recorded::new(),
    };
    let mut states: Vec<MigrationState> = migrator
        .migrations
        .iter()
        .map(|m| {
            let applied = recorded.remove(&m.version);
            let changed = applied.as_ref().is_some_and(|a| a.checksum != m.checksum());
            MigrationState {
                version: m.version,
                file: Some(m.file),
                applied,
                changed,
            }
        })
        .collect();
    states.extend(recorded.into_values().map(|applied| MigrationState {
        version: applied.version,
        file: None,
        applied: Some(applied),
        changed: false,
    }));
    Ok(states)
}
