//! Splitting a batch of SQL into its statements, the way SQLite itself reads them.
//!
//! `Db::execute_batch` runs statement by statement so that each one can wait for the write lock
//! without blocking the thread (see `busy`): a statement that fails with `SQLITE_BUSY` changed
//! nothing and can run again, where a whole batch cannot (its earlier statements stay applied).
//! Where one statement ends is SQLite's own `sqlite3_complete`: it knows string literals,
//! quoted names, comments and the `;` inside a `CREATE TRIGGER ... BEGIN ... END` body.

use std::ffi::CString;

/// The statements of `sql`, in order, each with its `;`; text after the last complete statement
/// (one without a `;`, or only a comment) is the last item. A batch SQLite cannot read as text
/// (a NUL byte) is one item.
pub(crate) fn statements(sql: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (end, _) in sql.match_indices(';') {
        let candidate = &sql[start..=end];
        if complete(candidate) == Some(false) {
            continue;
        }
        out.push(candidate);
        start = end + 1;
    }
    let rest = &sql[start..];
    if !rest.trim().is_empty() {
        out.push(rest);
    }
    out
}

/// `sqlite3_complete`: whether `sql` ends with a complete statement; `None` when it holds a NUL.
fn complete(sql: &str) -> Option<bool> {
    let text = CString::new(sql).ok()?;
    // SAFETY: `text` is a valid NUL-terminated string that outlives the call; the function only
    // reads it and keeps no pointer to it.
    Some(unsafe { libsql_ffi::sqlite3_complete(text.as_ptr()) } != 0)
}

#[cfg(test)]
mod tests {
    use super::statements;

    #[test]
    fn statements_end_where_sqlite_says() {
        assert_eq!(
            statements("CREATE TABLE a (x); INSERT INTO a VALUES ('1;2');\n"),
            ["CREATE TABLE a (x);", " INSERT INTO a VALUES ('1;2');"]
        );
        let trigger = "CREATE TRIGGER t AFTER INSERT ON a BEGIN INSERT INTO b VALUES (1); \
                       DELETE FROM c; END;";
        assert_eq!(statements(trigger), [trigger]);
        assert_eq!(
            statements("SELECT 1 -- a ; comment\n; SELECT \"x;\" /* ; */"),
            ["SELECT 1 -- a ; comment\n;", " SELECT \"x;\" /* ; */"]
        );
        assert_eq!(statements("  \n"), Vec::<&str>::new());
        // A NUL byte: one piece, which the engine then rejects as a whole.
        assert_eq!(statements("SELECT 1;\0;"), ["SELECT 1;", "\0;"]);
    }
}
