//! List parameters: `x IN (?1)` / `x IN (:ids)` where the parameter is a slice, `Vec` or array
//! becomes `x IN (SELECT value FROM json_each(?1))`, and the list is bound as one JSON array
//! (the runtime's `types::list`). One statement for every length, so it stays statement-cached;
//! the engine checks the rewritten SQL at compile time like any other.

use super::lexer::{is_word, Lexer, Placeholder, Token};

/// The rewritten SQL (`None`: nothing to rewrite); or the first list placeholder that is not
/// alone in an `IN (…)`.
pub(crate) fn rewrite(
    sql: &str,
    is_list: impl Fn(&Placeholder) -> bool,
) -> Result<Option<String>, Placeholder> {
    let mut lexer = Lexer::new(sql);
    // Each token with the byte offset just after it.
    let mut tokens: Vec<(Token, usize)> = Vec::new();
    while let Some(token) = lexer.next_token() {
        let end = sql.len() - lexer.rest().len();
        tokens.push((token, end));
    }
    let mut edits = Vec::new();
    for (i, (token, _)) in tokens.iter().enumerate() {
        let Token::Placeholder(p) = token else {
            continue;
        };
        if !is_list(p) {
            continue;
        }
        let keyword = i.checked_sub(2).map(|k| &tokens[k].0);
        let open = i.checked_sub(1).map(|o| &tokens[o]);
        match (open, tokens.get(i + 1)) {
            (Some((Token::Open, open_end)), Some((Token::Close, close_end)))
                if is_word(keyword, "in") =>
            {
                edits.push((open_end - 1, *close_end, p.text.clone()));
            }
            _ => return Err(p.clone()),
        }
    }
    if edits.is_empty() {
        return Ok(None);
    }
    let mut out = String::with_capacity(sql.len() + edits.len() * 40);
    let mut at = 0;
    for (start, end, placeholder) in edits {
        out.push_str(&sql[at..start]);
        out.push_str("(SELECT value FROM json_each(");
        out.push_str(&placeholder);
        out.push_str("))");
        at = end;
    }
    out.push_str(&sql[at..]);
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named_ids(p: &Placeholder) -> bool {
        p.text == ":ids" || p.text == "?2"
    }

    #[test]
    fn each_in_of_a_list_is_rewritten() {
        let cases = [
            (
                "SELECT * FROM t WHERE id IN (:ids) AND x NOT IN ( :ids )",
                "SELECT * FROM t WHERE id IN (SELECT value FROM json_each(:ids)) AND x NOT IN (SELECT value FROM json_each(:ids))",
            ),
            (
                "SELECT 'IN (:ids)' FROM t -- :ids\nWHERE a = ?1 AND b in(?2)",
                "SELECT 'IN (:ids)' FROM t -- :ids\nWHERE a = ?1 AND b in(SELECT value FROM json_each(?2))",
            ),
        ];
        for (sql, expected) in cases {
            assert_eq!(rewrite(sql, named_ids).unwrap().as_deref(), Some(expected));
        }
        assert_eq!(rewrite("SELECT 1 WHERE a IN (:x)", named_ids), Ok(None));
    }

    #[test]
    fn a_list_elsewhere_is_named() {
        for sql in [
            "SELECT 1 WHERE a = :ids",
            "SELECT 1 WHERE a IN (:ids, 1)",
            "SELECT 1 WHERE a IN ((:ids))",
            "SELECT 1 WHERE a IN (:ids) OR json_each(:ids)",
        ] {
            assert_eq!(rewrite(sql, named_ids).unwrap_err().text, ":ids", "{sql}");
        }
    }
}
