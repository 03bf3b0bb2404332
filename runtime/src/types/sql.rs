//! [`Sql`]: a statement checked at compile time, from [`sql!`](crate::sql!) or
//! [`#[larder::sql_const]`](crate::sql_const), with what the engine learnt about it.

use std::fmt;
use std::ops::Deref;

use crate::types::columns::{message, same_name, ConstCheck};

/// A SQL statement checked at compile time — by libSQL's engine, against the crate's schema when
/// there is one — with its parameter count and result columns. Made by [`sql!`](crate::sql!) or,
/// for a `&str` constant marked [`#[larder::sql_const]`](crate::sql_const), as its `NAME_SQL` companion.
/// It dereferences to the SQL text, so it goes wherever a `&str` does.
///
/// ```
/// const ADD: larder::Sql = larder::sql!("SELECT ?1 + ?2 AS sum");
/// assert_eq!(ADD.param_count(), 2);
/// assert_eq!(ADD.columns(), ["sum"]);
/// # async fn demo() -> larder::Result<()> {
/// let db = larder::Db::memory().await?;
/// let sum: i64 = db.fetch_one(&ADD, larder::params![40, 2]).await?;
/// assert_eq!(sum, 42);
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sql {
    parts: SqlParts,
}

/// What the macros learnt about a checked statement, to build its [`Sql`] (through
/// `__private::checked_sql`): named fields, so a generated constant says what each value is.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SqlParts {
    /// The SQL text.
    pub text: &'static str,
    /// The text with named placeholders written `?N` ("" when it has none): what runs, since a
    /// libSQL server binds positional values to numbered placeholders only.
    pub numbered: &'static str,
    /// Each parameter index's placeholder as written ("" for an index never written).
    pub placeholders: &'static [&'static str],
    /// The result columns.
    pub columns: &'static [&'static str],
    /// Each column's declared type ("" for an expression).
    pub declared: &'static [&'static str],
    /// The columns, joined for messages.
    pub returned: &'static str,
    /// Tables read.
    pub reads: &'static [&'static str],
    /// Tables written.
    pub writes: &'static [&'static str],
    /// The engine says it does not write.
    pub read_only: bool,
    /// It only inserts rows.
    pub insert_only: bool,
    /// `(table, column)` of a `WHERE column = ?` lookup.
    pub point: Option<(&'static str, &'static str)>,
    /// The engine prepared it: columns and tables are known.
    pub described: bool,
    /// It returns rows.
    pub rows: bool,
}

impl Sql {
    /// Written by the macros only, after they checked the statement.
    pub(crate) const fn from_parts(parts: SqlParts) -> Sql {
        Sql { parts }
    }

    /// The SQL text.
    ///
    /// ```
    /// assert_eq!(larder::sql!("SELECT 1").as_str(), "SELECT 1");
    /// ```
    pub const fn as_str(&self) -> &'static str {
        self.parts.text
    }

    /// The text `#[prepared(CONSTANT)]` runs: named placeholders written as the `?N` SQLite
    /// numbers them (the same statement; a libSQL server binds positional values only to those).
    pub(crate) const fn statement_text(&self) -> &'static str {
        if self.parts.numbered.is_empty() {
            self.parts.text
        } else {
            self.parts.numbered
        }
    }

    /// How many parameters the statement binds (SQLite's count: the largest index).
    ///
    /// ```
    /// assert_eq!(larder::sql!("SELECT :a, :b, :a").param_count(), 2);
    /// ```
    pub const fn param_count(&self) -> usize {
        self.parts.placeholders.len()
    }

    /// The names of the result columns (empty for a statement that returns no rows, and when
    /// the columns are not known: no schema, and the statement names a table).
    ///
    /// ```
    /// assert_eq!(larder::sql!("SELECT 1 AS one, 2 AS two").columns(), ["one", "two"]);
    /// ```
    pub const fn columns(&self) -> &'static [&'static str] {
        self.parts.columns
    }

    /// Whether the statement changes nothing (SQLite's `sqlite3_stmt_readonly`).
    ///
    /// ```
    /// assert!(larder::sql!("SELECT 1").is_read_only());
    /// ```
    pub const fn is_read_only(&self) -> bool {
        self.parts.read_only
    }

    /// The tables it reads, as the engine reports them (through views; known only with a schema).
    ///
    /// ```
    /// assert!(larder::sql!("SELECT 1").tables_read().is_empty());
    /// ```
    pub const fn tables_read(&self) -> &'static [&'static str] {
        self.parts.reads
    }

    /// The tables it writes, triggers included (known only with a schema).
    ///
    /// ```
    /// assert!(larder::sql!("SELECT 1").tables_written().is_empty());
    /// ```
    pub const fn tables_written(&self) -> &'static [&'static str] {
        self.parts.writes
    }

    /// The tables it writes, `None` for a read (for its `StatementSite`).
    pub(crate) const fn writes_if_any(&self) -> Option<&'static [&'static str]> {
        if self.parts.read_only {
            None
        } else {
            Some(self.parts.writes)
        }
    }

    /// The tables it reads, `None` when unknown (for its `CacheSite`).
    pub(crate) const fn reads_if_known(&self) -> Option<&'static [&'static str]> {
        if self.parts.reads.is_empty() {
            None
        } else {
            Some(self.parts.reads)
        }
    }

    pub(crate) const fn insert_only(&self) -> bool {
        self.parts.insert_only
    }

    pub(crate) const fn point(&self) -> Option<(&'static str, &'static str)> {
        self.parts.point
    }

    pub(crate) const fn returns_rows(&self) -> bool {
        self.parts.rows
    }
}

impl Deref for Sql {
    type Target = str;

    fn deref(&self) -> &str {
        self.parts.text
    }
}

impl AsRef<str> for Sql {
    fn as_ref(&self) -> &str {
        self.parts.text
    }
}

impl fmt::Display for Sql {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.parts.text)
    }
}

/// How a `#[prepared(CONSTANT)]` method uses its statement, for [`check_use`].
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum Use {
    /// Reads rows (`Option<T>`, `Vec<T>`, `T`).
    Rows,
    /// Returns `()`: the statement must return no rows.
    Unit,
    /// Returns `u64`: rows changed, or one integer column.
    Count,
    /// A `#[cached_query]` method: the statement must only read.
    CachedRows,
}

/// The checks of a `#[prepared(CONSTANT)]` method that the macro cannot do itself (it sees the
/// constant's name, not its text): one parameter per placeholder, bound by position, named
/// placeholders named like their parameter; rows when the method reads them, none for `()`.
#[doc(hidden)]
pub const fn check_use(
    sql: &Sql,
    constant: &str,
    statement: &str,
    params: &[&str],
    used: Use,
) -> ConstCheck {
    let check = check_placeholders(sql, constant, statement, params);
    if check.message().is_some() {
        return check;
    }
    if !sql.parts.described {
        return ConstCheck::FITS;
    }
    check_rows(sql, constant, statement, used)
}

/// Parameters bind placeholders by position: as many of each, each named like its parameter.
const fn check_placeholders(
    sql: &Sql,
    constant: &str,
    statement: &str,
    params: &[&str],
) -> ConstCheck {
    if sql.parts.placeholders.len() != params.len() {
        return message(&[
            "`",
            constant,
            "` has a different number of placeholders than `",
            statement,
            "` has parameters; with SQL from a constant, parameters bind by position: ?1 is the \
             first parameter after `self`, ?2 the second, ...",
        ]);
    }
    let mut i = 0;
    while i < params.len() {
        let placeholder = sql.parts.placeholders[i];
        if placeholder.is_empty() {
            return message(&[
                "parameter `",
                params[i],
                "` of `",
                statement,
                "` is not used by `",
                constant,
                "`: its position has no placeholder; remove the parameter or use it in the SQL",
            ]);
        }
        let bytes = placeholder.as_bytes();
        if bytes[0] != b'?' {
            // `:name`, `@name`, `$name`: the name after the sigil.
            if !same_name(bytes, 1, params[i].as_bytes()) {
                return message(&[
                    "placeholder `",
                    placeholder,
                    "` of `",
                    constant,
                    "` binds, by position, parameter `",
                    params[i],
                    "` of `",
                    statement,
                    "`; with SQL from a constant, parameters bind by position, so name and order \
                     them like the placeholders",
                ]);
            }
        }
        i += 1;
    }
    ConstCheck::FITS
}

/// Rows when the method reads them, none for `()`, a read for `#[cached_query]`.
const fn check_rows(sql: &Sql, constant: &str, statement: &str, used: Use) -> ConstCheck {
    let rows = !sql.parts.columns.is_empty();
    match used {
        Use::Rows if !rows => message(&[
            "`",
            constant,
            "` returns no rows, but `",
            statement,
            "` reads rows; return `u64` (rows changed) or `()`, or add a `RETURNING` clause",
        ]),
        Use::Unit if rows => message(&[
            "`",
            constant,
            "` returns rows (",
            sql.parts.returned,
            "), but `",
            statement,
            "` returns `()` and would throw them away; return `Option<T>`, `Vec<T>` or `T`",
        ]),
        Use::CachedRows if !sql.parts.read_only => message(&[
            "`#[cached_query]` caches reads, and `",
            constant,
            "` writes; put `#[invalidates(...)]` on `",
            statement,
            "` instead if it should drop cached entries",
        ]),
        Use::CachedRows if !rows => message(&[
            "`",
            constant,
            "` returns no rows, but `",
            statement,
            "` reads rows",
        ]),
        _ => ConstCheck::FITS,
    }
}

/// [`check_columns`](crate::types::columns::check_columns) for a constant's statement; passes when its
/// columns are not known.
#[doc(hidden)]
pub const fn check_sql_columns(
    shape: Option<crate::RowShape>,
    fields: &[crate::FieldType],
    sql: &Sql,
    type_name: &str,
    statement: &str,
) -> ConstCheck {
    if !sql.parts.described || sql.parts.columns.is_empty() {
        return ConstCheck::FITS;
    }
    crate::types::columns::check_columns(
        shape,
        fields,
        sql.parts.columns,
        sql.parts.declared,
        type_name,
        statement,
        sql.parts.returned,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const GET: Sql = Sql::from_parts(SqlParts {
        text: "SELECT name FROM items WHERE id = :id AND qty > ?2",
        numbered: "SELECT name FROM items WHERE id = ?1 AND qty > ?2",
        placeholders: &[":id", "?2"],
        columns: &["name"],
        declared: &["TEXT"],
        returned: "name",
        reads: &["items"],
        writes: &[],
        read_only: true,
        insert_only: false,
        point: None,
        described: true,
        rows: true,
    });

    fn check(params: &[&str], used: Use) -> Option<String> {
        check_use(&GET, "GET", "Store::get", params, used)
            .message()
            .map(str::to_owned)
    }

    #[test]
    fn the_statement_run_has_its_names_numbered_and_the_text_stays_as_written() {
        assert_eq!(
            GET.as_str(),
            "SELECT name FROM items WHERE id = :id AND qty > ?2"
        );
        assert_eq!(
            GET.statement_text(),
            "SELECT name FROM items WHERE id = ?1 AND qty > ?2"
        );
    }

    #[test]
    fn a_fitting_method_passes() {
        assert_eq!(check(&["id", "qty"], Use::Rows), None);
        assert_eq!(check(&["id", "qty"], Use::CachedRows), None);
        assert_eq!(check(&["id", "qty"], Use::Count), None);
    }

    #[test]
    fn mismatches_are_named() {
        assert!(check(&["id"], Use::Rows)
            .unwrap()
            .contains("different number"));
        assert!(check(&["qty", "id"], Use::Rows)
            .unwrap()
            .contains("placeholder `:id` of `GET` binds, by position, parameter `qty`"));
        assert!(check(&["id", "qty"], Use::Unit)
            .unwrap()
            .contains("returns rows (name)"));
        let gap = Sql::from_parts(SqlParts {
            text: "SELECT ?1, ?3",
            numbered: "",
            placeholders: &["?1", "", "?3"],
            columns: &["a", "b"],
            declared: &["", ""],
            returned: "",
            reads: &[],
            writes: &[],
            read_only: true,
            insert_only: false,
            point: None,
            described: true,
            rows: true,
        });
        let m = check_use(&gap, "GAP", "S::m", &["a", "b", "c"], Use::Rows);
        assert!(m
            .message()
            .unwrap()
            .contains("parameter `b` of `S::m` is not used"));
    }
}
