//! Whether a `SELECT` always returns exactly one row: an aggregate without `GROUP BY`
//! (`SELECT max(x) FROM t WHERE ...`), or a select list with no `FROM` and no `WHERE`. Then a
//! method returning `Option<T>` reads a NULL value as `None` (`max` over no rows is NULL): there
//! is no "no row" for `None` to mean otherwise.

use super::lexer::{is_word, Token};
use super::scan::AGGREGATES;

/// Clauses after which the row count is no longer the aggregate's one row.
const MANY: &[&str] = &[
    "GROUP",
    "HAVING",
    "LIMIT",
    "OFFSET",
    "UNION",
    "EXCEPT",
    "INTERSECT",
    "WINDOW",
    "VALUES",
    "OVER",
];

/// See the module: conservative (`false` when unsure).
pub(crate) fn always_one_row(tokens: &[Token]) -> bool {
    if !is_word(tokens.first(), "SELECT") {
        return false;
    }
    let mut depth = 0usize;
    let mut in_list = true;
    let (mut from, mut filter, mut aggregate) = (false, false, false);
    for (i, token) in tokens.iter().enumerate().skip(1) {
        match token {
            Token::Open => depth += 1,
            Token::Close => depth = depth.saturating_sub(1),
            // A window function anywhere makes one row per input row.
            Token::Word(w) if w.eq_ignore_ascii_case("OVER") => return false,
            Token::Word(w) if depth == 0 => {
                if MANY.iter().any(|m| m.eq_ignore_ascii_case(w)) {
                    return false;
                }
                if w.eq_ignore_ascii_case("FROM") {
                    (from, in_list) = (true, false);
                } else if w.eq_ignore_ascii_case("WHERE") {
                    (filter, in_list) = (true, false);
                } else if in_list
                    && AGGREGATES.iter().any(|a| w.eq_ignore_ascii_case(a))
                    && tokens.get(i + 1) == Some(&Token::Open)
                    && !scalar_min_max(w, &tokens[i + 1..])
                {
                    aggregate = true;
                }
            }
            _ => {}
        }
    }
    aggregate || (!from && !filter)
}

/// `min(a, b)` / `max(a, b)` (two or more arguments) are scalar functions, not aggregates.
fn scalar_min_max(name: &str, call: &[Token]) -> bool {
    if !name.eq_ignore_ascii_case("min") && !name.eq_ignore_ascii_case("max") {
        return false;
    }
    let mut depth = 0usize;
    for token in call {
        match token {
            Token::Open => depth += 1,
            Token::Close if depth == 1 => return false,
            Token::Close => depth -= 1,
            Token::Comma if depth == 1 => return true,
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::lexer::Lexer;

    fn one(sql: &str) -> bool {
        let mut lexer = Lexer::new(sql);
        let tokens: Vec<Token> = std::iter::from_fn(|| lexer.next_token()).collect();
        always_one_row(&tokens)
    }

    #[test]
    fn aggregates_without_grouping_and_bare_selects_return_one_row() {
        for sql in [
            "SELECT max(x) FROM t",
            "select Count(*) from t where a = ?1",
            "SELECT max(x) + 1, min(y) FROM t ORDER BY 1",
            "SELECT id, sum(x) FROM t",
            "SELECT DISTINCT total(x) FROM t JOIN u ON t.a = u.a",
            "SELECT 1",
            "SELECT (SELECT max(x) FROM t)",
            "SELECT group_concat(name, ', ') FROM t",
        ] {
            assert!(one(sql), "{sql}");
        }
        for sql in [
            "SELECT x FROM t",
            "SELECT max(x) FROM t GROUP BY y",
            "SELECT max(x) FROM t HAVING max(x) > 1",
            "SELECT max(x) FROM t LIMIT 0",
            "SELECT max(a, b) FROM t",
            "SELECT count(*) OVER () FROM t",
            "SELECT 1 WHERE ?1",
            "SELECT max(x) FROM t UNION SELECT 1",
            "SELECT x FROM t WHERE x = (SELECT max(x) FROM t)",
            "UPDATE t SET x = 1 RETURNING max(x)",
            "WITH a AS (SELECT 1) SELECT max(x) FROM a",
        ] {
            assert!(!one(sql), "{sql}");
        }
    }
}
