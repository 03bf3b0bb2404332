//! The tables a statement reads and writes, from its tokens (the fallback where the engine, which
//! knows views, triggers and foreign keys, is not asked: no schema, or a remote database).
//!
//! The lists err on the side of naming too much: a name that is no table costs the cache a
//! counter nobody moves, a table left out would leave stale entries. So CTE names are kept (a CTE
//! may shadow a table elsewhere in the statement; the runtime sees that such a name is not a base
//! table and depends on every write), and every table position is looked at, at every depth.

use super::lexer::{is_reserved, is_word, Token};

/// Tables read and written: names in FROM clauses (after FROM, a comma at the clause's level, or
/// JOIN — also after a subquery and its alias, or an ON condition), after `IN`, and the targets
/// of INSERT / REPLACE INTO, UPDATE and DELETE FROM. A name followed by `(` is a table-valued
/// function and is skipped. Names of another schema keep it (`aux.t`); `main.t` is `t`.
pub(crate) fn tables(tokens: &[Token]) -> (Vec<String>, Vec<String>) {
    let mut reads = Vec::new();
    let mut writes = Vec::new();
    // Whether the FROM clause of the query at each parenthesis depth is open.
    let mut in_from: Vec<bool> = vec![false];
    let mut expect_table = false;
    let mut i = 0;
    while i < tokens.len() {
        let depth = in_from.len() - 1;
        if expect_table {
            expect_table = false;
            if let Some((name, next)) = table_at(tokens, i) {
                push(&mut reads, name);
                i = next;
                continue;
            }
        }
        match &tokens[i] {
            Token::Open => in_from.push(false),
            Token::Close if depth > 0 => {
                in_from.pop();
            }
            Token::Comma if in_from[depth] => expect_table = true,
            Token::Word(w) => {
                let word = w.to_ascii_uppercase();
                match word.as_str() {
                    "FROM" if !(i > 0 && is_word(tokens.get(i - 1), "DELETE")) => {
                        in_from[depth] = true;
                        expect_table = true;
                    }
                    "JOIN" => expect_table = true,
                    "IN" => expect_table = true,
                    "WHERE" | "GROUP" | "HAVING" | "WINDOW" | "ORDER" | "LIMIT" | "UNION"
                    | "INTERSECT" | "EXCEPT" | "RETURNING" | "SELECT" | "VALUES" | "SET" => {
                        in_from[depth] = false
                    }
                    "INTO"
                        if (0..i).rev().take(3).any(|k| {
                            is_word(tokens.get(k), "INSERT") || is_word(tokens.get(k), "REPLACE")
                        }) =>
                    {
                        // `INTO t (a, b)`: a column list, not a table-valued function.
                        if let Some((name, _)) = name_at(tokens, i + 1) {
                            push(&mut writes, name);
                        }
                    }
                    "UPDATE" => {
                        // UPDATE [OR ROLLBACK|ABORT|REPLACE|FAIL|IGNORE] name (an upsert's
                        // `DO UPDATE SET` names none)
                        let j = if is_word(tokens.get(i + 1), "OR") {
                            i + 3
                        } else {
                            i + 1
                        };
                        if let Some((name, _)) = table_at(tokens, j) {
                            push(&mut writes, name);
                        }
                    }
                    "DELETE" if is_word(tokens.get(i + 1), "FROM") => {
                        if let Some((name, _)) = table_at(tokens, i + 2) {
                            push(&mut writes, name);
                        }
                        i += 1;
                    }
                    _ => {}
                }
            }
            _ => {}
        }
        i += 1;
    }
    (reads, writes)
}

/// The table named at `i` (`name`, `schema.name`; not followed by `(`), with the index after it.
fn table_at(tokens: &[Token], i: usize) -> Option<(String, usize)> {
    let (table, next) = name_at(tokens, i)?;
    (tokens.get(next) != Some(&Token::Open)).then_some((table, next))
}

/// The name at `i` (`name`, `schema.name`, `main.name` as `name`), with the index after it.
fn name_at(tokens: &[Token], i: usize) -> Option<(String, usize)> {
    let name = |t: Option<&Token>| match t? {
        Token::Word(w) if !is_reserved(w) => Some(w.to_ascii_lowercase()),
        Token::Quoted(q) => Some(q.to_ascii_lowercase()),
        _ => None,
    };
    let first = name(tokens.get(i))?;
    let (table, next) = if tokens.get(i + 1) == Some(&Token::Dot) {
        let second = name(tokens.get(i + 2))?;
        if first == "main" {
            (second, i + 3)
        } else {
            (format!("{first}.{second}"), i + 3)
        }
    } else {
        (first, i + 1)
    };
    Some((table, next))
}

fn push(list: &mut Vec<String>, name: String) {
    if !list.contains(&name) {
        list.push(name);
    }
}

#[cfg(test)]
mod tests {
    use super::super::scan::scan;

    fn reads(sql: &str) -> Vec<String> {
        let mut r = scan(sql).reads;
        r.sort();
        r
    }

    fn writes(sql: &str) -> Vec<String> {
        scan(sql).writes
    }

    #[test]
    fn every_table_position_is_found() {
        let cases: &[(&str, &[&str])] = &[
            ("SELECT * FROM a JOIN b ON a.x = b.x, c", &["a", "b", "c"]),
            ("SELECT * FROM (SELECT x FROM a) s, t", &["a", "t"]),
            (
                "SELECT * FROM a, (SELECT 1) AS s JOIN b USING (x)",
                &["a", "b"],
            ),
            ("SELECT * FROM a WHERE x IN b", &["a", "b"]),
            ("SELECT * FROM a WHERE x IN (SELECT y FROM b)", &["a", "b"]),
            ("SELECT * FROM a WHERE x IN (1, 2)", &["a"]),
            ("WITH t AS (SELECT 1) SELECT * FROM t, u", &["t", "u"]),
            (
                "SELECT * FROM (WITH t AS (SELECT 1 AS x) SELECT x FROM t), t",
                &["t"],
            ),
            ("SELECT * FROM aux.kv, main.kv", &["aux.kv", "kv"]),
            ("SELECT * FROM json_each(?1), t", &["t"]),
            (
                "SELECT * FROM a WHERE EXISTS (SELECT 1 FROM b, c WHERE b.x = a.x)",
                &["a", "b", "c"],
            ),
            ("SELECT x FROM a UNION SELECT y FROM b", &["a", "b"]),
            ("SELECT count(*), max(x) FROM a GROUP BY y", &["a"]),
        ];
        for (sql, expected) in cases {
            assert_eq!(reads(sql), *expected, "{sql}");
        }
    }

    #[test]
    fn write_targets_include_names_a_cte_shadows() {
        assert_eq!(writes("WITH t AS (SELECT 1) UPDATE t SET x = 1"), ["t"]);
        assert_eq!(writes("INSERT INTO t SELECT * FROM u"), ["t"]);
        assert_eq!(reads("INSERT INTO t SELECT * FROM u"), ["u"]);
        assert_eq!(writes("DELETE FROM aux.t WHERE x IN u"), ["aux.t"]);
        assert_eq!(writes("UPDATE OR REPLACE t SET x = 1 FROM u"), ["t"]);
        assert_eq!(
            writes("INSERT INTO t (k) VALUES (1) ON CONFLICT (k) DO UPDATE SET v = 2"),
            ["t"]
        );
    }
}
