//! The SQL engine used at compile time: libSQL's own SQLite (the `libsql-ffi` crate that the
//! runtime links too), opened on a private in-memory database. Only `prepare` is ever run on user
//! statements — nothing executes — so the macro learns exactly what the runtime engine would say:
//! syntax errors, unknown tables and columns, placeholders, result columns, read-only-ness.
//!
//! This is the only `unsafe` code of the macro crate; each block says why it holds.

use std::ffi::{c_char, c_int, c_void, CStr, CString};
use std::ptr;

use libsql_ffi as ffi;

/// An open in-memory database. Not `Send`: it lives in a thread-local cache (see `schema`).
pub(crate) struct Engine {
    db: *mut ffi::sqlite3,
}

/// What the engine reported, with the byte offset in the SQL where it applies, if it knows one.
#[derive(Debug, Clone)]
pub(crate) struct EngineError {
    pub(crate) message: String,
    pub(crate) offset: Option<usize>,
}

/// What preparing one statement revealed.
#[derive(Debug, Clone, Default)]
pub(crate) struct Described {
    /// For each parameter index `1..=n`: its name as written (`:id`, `?3`), `None` for `?`.
    pub(crate) params: Vec<Option<String>>,
    /// The result columns' names (empty for a statement that returns no rows).
    pub(crate) columns: Vec<String>,
    /// Each result column's declared type in the schema, as written (`sqlite3_column_decltype`;
    /// empty for an expression, which has none).
    pub(crate) declared: Vec<String>,
    /// The statement changes nothing (`sqlite3_stmt_readonly`).
    pub(crate) read_only: bool,
    /// Tables read, from the authorizer (lower case, schema tables excluded).
    pub(crate) reads: Vec<String>,
    /// Tables inserted into, updated or deleted from — also by triggers (lower case).
    pub(crate) writes: Vec<String>,
    /// The tables of `writes` whose existing rows may be updated or deleted (by the statement, an
    /// upsert, a trigger or a foreign-key action), as opposed to only inserted into.
    pub(crate) changes: Vec<String>,
}

impl Drop for Engine {
    fn drop(&mut self) {
        // SAFETY: `db` came from a successful `sqlite3_open_v2` and is closed only here;
        // `close_v2` also copes with statements left unfinalized (there are none).
        unsafe {
            ffi::sqlite3_close_v2(self.db);
        }
    }
}

/// A C string from SQLite, copied; `None` for NULL.
///
/// # Safety
/// `text` is NULL or points to a NUL-terminated string valid for the duration of the call.
unsafe fn owned(text: *const c_char) -> Option<String> {
    if text.is_null() {
        None
    } else {
        Some(CStr::from_ptr(text).to_string_lossy().into_owned())
    }
}

/// Where the authorizer records what a statement touches.
#[derive(Default)]
struct Touched {
    reads: Vec<String>,
    writes: Vec<String>,
    changes: Vec<String>,
}

fn remember(list: &mut Vec<String>, table: String) {
    if !table.starts_with("sqlite_") && !list.contains(&table) {
        list.push(table);
    }
}

/// The authorizer: called by SQLite while it prepares, once per table/column access.
unsafe extern "C" fn authorize(
    user: *mut c_void,
    action: c_int,
    arg1: *const c_char,
    _arg2: *const c_char,
    _db: *const c_char,
    _trigger: *const c_char,
) -> c_int {
    // SAFETY: `user` is the `Touched` that `describe` passes and keeps alive around the prepare;
    // SQLite calls back on the preparing thread only. `arg1` is NULL or a valid C string.
    let touched = &mut *user.cast::<Touched>();
    let table = owned(arg1).map(|t| t.to_ascii_lowercase());
    match (action, table) {
        (ffi::SQLITE_READ, Some(table)) => remember(&mut touched.reads, table),
        (ffi::SQLITE_INSERT, Some(table)) => remember(&mut touched.writes, table),
        (ffi::SQLITE_UPDATE | ffi::SQLITE_DELETE, Some(table)) => {
            remember(&mut touched.changes, table.clone());
            remember(&mut touched.writes, table)
        }
        _ => {}
    }
    ffi::SQLITE_OK
}

impl Engine {
    /// A new private in-memory database.
    pub(crate) fn memory() -> Result<Engine, EngineError> {
        let mut db = ptr::null_mut();
        let flags = ffi::SQLITE_OPEN_READWRITE | ffi::SQLITE_OPEN_CREATE | ffi::SQLITE_OPEN_MEMORY;
        // SAFETY: the file name is a valid C string literal, `db` a valid out pointer; on failure
        // SQLite may still return a handle, which the `Engine` closes when dropped.
        let rc = unsafe { ffi::sqlite3_open_v2(c":memory:".as_ptr(), &mut db, flags, ptr::null()) };
        if db.is_null() {
            return Err(EngineError {
                message: "SQLite could not allocate an in-memory database".into(),
                offset: None,
            });
        }
        let engine = Engine { db };
        if rc != ffi::SQLITE_OK {
            return Err(engine.error());
        }
        Ok(engine)
    }

    fn error(&self) -> EngineError {
        // SAFETY: `db` is open; errmsg returns a string valid until the next call on `db`,
        // copied at once; error_offset is a plain query.
        let (message, offset) = unsafe {
            (
                owned(ffi::sqlite3_errmsg(self.db)).unwrap_or_default(),
                ffi::sqlite3_error_offset(self.db),
            )
        };
        EngineError {
            message,
            offset: usize::try_from(offset).ok(),
        }
    }

    /// Runs `sql` (one or more statements without parameters): used to apply schema files. The
    /// error's offset is where in `sql` the failing statement went wrong (where it starts, when
    /// SQLite does not say), so that a message can name the line.
    pub(crate) fn execute(&self, sql: &str) -> Result<(), EngineError> {
        let text = CString::new(sql).map_err(|_| EngineError {
            message: "the SQL contains a NUL byte".into(),
            offset: sql.find('\0'),
        })?;
        let start = text.as_ptr();
        let mut rest = start;
        loop {
            let mut stmt = ptr::null_mut();
            let mut tail: *const c_char = ptr::null();
            // SAFETY: `db` is open; `rest` points into `text`, NUL-terminated, alive for the
            // whole loop; `tail` is set by SQLite to a position inside the same buffer.
            let (rc, at) = unsafe {
                let rc = ffi::sqlite3_prepare_v2(self.db, rest, -1, &mut stmt, &mut tail);
                (rc, usize::try_from(rest.offset_from(start)).unwrap_or(0))
            };
            if rc != ffi::SQLITE_OK {
                let error = self.error();
                // SAFETY: a failed prepare leaves `stmt` NULL; finalizing NULL is a no-op.
                unsafe { ffi::sqlite3_finalize(stmt) };
                return Err(EngineError {
                    offset: Some(
                        at + error
                            .offset
                            .unwrap_or_else(|| leading_space(&sql[at.min(sql.len())..])),
                    ),
                    ..error
                });
            }
            if stmt.is_null() {
                return Ok(()); // only white space or comments were left
            }
            // SAFETY: `stmt` is a valid statement until the finalize right after the steps.
            let rc = unsafe {
                let mut rc = ffi::sqlite3_step(stmt);
                while rc == ffi::SQLITE_ROW {
                    rc = ffi::sqlite3_step(stmt);
                }
                ffi::sqlite3_finalize(stmt);
                rc
            };
            if rc != ffi::SQLITE_DONE {
                let error = self.error();
                return Err(EngineError {
                    offset: Some(at + leading_space(&sql[at.min(sql.len())..])),
                    ..error
                });
            }
            rest = tail;
        }
    }

    /// The first column of every row of `sql`, a query on the schema itself, as text (empty on
    /// any failure: used only for hints).
    pub(crate) fn names(&self, sql: &str) -> Vec<String> {
        let Ok(text) = CString::new(sql) else {
            return Vec::new();
        };
        let mut stmt = ptr::null_mut();
        let mut names = Vec::new();
        // SAFETY: `db` is open and `text` outlives the prepare; `stmt` is stepped and read only
        // while valid, each string copied before the next step, and finalized once.
        unsafe {
            if ffi::sqlite3_prepare_v2(self.db, text.as_ptr(), -1, &mut stmt, ptr::null_mut())
                != ffi::SQLITE_OK
            {
                ffi::sqlite3_finalize(stmt);
                return names;
            }
            while ffi::sqlite3_step(stmt) == ffi::SQLITE_ROW {
                if let Some(name) = owned(ffi::sqlite3_column_text(stmt, 0).cast()) {
                    names.push(name);
                }
            }
            ffi::sqlite3_finalize(stmt);
        }
        names
    }

    /// Prepares the first statement of `sql` (never runs it) and describes it.
    pub(crate) fn describe(&self, sql: &str) -> Result<Described, EngineError> {
        let length = c_int::try_from(sql.len()).map_err(|_| EngineError {
            message: "the SQL is too long".into(),
            offset: None,
        })?;
        let mut touched = Touched::default();
        let mut stmt = ptr::null_mut();
        // SAFETY: `db` is open. `sql` is valid for `length` bytes (no NUL needed with an explicit
        // length) and outlives the call. The authorizer's user pointer is `touched`, alive until
        // the authorizer is removed right after the prepare.
        let rc = unsafe {
            ffi::sqlite3_set_authorizer(
                self.db,
                Some(authorize),
                ptr::from_mut(&mut touched).cast(),
            );
            let rc = ffi::sqlite3_prepare_v2(
                self.db,
                sql.as_ptr().cast(),
                length,
                &mut stmt,
                ptr::null_mut(),
            );
            ffi::sqlite3_set_authorizer(self.db, None, ptr::null_mut());
            rc
        };
        if rc != ffi::SQLITE_OK {
            let error = self.error();
            // SAFETY: a failed prepare leaves `stmt` NULL, and finalizing NULL is a no-op.
            unsafe { ffi::sqlite3_finalize(stmt) };
            return Err(error);
        }
        if stmt.is_null() {
            return Err(EngineError {
                message: "the SQL holds no statement (only white space or comments)".into(),
                offset: None,
            });
        }
        // SAFETY: `stmt` is a valid prepared statement until the finalize below; every string
        // read from it is copied before then.
        let described = unsafe {
            let params = (1..=ffi::sqlite3_bind_parameter_count(stmt))
                .map(|i| owned(ffi::sqlite3_bind_parameter_name(stmt, i)))
                .collect();
            let columns = (0..ffi::sqlite3_column_count(stmt))
                .map(|i| owned(ffi::sqlite3_column_name(stmt, i)).unwrap_or_default())
                .collect();
            let declared = (0..ffi::sqlite3_column_count(stmt))
                .map(|i| owned(ffi::sqlite3_column_decltype(stmt, i)).unwrap_or_default())
                .collect();
            let read_only = ffi::sqlite3_stmt_readonly(stmt) != 0;
            ffi::sqlite3_finalize(stmt);
            Described {
                params,
                columns,
                declared,
                read_only,
                reads: touched.reads,
                writes: touched.writes,
                changes: touched.changes,
            }
        };
        Ok(self.without_views(described))
    }

    /// A read through a view is reported both as the view and as the tables it reads: the
    /// tables are exact, so the view is dropped (the runtime would otherwise make the method
    /// depend on every write, as it does for a view it cannot see through). Kept when the view
    /// reads no table, so that such a method still depends on something.
    fn without_views(&self, mut described: Described) -> Described {
        let views = self.names("SELECT lower(name) FROM sqlite_schema WHERE type = 'view'");
        if described.reads.iter().any(|t| !views.contains(t)) {
            described.reads.retain(|t| !views.contains(t));
        }
        described
    }
}

/// The length of the white space and comments at the start of `sql`.
fn leading_space(sql: &str) -> usize {
    let mut rest = sql;
    loop {
        let trimmed = rest.trim_start();
        if let Some(comment) = trimmed.strip_prefix("--") {
            rest = comment.find('\n').map_or("", |n| &comment[n..]);
        } else if let Some(comment) = trimmed.strip_prefix("/*") {
            rest = comment.find("*/").map_or("", |n| &comment[n + 2..]);
        } else {
            return sql.len() - trimmed.len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Engine {
        let engine = Engine::memory().unwrap();
        engine
            .execute(
                "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL, qty INTEGER);
                 CREATE TABLE log (item INTEGER, what TEXT);
                 CREATE TRIGGER items_log AFTER UPDATE ON items
                 BEGIN INSERT INTO log VALUES (new.id, 'update'); END;",
            )
            .unwrap();
        engine
    }

    #[test]
    fn describes_parameters_columns_and_tables() {
        let d = engine()
            .describe("SELECT id, name AS label FROM items WHERE id = :id AND qty > ?3")
            .unwrap();
        assert_eq!(
            d.params,
            [Some(":id".to_owned()), None, Some("?3".to_owned())]
        );
        assert_eq!(d.columns, ["id", "label"]);
        assert!(d.read_only);
        assert_eq!(d.reads, ["items"]);
        assert!(d.writes.is_empty());
        let count = engine().describe("SELECT count(*) FROM items").unwrap();
        assert_eq!(
            count.reads,
            ["items"],
            "a read of no column still names its table"
        );
    }

    #[test]
    fn sees_writes_made_by_triggers() {
        let d = engine()
            .describe("UPDATE items SET qty = ?2 WHERE id = ?1")
            .unwrap();
        assert!(!d.read_only);
        assert_eq!(d.writes, ["items", "log"]);
        assert!(d.columns.is_empty());
    }

    #[test]
    fn tells_inserts_from_changes_of_existing_rows() {
        let engine = engine();
        engine
            .execute(
                "CREATE TABLE recent (id INTEGER PRIMARY KEY);
                 CREATE TRIGGER recent_bounded AFTER INSERT ON recent
                 BEGIN DELETE FROM recent WHERE id < NEW.id - 10; END;",
            )
            .unwrap();
        let plain = engine.describe("INSERT INTO log VALUES (1, 'x')").unwrap();
        assert!(plain.changes.is_empty());
        let upsert = engine
            .describe("INSERT INTO items (id, name) VALUES (1, 'a') ON CONFLICT (id) DO UPDATE SET qty = 1")
            .unwrap();
        assert_eq!(
            upsert.changes,
            ["items"],
            "the upsert; its trigger only inserts"
        );
        assert_eq!(upsert.writes, ["items", "log"]);
        let trimmed = engine.describe("INSERT INTO recent VALUES (?1)").unwrap();
        assert_eq!(
            trimmed.changes,
            ["recent"],
            "the trigger deletes from its own table"
        );
    }

    #[test]
    fn sees_writes_made_by_foreign_key_actions() {
        let engine = engine();
        engine
            .execute(
                "CREATE TABLE tags (item INTEGER REFERENCES items (id) ON DELETE CASCADE,
                                    tag TEXT);
                 CREATE TABLE notes (item INTEGER REFERENCES items (id) ON UPDATE SET NULL);
                 CREATE TABLE plain (item INTEGER REFERENCES items (id));",
            )
            .unwrap();
        // The cascade deletes from `tags`; `notes` only reacts to updates, `plain` is only read
        // (to check the constraint). Remote connections have no update hook: these sets are all
        // that invalidates there.
        let d = engine.describe("DELETE FROM items WHERE id = ?1").unwrap();
        assert_eq!(d.writes, ["items", "tags"]);
        let d = engine
            .describe("UPDATE items SET id = ?2 WHERE id = ?1")
            .unwrap();
        assert_eq!(d.writes, ["items", "log", "notes"]);
    }

    #[test]
    fn reads_through_a_view_name_its_tables() {
        let engine = engine();
        engine
            .execute("CREATE VIEW stock AS SELECT name, qty FROM items WHERE qty > 0")
            .unwrap();
        let d = engine.describe("SELECT name FROM stock").unwrap();
        assert_eq!(d.reads, ["items"]);
        engine
            .execute("CREATE VIEW low AS SELECT name FROM stock WHERE qty < 5")
            .unwrap();
        let d = engine
            .describe("SELECT l.name, what FROM low l JOIN log ON log.item = 1")
            .unwrap();
        assert_eq!(d.reads, ["items", "log"], "a view of a view, joined");
        engine.execute("CREATE VIEW one AS SELECT 1 AS n").unwrap();
        let d = engine.describe("SELECT n FROM one").unwrap();
        assert_eq!(d.reads, ["one"], "a view of no table is kept");
    }

    #[test]
    fn reports_errors_with_their_offset() {
        let e = engine().describe("SELECT id FROM itemz").unwrap_err();
        assert_eq!(e.message, "no such table: itemz");
        // `FORM` is taken as an alias of `id`; the error is at `items`.
        let e = engine().describe("SELECT id FORM items").unwrap_err();
        assert_eq!(e.message, "near \"items\": syntax error");
        assert_eq!(e.offset, Some(15));
        let e = engine().describe("SELECT nope FROM items").unwrap_err();
        assert_eq!(e.message, "no such column: nope");
    }
}
