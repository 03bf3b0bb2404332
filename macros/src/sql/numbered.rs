//! Named placeholders (`:id`, `@id`, `$id`) written as the numbered ones SQLite gives them
//! (`?1`): the same statement to SQLite, and the only form a libSQL server binds positional
//! values to (Hrana looks a `:name` up among named arguments, so `:ids` bound by position failed
//! with "value for parameter :ids not found" on remote databases).

use super::lexer::{Lexer, PlaceholderStyle, Token};

/// `sql` with each named placeholder replaced by `?N`, N the index SQLite gives it; `None` when it
/// has none.
pub(crate) fn numbered(sql: &str) -> Option<String> {
    let mut lexer = Lexer::new(sql);
    let mut out = String::with_capacity(sql.len());
    let mut at = 0;
    while let Some(token) = lexer.next_token() {
        let Token::Placeholder(p) = token else {
            continue;
        };
        if !matches!(p.style, PlaceholderStyle::Named(_)) {
            continue;
        }
        let end = sql.len() - lexer.rest().len();
        let start = end - p.text.len();
        out.push_str(&sql[at..start]);
        out.push('?');
        out.push_str(&p.index.to_string());
        at = end;
    }
    if at == 0 {
        return None;
    }
    out.push_str(&sql[at..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::numbered;

    #[test]
    fn names_become_their_indexes() {
        assert_eq!(
            numbered("SELECT ':a', x FROM t WHERE a = :a AND b = @b OR a2 = :a -- :c\n AND c = $c")
                .as_deref(),
            Some("SELECT ':a', x FROM t WHERE a = ?1 AND b = ?2 OR a2 = ?1 -- :c\n AND c = ?3")
        );
        assert_eq!(numbered("SELECT ?1, ?"), None);
    }
}
