//! What a statement reads and writes, as the engine sees it on the live schema.
//!
//! SQLite calls the authorizer for every table, column, function and schema object a statement
//! touches *while it prepares the statement* — including what its views read, what its triggers
//! (TEMP ones too) and foreign-key actions write, attached databases and virtual tables. So each
//! local connection records those calls, and a statement's record is taken right after it is
//! prepared (`StatementCache`) and again after it ran (SQLite prepares a statement anew, calling
//! the authorizer again, when the schema changed under it).
//!
//! This is what cache invalidation trusts on local connections: the tables the SQL names are only
//! the fallback (remote connections and embedded replicas have no authorizer). Anything the
//! record cannot describe — a DDL statement, a PRAGMA that sets something, ATTACH, a transaction
//! statement in raw SQL, an action this code does not know — counts as "everything".

use std::sync::{Arc, Mutex, PoisonError};

use libsql::{AuthAction, AuthContext, Authorization};

/// The counter name of a table: lower case, prefixed with its schema unless it is `main`
/// (`temp.t`, `aux.t`). Compile-time names (the fallback) are unqualified, that is `main`.
pub(crate) fn table_key(database: Option<&str>, table: &str) -> String {
    match database {
        Some(db) if !db.eq_ignore_ascii_case("main") => {
            format!("{}.{}", db.to_ascii_lowercase(), table.to_ascii_lowercase())
        }
        _ => table.to_ascii_lowercase(),
    }
}

/// SQLite's own tables (`sqlite_schema`, `sqlite_sequence`, `sqlite_stat1`, ...).
fn is_internal(table: &str) -> bool {
    table
        .get(..7)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case("sqlite_"))
}

/// What a statement reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ReadSet {
    /// These tables (counter names, see [`table_key`]), sorted, each once.
    Tables(Vec<String>),
    /// Something no table counter describes: the schema, `sqlite_sequence`, a PRAGMA's state.
    Anything,
}

/// What a statement writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WriteSet {
    /// Nothing.
    Nothing,
    /// These tables, each with whether the statement only inserted into it at its top level
    /// (not through a trigger); see `generations` for why that matters.
    Tables(Vec<(String, bool)>),
    /// Something no table list describes (DDL, a PRAGMA that sets something, ATTACH, BEGIN or
    /// COMMIT in raw SQL): every cached entry must become stale.
    Everything,
}

/// The record of one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Learned {
    pub(crate) reads: ReadSet,
    pub(crate) writes: WriteSet,
    /// It calls an aggregate function: a "lookup by key" that counts rows is no lookup.
    pub(crate) aggregate: bool,
    /// It changes the schema (or what names resolve to): derived facts must be derived again.
    pub(crate) schema: bool,
}

impl Learned {
    /// A statement that touches no table (`SELECT 1`).
    pub(crate) const NOTHING: Learned = Learned {
        reads: ReadSet::Tables(Vec::new()),
        writes: WriteSet::Nothing,
        aggregate: false,
        schema: false,
    };
}

/// Aggregate functions of SQLite and its JSON extension (`min`/`max` also have scalar forms,
/// which count too: that only costs a refinement).
const AGGREGATES: &[&str] = &[
    "avg",
    "count",
    "group_concat",
    "string_agg",
    "max",
    "min",
    "sum",
    "total",
    "json_group_array",
    "json_group_object",
    "jsonb_group_array",
    "jsonb_group_object",
];

/// PRAGMAs that take an argument and only read.
pub(crate) const READING_PRAGMAS: &[&str] = &[
    "table_info",
    "table_xinfo",
    "table_list",
    "index_info",
    "index_xinfo",
    "index_list",
    "foreign_key_list",
    "foreign_key_check",
    "integrity_check",
    "quick_check",
];

/// The calls seen since the record was last taken.
#[derive(Debug, Default)]
struct Record {
    calls: usize,
    reads: Vec<String>,
    read_anything: bool,
    writes: Vec<(String, bool)>,
    write_everything: bool,
    aggregate: bool,
    schema: bool,
}

impl Record {
    fn read(&mut self, database: Option<&str>, table: &str) {
        if table.is_empty() {
            return;
        }
        if is_internal(table) {
            // The schema table, sqlite_sequence, sqlite_stat*: moved by writes of every kind.
            self.read_anything = true;
            return;
        }
        let key = table_key(database, table);
        if !self.reads.contains(&key) {
            self.reads.push(key);
        }
    }

    /// A write of `table`; the internal tables are left out (whoever reads them depends on every
    /// write, see [`Record::read`]).
    fn write(&mut self, database: Option<&str>, table: &str, insert_only: bool) {
        if is_internal(table) {
            return;
        }
        let key = table_key(database, table);
        match self.writes.iter_mut().find(|(t, _)| *t == key) {
            Some((_, only)) => *only &= insert_only,
            None => self.writes.push((key, insert_only)),
        }
    }

    fn everything(&mut self, schema: bool) {
        self.write_everything = true;
        self.schema |= schema;
    }

    fn note(&mut self, ctx: &AuthContext<'_>) {
        self.calls += 1;
        let db = ctx.database_name;
        // An access made for a trigger or a view names it here.
        let top_level = ctx.accessor.is_none();
        match ctx.action {
            AuthAction::Read { table_name, .. } => self.read(db, table_name),
            AuthAction::Select | AuthAction::Recursive => {}
            AuthAction::Function { function_name } => {
                let name = function_name.to_ascii_lowercase();
                self.aggregate |= AGGREGATES.contains(&name.as_str());
            }
            AuthAction::Insert { table_name } => self.write(db, table_name, top_level),
            AuthAction::Update { table_name, .. } | AuthAction::Delete { table_name } => {
                self.write(db, table_name, false)
            }
            AuthAction::Pragma {
                pragma_name,
                pragma_value,
            } => {
                let name = pragma_name.to_ascii_lowercase();
                if pragma_value.is_none() || READING_PRAGMAS.contains(&name.as_str()) {
                    self.read_anything = true;
                } else {
                    self.everything(true);
                }
            }
            AuthAction::Analyze { .. } | AuthAction::Reindex { .. } => self.everything(false),
            AuthAction::Transaction { .. } | AuthAction::Savepoint { .. } => {
                // Only raw SQL gets here (larder's own BEGIN/COMMIT run outside the record).
                self.everything(false)
            }
            // DDL, ATTACH/DETACH, virtual tables, and actions this code does not know.
            _ => self.everything(true),
        }
    }

    fn take(&mut self) -> Option<Learned> {
        let record = std::mem::take(self);
        if record.calls == 0 {
            return None;
        }
        let mut reads = record.reads;
        reads.sort();
        Some(Learned {
            reads: if record.read_anything {
                ReadSet::Anything
            } else {
                ReadSet::Tables(reads)
            },
            writes: if record.write_everything {
                WriteSet::Everything
            } else if record.writes.is_empty() {
                WriteSet::Nothing
            } else {
                WriteSet::Tables(record.writes)
            },
            aggregate: record.aggregate,
            schema: record.schema,
        })
    }
}

/// The authorizer's record on one connection.
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    record: Mutex<Record>,
}

impl Recorder {
    fn lock(&self) -> std::sync::MutexGuard<'_, Record> {
        self.record.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// What the calls since the last `take` describe; `None` when there were none.
    pub(crate) fn take(&self) -> Option<Learned> {
        self.lock().take()
    }

    /// Forgets the calls so far (statements larder runs for itself).
    pub(crate) fn clear(&self) {
        *self.lock() = Record::default();
    }
}

/// Installs the recorder as `conn`'s authorizer (it allows everything); `None` when the
/// connection has no authorizer (remote, embedded replica).
pub(crate) fn install(conn: &libsql::Connection) -> Option<Arc<Recorder>> {
    let recorder = Arc::new(Recorder::default());
    let hook = Arc::clone(&recorder);
    conn.authorizer(Some(Arc::new(move |ctx: &AuthContext<'_>| {
        hook.lock().note(ctx);
        Authorization::Allow
    })))
    .ok()?;
    Some(recorder)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn learned(setup: &str, sql: &str) -> Learned {
        let db = libsql::Builder::new_local(":memory:")
            .build()
            .await
            .expect("memory database");
        let conn = db.connect().expect("connection");
        conn.execute_batch(setup).await.expect("schema");
        let recorder = install(&conn).expect("local connections have an authorizer");
        let _stmt = conn.prepare(sql).await.expect("statement");
        recorder.take().expect("preparing calls the authorizer")
    }

    const SCHEMA: &str = "
        CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT);
        CREATE TABLE log (k INTEGER, v TEXT);
        CREATE TABLE w (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID;
        CREATE VIEW tv AS SELECT k, v FROM t;
        CREATE TRIGGER t_log AFTER UPDATE ON t BEGIN INSERT INTO log VALUES (new.k, new.v); END;
        CREATE TEMP TRIGGER t_w AFTER INSERT ON t BEGIN REPLACE INTO w VALUES (new.v, 'x'); END;";

    fn tables(names: &[&str]) -> ReadSet {
        ReadSet::Tables(names.iter().map(|s| s.to_string()).collect())
    }

    #[tokio::test]
    async fn views_are_read_through_and_triggers_written_through() {
        // The view's name is read too (a harmless counter nobody writes).
        assert_eq!(
            learned(SCHEMA, "SELECT v FROM tv").await.reads,
            tables(&["t", "tv"])
        );
        let update = learned(SCHEMA, "UPDATE t SET v = ?1 WHERE k = ?2").await;
        assert_eq!(
            update.writes,
            // The trigger's insert is not at the top level: not "insert only".
            WriteSet::Tables(vec![("t".into(), false), ("log".into(), false)])
        );
        // The TEMP trigger's REPLACE into a WITHOUT ROWID table: written, not an insert only.
        let insert = learned(SCHEMA, "INSERT INTO t (v) VALUES (?1)").await;
        assert_eq!(
            insert.writes,
            WriteSet::Tables(vec![("t".into(), true), ("w".into(), false)])
        );
    }

    #[tokio::test]
    async fn aggregates_schema_reads_and_ddl_are_told_apart() {
        assert!(
            learned(SCHEMA, "SELECT count(*) FROM t WHERE k = ?1")
                .await
                .aggregate
        );
        assert!(
            !learned(SCHEMA, "SELECT v FROM t WHERE k = ?1")
                .await
                .aggregate
        );
        let schema = learned(SCHEMA, "SELECT name FROM sqlite_schema").await;
        assert_eq!(schema.reads, ReadSet::Anything);
        assert_eq!(schema.writes, WriteSet::Nothing);
        let version = learned(SCHEMA, "PRAGMA user_version").await;
        assert_eq!(
            (version.reads, version.writes),
            (ReadSet::Anything, WriteSet::Nothing)
        );
        let set = learned(SCHEMA, "PRAGMA user_version = 3").await;
        assert_eq!(set.writes, WriteSet::Everything);
        let ddl = learned(SCHEMA, "CREATE INDEX t_v ON t (v)").await;
        assert!(ddl.schema && ddl.writes == WriteSet::Everything);
        let attached = learned(SCHEMA, "SELECT name FROM temp.sqlite_temp_schema").await;
        assert_eq!(attached.reads, ReadSet::Anything);
    }
}
