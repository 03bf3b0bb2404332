//! The tables a statement reads and writes, from its tokens (the fallback where the engine, which
//! knows views, triggers and foreign keys, is not asked: no schema, or a remote database).

use super::lexer::{is_reserved, is_word, name_at, Token};

/// Tables read and written, from the token stream: names after FROM (and its comma list), JOIN,
/// INTO (of INSERT / REPLACE), UPDATE, DELETE FROM. CTE names are not tables. A name followed by
/// `(` after FROM is a table-valued function and is skipped.
pub(crate) fn tables(tokens: &[Token]) -> (Vec<String>, Vec<String>) {
    let mut found = Found::default();
    let mut i = 0;
    while i < tokens.len() {
        let word = match &tokens[i] {
            Token::Word(w) => w.to_ascii_uppercase(),
            _ => {
                i += 1;
                continue;
            }
        };
        match word.as_str() {
            // `WITH name AS (` / `, name AS (` / `name(cols) AS (`: remember CTE names.
            "AS" if tokens.get(i + 1) == Some(&Token::Open) => {
                if let Some(name) = cte_name(tokens, i) {
                    push(&mut found.ctes, name);
                }
            }
            "FROM" if !(i > 0 && is_word(tokens.get(i - 1), "DELETE")) => {
                from_list(tokens, i + 1, &mut found.reads);
            }
            "JOIN" => {
                if let Some((name, next)) = name_at(tokens, i + 1) {
                    if tokens.get(next) != Some(&Token::Open) {
                        push(&mut found.reads, name);
                    }
                }
            }
            "INTO"
                if (0..i).rev().take(3).any(|k| {
                    is_word(tokens.get(k), "INSERT") || is_word(tokens.get(k), "REPLACE")
                }) =>
            {
                if let Some((name, _)) = name_at(tokens, i + 1) {
                    push(&mut found.writes, name);
                }
            }
            "UPDATE" => {
                // UPDATE [OR ROLLBACK|ABORT|REPLACE|FAIL|IGNORE] name
                let j = if is_word(tokens.get(i + 1), "OR") {
                    i + 3
                } else {
                    i + 1
                };
                if let Some((name, _)) = name_at(tokens, j) {
                    push(&mut found.writes, name);
                }
            }
            "DELETE" if is_word(tokens.get(i + 1), "FROM") => {
                if let Some((name, _)) = name_at(tokens, i + 2) {
                    push(&mut found.writes, name);
                }
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    found.finish()
}

/// Names seen so far, each once.
#[derive(Default)]
struct Found {
    reads: Vec<String>,
    writes: Vec<String>,
    ctes: Vec<String>,
}

impl Found {
    /// Reads and writes, without the names of CTEs (which are not tables).
    fn finish(mut self) -> (Vec<String>, Vec<String>) {
        self.reads.retain(|t| !self.ctes.contains(t));
        self.writes.retain(|t| !self.ctes.contains(t));
        (self.reads, self.writes)
    }
}

fn push(list: &mut Vec<String>, name: String) {
    if !list.contains(&name) {
        list.push(name);
    }
}

/// The CTE name before the `AS` at `as_at`: `name AS (` or `name (a, b) AS (`.
fn cte_name(tokens: &[Token], as_at: usize) -> Option<String> {
    let mut j = as_at;
    if j > 0 && tokens[j - 1] == Token::Close {
        // skip a column list: name ( a, b ) AS
        let mut depth = 0;
        while j > 0 {
            j -= 1;
            match tokens[j] {
                Token::Close => depth += 1,
                Token::Open => {
                    depth -= 1;
                    if depth == 0 {
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    match j.checked_sub(1).map(|k| &tokens[k]) {
        Some(Token::Word(name) | Token::Quoted(name)) => Some(name.to_ascii_lowercase()),
        _ => None,
    }
}

/// `FROM a, b AS x, c JOIN ...` from `start` (the token after FROM): every comma-separated table
/// at this level; a name followed by `(` (a table-valued function) ends the list.
fn from_list(tokens: &[Token], start: usize, reads: &mut Vec<String>) {
    let mut j = start;
    loop {
        match name_at(tokens, j) {
            Some((name, next)) if tokens.get(next) != Some(&Token::Open) => {
                push(reads, name);
                j = next;
            }
            _ => return,
        }
        j = item_end(tokens, j);
        if tokens.get(j) != Some(&Token::Comma) {
            return;
        }
        j += 1;
    }
}

/// The index of the comma (at depth 0) or clause keyword that ends the FROM item whose alias or
/// other tokens start at `j`.
fn item_end(tokens: &[Token], mut j: usize) -> usize {
    let mut depth = 0usize;
    while let Some(t) = tokens.get(j) {
        match t {
            Token::Open => depth += 1,
            Token::Close if depth == 0 => break,
            Token::Close => depth -= 1,
            Token::Comma if depth == 0 => break,
            Token::Word(w) if depth == 0 && is_reserved(w) && !w.eq_ignore_ascii_case("AS") => {
                break
            }
            _ => {}
        }
        j += 1;
    }
    j
}
