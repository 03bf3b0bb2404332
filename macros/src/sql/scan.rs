//! What a statement's tokens say: its kind, placeholders numbered as SQLite numbers them, the
//! result columns of a plain SELECT, a `WHERE column = ?` point lookup, trailing statements.

use super::lexer::{is_word, name_at, Lexer, Token};
pub(crate) use super::lexer::{Placeholder, PlaceholderStyle};
use super::tables::tables;

/// The kind of a statement, from its leading keyword.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// SELECT or VALUES (also through WITH): returns rows.
    Query,
    /// INSERT, REPLACE, UPDATE, DELETE; `returning` when it has a RETURNING clause.
    Write { returning: bool },
    /// CREATE, DROP, ALTER.
    Schema,
    /// PRAGMA, EXPLAIN, BEGIN, ... : not checked against the return type.
    Other,
}

impl Kind {
    pub(crate) fn returns_rows(self) -> Option<bool> {
        match self {
            Kind::Query => Some(true),
            Kind::Write { returning } => Some(returning),
            Kind::Schema => Some(false),
            Kind::Other => None,
        }
    }
}

/// What a scan found.
#[derive(Debug, Clone)]
pub(crate) struct Scan {
    pub(crate) placeholders: Vec<Placeholder>,
    /// The statement's leading keyword, upper case (`SELECT`), if any.
    pub(crate) keyword: Option<String>,
    pub(crate) kind: Kind,
    /// Text after the first `;` that is more than white space and comments.
    pub(crate) trailing_statement: Option<String>,
    /// A string literal, quoted identifier or comment that never ends.
    pub(crate) unterminated: Option<&'static str>,
    /// Tables the statement reads (after FROM / JOIN, including subqueries), lower case, without
    /// the CTE names it defines.
    pub(crate) reads: Vec<String>,
    /// Tables it writes (INSERT / REPLACE INTO, UPDATE, DELETE FROM), lower case.
    pub(crate) writes: Vec<String>,
    /// A plain INSERT (no REPLACE, no upsert): it adds rows and changes none.
    pub(crate) insert_only: bool,
    /// `SELECT ... FROM table WHERE column = placeholder [LIMIT ...]`: (table, column), lower
    /// case. If the column turns out to be a unique key, inserts cannot change a found row.
    pub(crate) point: Option<(String, String)>,
    /// How many columns a `SELECT` list or a `RETURNING` clause has, when the lexer can tell (no
    /// `*`): the count check that still runs without a schema.
    pub(crate) result_columns: Option<usize>,
    /// A `SELECT` that always returns exactly one row (`sql::one_row`).
    pub(crate) one_row: bool,
}

impl Scan {
    /// The number of parameters SQLite will report: the largest index used.
    pub(crate) fn parameter_count(&self) -> usize {
        self.placeholders.iter().map(|p| p.index).max().unwrap_or(0)
    }
}

/// Lexes `sql` and numbers its placeholders as SQLite does: `?N` is N; `?` is one more than the
/// largest index so far; a name gets one more than the largest index the first time it appears
/// and the same index afterwards.
pub(crate) fn scan(sql: &str) -> Scan {
    let mut lexer = Lexer::new(sql);
    let mut tokens = Vec::new();
    let mut trailing_statement = None;
    while let Some(token) = lexer.next_token() {
        if token == Token::Semicolon {
            let rest = lexer.rest();
            if has_content(rest) {
                trailing_statement = Some(rest.trim().to_owned());
            }
            break;
        }
        tokens.push(token);
    }
    let keyword = tokens.iter().find_map(|t| match t {
        Token::Word(w) => Some(w.to_ascii_uppercase()),
        _ => None,
    });
    let kind = kind(&tokens);
    let (reads, writes) = tables(&tokens);
    let insert_only = is_word(tokens.first(), "INSERT")
        && !tokens.iter().any(|t| {
            ["REPLACE", "CONFLICT", "UPDATE"]
                .iter()
                .any(|k| matches!(t, Token::Word(w) if w.eq_ignore_ascii_case(k)))
        });
    let point = point_lookup(&tokens);
    let result_columns = result_columns(&tokens);
    let one_row = super::one_row::always_one_row(&tokens);
    let placeholders = tokens
        .into_iter()
        .filter_map(|t| match t {
            Token::Placeholder(p) => Some(p),
            _ => None,
        })
        .collect();
    Scan {
        placeholders,
        keyword,
        kind,
        trailing_statement,
        unterminated: lexer.unterminated(),
        reads,
        writes,
        insert_only,
        point,
        result_columns,
        one_row,
    }
}

/// The number of items of the top-level `SELECT` list (a statement starting with `SELECT`) or of
/// a top-level `RETURNING` clause; `None` when one is `*` or `table.*`, or there is no such list.
fn result_columns(tokens: &[Token]) -> Option<usize> {
    const END: &[&str] = &[
        "FROM",
        "WHERE",
        "GROUP",
        "HAVING",
        "WINDOW",
        "ORDER",
        "LIMIT",
        "UNION",
        "EXCEPT",
        "INTERSECT",
    ];
    let start = if is_word(tokens.first(), "SELECT") {
        1
    } else {
        let mut depth = 0usize;
        let position = tokens.iter().position(|t| {
            match t {
                Token::Open => depth += 1,
                Token::Close => depth = depth.saturating_sub(1),
                _ => {}
            }
            depth == 0 && is_word(Some(t), "RETURNING")
        })?;
        position + 1
    };
    let mut i = start;
    if is_word(tokens.get(i), "DISTINCT") || is_word(tokens.get(i), "ALL") {
        i += 1;
    }
    let mut depth = 0usize;
    let mut items: Vec<Vec<&Token>> = vec![Vec::new()];
    for t in &tokens[i..] {
        match t {
            Token::Open => depth += 1,
            Token::Close => depth = depth.saturating_sub(1),
            Token::Word(w) if depth == 0 && END.iter().any(|e| e.eq_ignore_ascii_case(w)) => break,
            Token::Comma if depth == 0 => {
                items.push(Vec::new());
                continue;
            }
            _ => {}
        }
        if let Some(item) = items.last_mut() {
            item.push(t);
        }
    }
    let star = |item: &Vec<&Token>| {
        matches!(item.as_slice(), [Token::Other])
            || matches!(item.as_slice(), [_, Token::Dot, Token::Other])
    };
    if items.iter().any(|item| item.is_empty() || star(item)) {
        return None;
    }
    Some(items.len())
}

/// `SELECT <columns> FROM <table> WHERE <column> = <placeholder>`, optionally followed by
/// `LIMIT ...`: nothing else may narrow or widen the result.
/// Aggregate functions (`min` and `max` also have scalar forms, which count too).
pub(super) const AGGREGATES: &[&str] = &[
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

fn point_lookup(tokens: &[Token]) -> Option<(String, String)> {
    if !is_word(tokens.first(), "SELECT") {
        return None;
    }
    let from = tokens
        .iter()
        .position(|t| matches!(t, Token::Word(w) if w.eq_ignore_ascii_case("FROM")))?;
    // No subquery in the selected columns.
    if tokens[..from].iter().any(|t| {
        matches!(t, Token::Word(w) if w.eq_ignore_ascii_case("SELECT"))
            && !std::ptr::eq(t, &tokens[0])
    }) {
        return None;
    }
    // No aggregate: `SELECT count(*) FROM t WHERE k = ?` counts rows, it finds none.
    if tokens[1..from].windows(2).any(|pair| {
        matches!(&pair[0], Token::Word(w) if AGGREGATES.iter().any(|a| w.eq_ignore_ascii_case(a)))
            && pair[1] == Token::Open
    }) {
        return None;
    }
    // A table of another schema (`aux.t`, `temp.t`) is not the `t` the counters name.
    if tokens.get(from + 2) == Some(&Token::Dot) && !is_word(tokens.get(from + 1), "main") {
        return None;
    }
    let (table, after_table) = name_at(tokens, from + 1)?;
    let mut i = after_table;
    if !is_word(tokens.get(i), "WHERE") {
        return None;
    }
    i += 1;
    // `column` or `table.column` (`name_at` skips the qualifier, which must be the table).
    let (column, next) = name_at(tokens, i)?;
    if tokens.get(i + 1) == Some(&Token::Dot) {
        let (qualifier, _) = name_at(&tokens[..=i], i)?;
        if qualifier != table {
            return None;
        }
    }
    if tokens.get(next) != Some(&Token::Equals)
        || !matches!(tokens.get(next + 1), Some(Token::Placeholder(_)))
    {
        return None;
    }
    match tokens.get(next + 2) {
        None => Some((table, column)),
        Some(t) if is_word(Some(t), "LIMIT") => Some((table, column)),
        Some(_) => None,
    }
}

/// Whether `rest` holds anything but white space, comments and further `;`.
fn has_content(rest: &str) -> bool {
    let mut lexer = Lexer::new(rest);
    std::iter::from_fn(|| lexer.next_token()).any(|t| t != Token::Semicolon)
}

fn kind(tokens: &[Token]) -> Kind {
    let mut depth = 0usize;
    let mut leading: Option<String> = None;
    let mut returning = false;
    let mut after_with = false;
    for token in tokens {
        match token {
            Token::Open => depth += 1,
            Token::Close => depth = depth.saturating_sub(1),
            Token::Word(w) if depth == 0 => {
                let w = w.to_ascii_uppercase();
                if w == "RETURNING" {
                    returning = true;
                }
                match &leading {
                    None if w == "WITH" => {
                        leading = Some(w);
                        after_with = true;
                    }
                    None => leading = Some(w),
                    // After the CTEs of a WITH, the first top-level statement keyword decides.
                    Some(_) if after_with && is_statement_keyword(&w) => {
                        leading = Some(w);
                        after_with = false;
                    }
                    Some(_) => {}
                }
            }
            _ => {}
        }
    }
    match leading.as_deref() {
        Some("SELECT" | "VALUES") => Kind::Query,
        Some("INSERT" | "REPLACE" | "UPDATE" | "DELETE") => Kind::Write { returning },
        Some("CREATE" | "DROP" | "ALTER") => Kind::Schema,
        _ => Kind::Other,
    }
}

fn is_statement_keyword(w: &str) -> bool {
    matches!(
        w,
        "SELECT" | "VALUES" | "INSERT" | "REPLACE" | "UPDATE" | "DELETE"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indexes(sql: &str) -> Vec<(String, usize)> {
        scan(sql)
            .placeholders
            .into_iter()
            .map(|p| (p.text, p.index))
            .collect()
    }

    #[test]
    fn numbers_placeholders_like_sqlite() {
        assert_eq!(
            indexes("SELECT ?, ?5, ?, :a, @b, :a, $c"),
            [
                ("?", 1),
                ("?5", 5),
                ("?", 6),
                (":a", 7),
                ("@b", 8),
                (":a", 7),
                ("$c", 9)
            ]
            .map(|(t, i)| (t.to_owned(), i))
        );
    }

    #[test]
    fn skips_strings_identifiers_and_comments() {
        let sql = "SELECT '?', 'it''s :x', \"a?b\", [c:d], `e@f` -- ?1 :y\n /* :z ? */ FROM t WHERE id = ?1";
        assert_eq!(indexes(sql), [("?1".to_owned(), 1)]);
        assert_eq!(scan(sql).unterminated, None);
    }

    #[test]
    fn finds_the_kind() {
        assert_eq!(scan("select 1").kind, Kind::Query);
        assert_eq!(
            scan("WITH x AS (SELECT 1) DELETE FROM t").kind,
            Kind::Write { returning: false }
        );
        assert_eq!(
            scan("WITH x AS (SELECT 1) SELECT * FROM x").kind,
            Kind::Query
        );
        assert_eq!(
            scan("INSERT INTO t VALUES (1) RETURNING id").kind,
            Kind::Write { returning: true }
        );
        assert_eq!(
            scan("insert into t select * from u").kind,
            Kind::Write { returning: false }
        );
        assert_eq!(scan("CREATE TABLE t (x)").kind, Kind::Schema);
        assert_eq!(scan("PRAGMA user_version").kind, Kind::Other);
    }

    #[test]
    fn detects_a_second_statement() {
        assert_eq!(scan("SELECT 1;").trailing_statement, None);
        assert_eq!(scan("SELECT 1; -- done\n").trailing_statement, None);
        assert_eq!(
            scan("SELECT 1; DELETE FROM t")
                .trailing_statement
                .as_deref(),
            Some("DELETE FROM t")
        );
        assert_eq!(scan("SELECT ';'").trailing_statement, None);
    }

    fn rw(sql: &str) -> (Vec<String>, Vec<String>) {
        let s = scan(sql);
        (s.reads, s.writes)
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn finds_tables_read_and_written() {
        assert_eq!(
            rw("SELECT * FROM Episodes WHERE id = ?1"),
            (names(&["episodes"]), names(&[]))
        );
        assert_eq!(
            rw("SELECT e.id FROM episodes e JOIN steps s ON s.episode = e.id LEFT JOIN main.\"Patterns\" p USING (x)"),
            (names(&["episodes", "steps", "patterns"]), names(&[]))
        );
        assert_eq!(
            rw("SELECT 1 FROM a, b AS bb, [c]"),
            (names(&["a", "b", "c"]), names(&[]))
        );
        assert_eq!(
            rw("WITH recent(id) AS (SELECT id FROM episodes) SELECT * FROM recent JOIN steps ON 1"),
            // A CTE name is kept: it may shadow a table elsewhere in the statement.
            (names(&["episodes", "recent", "steps"]), names(&[]))
        );
        assert_eq!(rw("SELECT * FROM json_each(?1)"), (names(&[]), names(&[])));
        assert_eq!(
            rw("SELECT * FROM t WHERE x IN (SELECT y FROM u)"),
            (names(&["t", "u"]), names(&[]))
        );
        assert_eq!(
            rw("INSERT INTO episodes (id) VALUES (?1)"),
            (names(&[]), names(&["episodes"]))
        );
        assert_eq!(
            rw("INSERT OR REPLACE INTO a SELECT * FROM b"),
            (names(&["b"]), names(&["a"]))
        );
        assert_eq!(rw("REPLACE INTO a VALUES (1)"), (names(&[]), names(&["a"])));
        assert_eq!(
            rw("UPDATE OR IGNORE patterns SET n = n + 1"),
            (names(&[]), names(&["patterns"]))
        );
        assert_eq!(
            rw("DELETE FROM steps WHERE episode IN (SELECT id FROM episodes)"),
            (names(&["episodes"]), names(&["steps"]))
        );
        assert_eq!(rw("SELECT 1.5, 'FROM x'"), (names(&[]), names(&[])));
    }

    #[test]
    fn finds_point_lookups_and_plain_inserts() {
        let point = |sql: &str| scan(sql).point;
        let some = |t: &str, c: &str| Some((t.to_owned(), c.to_owned()));
        assert_eq!(
            point("SELECT id, task FROM episodes WHERE id = ?1"),
            some("episodes", "id")
        );
        assert_eq!(
            point("select * from Episodes where Episodes.ID = :id limit 1"),
            some("episodes", "id")
        );
        assert_eq!(
            point("SELECT * FROM episodes WHERE id = ?1 AND task = ?2"),
            None
        );
        assert_eq!(point("SELECT * FROM episodes WHERE id >= ?1"), None);
        assert_eq!(point("SELECT count(*) FROM kv WHERE k = ?1"), None);
        assert_eq!(point("SELECT MAX(v) FROM kv WHERE k = ?1"), None);
        assert_eq!(point("SELECT v FROM aux.kv WHERE k = ?1"), None);
        assert_eq!(
            point("SELECT v FROM main.kv WHERE k = ?1"),
            Some(("kv".into(), "k".into()))
        );
        assert_eq!(point("SELECT * FROM episodes WHERE id <= ?1"), None);
        assert_eq!(
            point("SELECT * FROM episodes e JOIN steps s ON 1 WHERE id = ?1"),
            None
        );
        assert_eq!(
            point("SELECT (SELECT 1 FROM x) FROM episodes WHERE id = ?1"),
            None
        );
        assert_eq!(
            point("SELECT * FROM episodes WHERE id = ?1 ORDER BY id"),
            None
        );
        assert_eq!(
            scan("SELECT a, f(b, c), (SELECT 1, 2) FROM t").result_columns,
            Some(3)
        );
        assert_eq!(
            scan("SELECT DISTINCT a FROM t WHERE b IN (1, 2)").result_columns,
            Some(1)
        );
        assert_eq!(
            scan("SELECT 1, 2 UNION SELECT 3, 4").result_columns,
            Some(2)
        );
        assert_eq!(scan("SELECT * FROM t").result_columns, None);
        assert_eq!(scan("SELECT t.*, a FROM t").result_columns, None);
        assert_eq!(scan("SELECT a * b FROM t").result_columns, Some(1));
        assert_eq!(
            scan("INSERT INTO t (a) VALUES (?1) RETURNING id, a").result_columns,
            Some(2)
        );
        assert_eq!(scan("UPDATE t SET a = 1").result_columns, None);
        assert!(scan("INSERT INTO t VALUES (1)").insert_only);
        assert!(scan("INSERT OR IGNORE INTO t VALUES (1)").insert_only);
        assert!(!scan("INSERT OR REPLACE INTO t VALUES (1)").insert_only);
        assert!(!scan("INSERT INTO t VALUES (1) ON CONFLICT (id) DO UPDATE SET x = 1").insert_only);
        assert!(!scan("UPDATE t SET x = 1").insert_only);
    }

    #[test]
    fn reports_unterminated_quotes() {
        assert_eq!(scan("SELECT 'abc").unterminated, Some("string literal"));
        assert_eq!(scan("SELECT 1 /* x").unterminated, Some("/* comment */"));
    }
}
