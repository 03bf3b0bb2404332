//! The one error type of larder.

use std::time::Duration;

/// `Result<T, larder::Error>`: what every generated method and runtime call returns.
///
/// ```
/// fn parse_limit(s: &str) -> larder::Result<u32> {
///     s.parse().map_err(|_| larder::Error::Config(format!("`{s}` is not a row limit")))
/// }
/// assert!(parse_limit("10").is_ok());
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in larder, each variant with a message that says what happened
/// and what to do about it.
///
/// ```
/// let err = larder::Error::NotFound { statement: "Store::episode".into() };
/// assert!(err.to_string().contains("returned no row"));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database rejected or failed a statement (syntax, constraint, I/O ...).
    ///
    /// The message includes what the engine said, once: `cause` is not also returned by
    /// [`source()`](std::error::Error::source), so reporters that walk the chain do not print
    /// it twice. [`Error::sqlite_code`] and [`Error::libsql`] reach it.
    #[error("statement `{statement}` failed: {}\n  SQL: {sql}", describe(cause))]
    Sql {
        /// The statement's name (`Type::method` for `#[prepared]` methods, `dynamic` otherwise).
        statement: String,
        /// The SQL text that failed.
        sql: String,
        /// What libSQL reported.
        cause: libsql::Error,
    },

    /// The write lock did not come within the busy timeout — the time in the `Db`'s writer lane
    /// (behind its other writers) and the wait for another process's lock together; the
    /// statement changed nothing.
    #[error(
        "statement `{statement}` waited {waited:?} for the database's write lock (database is \
         locked) and gave up: another writer holds it or was ahead in the queue (this `Db`'s \
         writers take turns; another `Db` or process may hold it). Raise \
         `Db::builder().busy_timeout(..)` (now {busy_timeout:?}), or keep transactions short"
    )]
    Busy {
        /// The statement's name.
        statement: String,
        /// How long it waited.
        waited: Duration,
        /// The busy timeout in force.
        busy_timeout: Duration,
    },

    /// No pooled connection became free within the acquire timeout.
    #[error(
        "no database connection became free within {waited:?} (all {size} in use); raise \
         `Db::builder().pool_size(..)` or `.acquire_timeout(..)`, or look at what holds them: \
         long transactions, or statements waiting for a write lock that another process \
         holds (`Db::pool_stats()` counts them)"
    )]
    PoolTimeout {
        /// How long the caller waited.
        waited: Duration,
        /// The pool's maximum size.
        size: usize,
    },

    /// A method whose return type asks for exactly one row (`Result<T>`) got none.
    #[error(
        "statement `{statement}` returned no row but its method returns exactly one; \
         return `Option<T>` if the row may be missing"
    )]
    NotFound {
        /// The statement's name.
        statement: String,
    },

    /// A method whose return type allows at most one row got more.
    #[error(
        "statement `{statement}` returned more than one row but its method returns at most one; \
         add a `LIMIT 1` or a unique key to the WHERE clause, or return `Vec<T>`"
    )]
    TooManyRows {
        /// The statement's name.
        statement: String,
    },

    /// A column's value could not be turned into the Rust type that reads it.
    #[error(
        "statement `{statement}`: column `{column}` holds {found}, which cannot be read as {expected}; \
         change the field's type or the column's value"
    )]
    Decode {
        /// The statement's name.
        statement: String,
        /// The column's name as the statement reports it.
        column: String,
        /// The Rust type that tried to read it.
        expected: &'static str,
        /// What the column held.
        found: String,
    },

    /// A `FromRow` type needs a column that the statement does not return.
    #[error(
        "statement `{statement}` returns no column named `{column}` (it returns: {available}); \
         add it to the SELECT list, alias it with `AS {column}`, or rename the field with \
         `#[larder(rename = \"...\")]`"
    )]
    ColumnNotFound {
        /// The statement's name.
        statement: String,
        /// The missing column.
        column: String,
        /// The columns the statement returns, comma separated.
        available: String,
    },

    /// A `FromRow` type reads a column by a name that several of the statement's columns have
    /// (`SELECT *` over a join of tables that share column names): it would read one of them,
    /// perhaps the other table's.
    #[error(
        "statement `{statement}` returns several columns named `{column}` (it returns: \
         {available}); a field reads one by name and could read the wrong table's: alias them \
         apart in the SELECT list (`SELECT a.{column} AS a_{column}, b.{column} AS b_{column}, ...`) \
         instead of `*`"
    )]
    AmbiguousColumn {
        /// The statement's name.
        statement: String,
        /// The column name that several columns have.
        column: String,
        /// The columns the statement returns, comma separated.
        available: String,
    },

    /// A scalar (`i64`, `String`, ...) reads exactly one column, a tuple as many as it has fields.
    #[error(
        "statement `{statement}` returns {count} columns but its method reads {expected} by position; \
         select exactly {expected}, or return a `#[derive(FromRow)]` struct that reads columns by name"
    )]
    ColumnCount {
        /// The statement's name.
        statement: String,
        /// How many columns it returns.
        count: usize,
        /// How many the return type reads.
        expected: usize,
    },

    /// A parameter's value cannot be stored (e.g. a `u64` above `i64::MAX`).
    #[error("statement `{statement}`: parameter `{parameter}` cannot be bound: {reason}")]
    Encode {
        /// The statement's name.
        statement: String,
        /// The parameter's name (or `?N` for its position).
        parameter: String,
        /// Why it cannot be bound.
        reason: String,
    },

    /// The database could not be opened or a connection could not be made.
    #[error(
        "cannot connect to `{target}`: {}; check the path or URL and its permissions",
        describe(cause)
    )]
    Connect {
        /// The path or URL.
        target: String,
        /// What libSQL reported.
        cause: libsql::Error,
    },

    /// A remote server (or the primary of an embedded replica) did not answer one request within
    /// the request timeout. The connection it used is closed; a transaction it was part of is
    /// rolled back by the server.
    #[error(
        "statement `{statement}` got no answer from the database server within {after:?}; \
         the server may be down, overloaded or unreachable. Raise \
         `Db::builder().request_timeout(..)` if the statement is slow on purpose"
    )]
    Timeout {
        /// The statement's name (`sync` for a replica sync).
        statement: String,
        /// The request timeout that passed.
        after: Duration,
    },

    /// An embedded replica could not sync from its primary. Reads keep serving the state of the
    /// last successful sync; cached entries stay consistent with it.
    #[error(
        "syncing the embedded replica from `{target}` failed: {}; reads still serve the \
         last synced state. Check that the primary is reachable and the token is valid",
        describe(cause)
    )]
    Sync {
        /// The primary's URL.
        target: String,
        /// What libSQL reported.
        cause: libsql::Error,
    },

    /// The database ended a transaction itself during a statement — `INSERT OR ROLLBACK`, a
    /// trigger's `RAISE(ROLLBACK, ...)`, an I/O error — and rolled it back. Every statement of the
    /// transaction before that one was undone; the transaction fails with this error even when
    /// its body handled the statement's own error, and nothing else runs in it (it would run
    /// outside the transaction).
    #[error(
        "the database rolled the transaction back during statement `{statement}` (an `OR \
         ROLLBACK` conflict, `RAISE(ROLLBACK)` in a trigger, or an I/O error); none of its \
         writes were kept and nothing after that statement ran. Fix the cause and run the \
         transaction again"
    )]
    TransactionEnded {
        /// The statement during which the engine ended the transaction.
        statement: String,
    },

    /// A migration could not be applied or undone, or the database's record of applied
    /// migrations does not fit this binary's (see `Db::migrate`); the message says what to do.
    #[error("migration `{file}`: {reason}")]
    Migration {
        /// The migration's file (or `version N (description)` for one this binary lacks).
        file: String,
        /// What is wrong, and what happened to the database.
        reason: String,
    },

    /// A builder option has a value larder cannot use.
    #[error("invalid configuration: {0}")]
    Config(String),

    /// larder was used in a way it does not support (a hand-written `FromRow` reading past its
    /// shape, `Db::sync` on a database that is not a replica, ...); the message says what to change.
    #[error("unsupported use of larder: {0}")]
    Misuse(String),
}

impl Error {
    /// What libSQL reported, for the variants that carry it ([`Error::Sql`], [`Error::Connect`],
    /// [`Error::Sync`]).
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// let err = db.execute("INSERT INTO nowhere VALUES (1)", &[]).await.unwrap_err();
    /// assert!(matches!(err.libsql(), Some(libsql::Error::SqliteFailure(..))));
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub fn libsql(&self) -> Option<&libsql::Error> {
        match self {
            Error::Sql { cause, .. } | Error::Connect { cause, .. } | Error::Sync { cause, .. } => {
                Some(cause)
            }
            _ => None,
        }
    }

    /// SQLite's (extended) result code, when the engine reported one: `2067` for a UNIQUE
    /// violation, `5` for [`Error::Busy`]. A remote server's code is known by name only
    /// (see the message).
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// db.execute_batch("CREATE TABLE t (x UNIQUE); INSERT INTO t VALUES (1)").await?;
    /// let err = db.execute("INSERT INTO t VALUES (1)", &[]).await.unwrap_err();
    /// assert_eq!(err.sqlite_code(), Some(2067)); // SQLITE_CONSTRAINT_UNIQUE
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub fn sqlite_code(&self) -> Option<i32> {
        match self {
            Error::Busy { .. } => Some(5),
            _ => match self.libsql()? {
                libsql::Error::SqliteFailure(code, _) => Some(*code),
                libsql::Error::RemoteSqliteFailure(_, code, _) => Some(*code),
                _ => None,
            },
        }
    }
}

/// What libSQL reported, in words: the engine's own message without libSQL's wrapping, and a
/// server's error without its Rust `Debug` form (`Error { message: …, code: … }`).
pub(crate) fn describe(cause: &libsql::Error) -> String {
    match cause {
        libsql::Error::SqliteFailure(_, message) => message.clone(),
        libsql::Error::ConnectionFailed(message) => message.clone(),
        libsql::Error::Hrana(error) => describe_server(&error.to_string()),
        other => other.to_string(),
    }
}

/// A Hrana error's text: `stream error: `Error { message: "…", code: "…" }``, or
/// `api error: `status=400 Bad Request, body=…``.
fn describe_server(text: &str) -> String {
    if let Some(message) = quoted_field(text, "message") {
        let message = message.strip_prefix("SQLite error: ").unwrap_or(&message);
        return match quoted_field(text, "code") {
            Some(code) => format!("{message} ({code}, from the server)"),
            None => format!("{message} (from the server)"),
        };
    }
    if let Some((_, rest)) = text.split_once("status=") {
        let rest = rest.trim_end_matches('`');
        if let Some((status, body)) = rest.split_once(", body=") {
            return format!("the server answered {status}: {body}");
        }
    }
    text.replace('`', "")
}

/// The value of `name: "…"` in a `Debug` rendering, unescaped.
fn quoted_field(text: &str, name: &str) -> Option<String> {
    let start = text.find(&format!("{name}: \""))? + name.len() + 3;
    let mut out = String::new();
    let mut chars = text[start..].chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                't' => out.push('\t'),
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// What a `Decode` or `Encode` implementation reports; larder adds the statement and column.
///
/// ```
/// let e = larder::ValueError::new("u64", "INTEGER -1 (negative)");
/// assert_eq!(e.expected(), "u64");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueError {
    expected: &'static str,
    found: String,
}

impl ValueError {
    /// A value that is not what `expected` can hold; `found` describes it ("TEXT", "NULL", ...).
    pub fn new(expected: &'static str, found: impl Into<String>) -> Self {
        ValueError {
            expected,
            found: found.into(),
        }
    }

    /// The Rust type that could not hold the value.
    ///
    /// ```
    /// assert_eq!(larder::ValueError::new("u8", "INTEGER 300").expected(), "u8");
    /// ```
    pub fn expected(&self) -> &'static str {
        self.expected
    }

    /// A description of the value.
    ///
    /// ```
    /// assert_eq!(larder::ValueError::new("u8", "INTEGER 300").found(), "INTEGER 300");
    /// ```
    pub fn found(&self) -> &str {
        &self.found
    }

    pub(crate) fn into_decode(self, statement: &str, column: &str) -> Error {
        let found = if self.found == "NULL" {
            let t = self.expected;
            format!(
                "NULL (read a column that may be NULL as `Option<{t}>`; where the method returns \
                 `Option<...>` for zero or one row, `Option<Option<{t}>>` tells a NULL from no row)"
            )
        } else {
            self.found
        };
        Error::Decode {
            statement: statement.to_owned(),
            column: column.to_owned(),
            expected: self.expected,
            found,
        }
    }

    pub(crate) fn into_encode(self, statement: &str, parameter: &str) -> Error {
        Error::Encode {
            statement: statement.to_owned(),
            parameter: parameter.to_owned(),
            reason: format!("{} cannot be stored as {}", self.found, self.expected),
        }
    }
}

impl std::fmt::Display for ValueError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} cannot be read as {}", self.found, self.expected)
    }
}

impl std::error::Error for ValueError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_read_as_words_not_debug_structs() {
        let text = "stream error: `Error { message: \"SQLite error: UNIQUE constraint failed: \
                    t.x\", code: \"SQLITE_CONSTRAINT_UNIQUE\" }`";
        assert_eq!(
            describe_server(text),
            "UNIQUE constraint failed: t.x (SQLITE_CONSTRAINT_UNIQUE, from the server)"
        );
        assert_eq!(
            describe_server("api error: `status=400 Bad Request, body=Received an invalid baton`"),
            "the server answered 400 Bad Request: Received an invalid baton"
        );
        assert_eq!(
            quoted_field(r#"Error { message: "a \"b\" c\\d" }"#, "message").as_deref(),
            Some(r#"a "b" c\d"#)
        );
        assert_eq!(
            describe_server("http error: `refused`"),
            "http error: refused"
        );
    }

    #[test]
    fn the_cause_is_in_the_message_once_and_not_a_source() {
        let err = Error::Sql {
            statement: "S::m".into(),
            sql: "SELECT 1".into(),
            cause: libsql::Error::SqliteFailure(2067, "UNIQUE constraint failed: t.x".into()),
        };
        let text = err.to_string();
        assert_eq!(
            text.matches("UNIQUE constraint failed").count(),
            1,
            "{text}"
        );
        assert!(std::error::Error::source(&err).is_none());
        assert_eq!(err.sqlite_code(), Some(2067));
    }
}
