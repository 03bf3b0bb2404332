//! The run-time rewrite of `IN (?N)` for list parameters of dynamic SQL (`Db::fetch_all` and the
//! other dynamic calls): `#[prepared]` does the same at compile time. See [`list`](super::list).
//!
//! A small SQLite tokenizer finds the placeholders outside string literals, quoted names and
//! comments, numbers them as SQLite does (`?` is one more than the largest index so far, `?N` is
//! N, a name keeps the index of its first appearance), and rewrites each `IN (placeholder)` of a
//! list parameter. A list placeholder anywhere else is an error: bound there, its JSON text would
//! be compared as text and match nothing, silently.

use std::borrow::Cow;
use std::ops::Range;

/// What the rewrite replaces `(placeholder)` with; `{}` is the placeholder.
fn json_each(placeholder: &str) -> String {
    format!("(SELECT value FROM json_each({placeholder}))")
}

#[derive(Debug, PartialEq)]
enum Token {
    Word(Range<usize>),
    Open(usize),
    Close(usize),
    Placeholder { index: usize, text: Range<usize> },
    Other,
}

/// `sql` as it is run, in one pass over its tokens: every `IN (placeholder)` of a parameter
/// `lists[index - 1]` rewritten to read the JSON array through `json_each`, and, with `number`,
/// each named placeholder (`:id`, `@id`, `$id`) written as the `?N` SQLite numbers it with — the
/// same statement, and the only form a libSQL server binds positional values to (it looks a
/// `:name` up among named arguments). Unchanged (borrowed) when there is nothing to do. The
/// error names the placeholder of a list that is not in an `IN (…)`.
pub(crate) fn prepare<'a>(
    sql: &'a str,
    lists: &[bool],
    number: bool,
) -> Result<Cow<'a, str>, (String, String)> {
    let number = number && sql.bytes().any(|b| matches!(b, b':' | b'@' | b'$'));
    if !number && !lists.contains(&true) {
        return Ok(Cow::Borrowed(sql));
    }
    let tokens = tokenize(sql);
    let is_list = |index: usize| index >= 1 && lists.get(index - 1) == Some(&true);
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        let Token::Placeholder { index, text } = token else {
            continue;
        };
        let written = &sql[text.clone()];
        let placeholder = if number && !written.starts_with('?') {
            format!("?{index}")
        } else {
            written.to_owned()
        };
        if !is_list(*index) {
            if placeholder != written {
                edits.push((text.clone(), placeholder));
            }
            continue;
        }
        let before = i.checked_sub(2).map(|b| (&tokens[b], &tokens[b + 1]));
        match (before, tokens.get(i + 1)) {
            (Some((Token::Word(word), Token::Open(open))), Some(Token::Close(close)))
                if sql[word.clone()].eq_ignore_ascii_case("in") =>
            {
                edits.push((*open..close + 1, json_each(&placeholder)));
            }
            _ => {
                return Err((
                    written.to_owned(),
                    format!(
                        "a list binds only as `IN ({written})` (one JSON array, read through \
                         `json_each`); elsewhere its JSON text would be compared as text. Write \
                         `x IN ({written})`, or bind a single value"
                    ),
                ));
            }
        }
    }
    if edits.is_empty() {
        return Ok(Cow::Borrowed(sql));
    }
    let mut out = String::with_capacity(sql.len() + edits.len() * 40);
    let mut at = 0;
    for (range, replacement) in edits {
        out.push_str(&sql[at..range.start]);
        out.push_str(&replacement);
        at = range.end;
    }
    out.push_str(&sql[at..]);
    Ok(Cow::Owned(out))
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// The end of the quoted text that starts at `start` with `quote` (a doubled quote is one
/// character of the text); the end of `sql` when it is not closed.
fn quoted_end(bytes: &[u8], start: usize, close: u8) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        if bytes[i] == close {
            if close != b']' && bytes.get(i + 1) == Some(&close) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    bytes.len()
}

fn tokenize(sql: &str) -> Vec<Token> {
    let bytes = sql.as_bytes();
    let mut tokens = Vec::new();
    let mut names: Vec<(&str, usize)> = Vec::new();
    let mut largest = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let start = i;
        match b {
            b if b.is_ascii_whitespace() => i += 1,
            b'\'' | b'"' | b'`' => i = quoted_end(bytes, i, b),
            b'[' => i = quoted_end(bytes, i, b']'),
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = sql[i..].find('\n').map_or(bytes.len(), |n| i + n + 1);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = sql[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
            }
            b'(' => {
                tokens.push(Token::Open(i));
                i += 1;
            }
            b')' => {
                tokens.push(Token::Close(i));
                i += 1;
            }
            b'?' => {
                i += 1;
                while i < bytes.len() && bytes[i].is_ascii_digit() {
                    i += 1;
                }
                let index = match sql[start + 1..i].parse::<usize>() {
                    Ok(n) => n,
                    Err(_) => largest + 1,
                };
                largest = largest.max(index);
                tokens.push(Token::Placeholder {
                    index,
                    text: start..i,
                });
            }
            b':' | b'@' | b'$' if bytes.get(i + 1).is_some_and(|&n| is_word_byte(n)) => {
                i += 1;
                while i < bytes.len() && is_word_byte(bytes[i]) {
                    i += 1;
                }
                let name = &sql[start..i];
                let index = match names.iter().find(|(n, _)| *n == name) {
                    Some(&(_, index)) => index,
                    None => {
                        largest += 1;
                        names.push((name, largest));
                        largest
                    }
                };
                tokens.push(Token::Placeholder {
                    index,
                    text: start..i,
                });
            }
            b if is_word_byte(b) => {
                while i < bytes.len() && is_word_byte(bytes[i]) {
                    i += 1;
                }
                tokens.push(Token::Word(start..i));
            }
            _ => {
                // One character (a multi-byte one whole, so `i` stays on a boundary).
                i += sql[i..].chars().next().map_or(1, char::len_utf8);
                tokens.push(Token::Other);
            }
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_lists_of_list_parameters_are_rewritten_and_nothing_else() {
        let cases: &[(&str, &[bool], &str)] = &[
            ("SELECT 1 WHERE x IN (?1)", &[true], "SELECT 1 WHERE x IN (SELECT value FROM json_each(?1))"),
            ("SELECT 1 WHERE x not in ( ? ) AND y = ?", &[true, false], "SELECT 1 WHERE x not in (SELECT value FROM json_each(?)) AND y = ?"),
            ("SELECT 1 WHERE y = ? AND x IN (?)", &[false, true], "SELECT 1 WHERE y = ? AND x IN (SELECT value FROM json_each(?))"),
            ("SELECT 'IN (?1)', x FROM t WHERE x IN(:ids) OR z IN (:ids)", &[true], "SELECT 'IN (?1)', x FROM t WHERE x IN(SELECT value FROM json_each(:ids)) OR z IN (SELECT value FROM json_each(:ids))"),
            ("SELECT 1 -- IN (?2)\n WHERE a IN (?2) /* ? */", &[false, true], "SELECT 1 -- IN (?2)\n WHERE a IN (SELECT value FROM json_each(?2)) /* ? */"),
            ("SELECT \"ü\" WHERE a IN (?1)", &[false], "SELECT \"ü\" WHERE a IN (?1)"),
        ];
        for (sql, lists, expected) in cases {
            assert_eq!(prepare(sql, lists, false).unwrap(), *expected, "{sql}");
        }
    }

    #[test]
    fn names_are_numbered_as_sqlite_numbers_them() {
        let numbered = |sql| prepare(sql, &[], true).unwrap();
        assert_eq!(
            numbered("SELECT ':x', ?3 WHERE a = :x OR b = @y OR c = :x -- :z"),
            "SELECT ':x', ?3 WHERE a = ?4 OR b = ?5 OR c = ?4 -- :z"
        );
        assert_eq!(numbered("SELECT ?1, 'a:b'"), "SELECT ?1, 'a:b'");
        // Both at once: a named list is numbered inside its `json_each`.
        assert_eq!(
            prepare("SELECT 1 WHERE a = :a AND b IN (:b)", &[false, true], true).unwrap(),
            "SELECT 1 WHERE a = ?1 AND b IN (SELECT value FROM json_each(?2))"
        );
    }

    #[test]
    fn a_list_outside_an_in_is_an_error_naming_its_placeholder() {
        for (sql, lists, placeholder) in [
            ("SELECT 1 WHERE x = ?1", &[true][..], "?1"),
            ("SELECT 1 WHERE x IN (?1, 2)", &[true], "?1"),
            ("SELECT 1 WHERE x IN (?1) AND y = ?1", &[true], "?1"),
            ("SELECT 1 WHERE a = ? AND x IN ((?))", &[false, true], "?"),
            ("SELECT 1 WHERE a = :a AND b = :b", &[false, true], ":b"),
        ] {
            let (named, message) = prepare(sql, lists, false).unwrap_err();
            assert_eq!(named, placeholder, "{sql}");
            assert!(message.contains("IN ("), "{message}");
        }
    }
}
