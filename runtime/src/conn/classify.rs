//! Whether dynamic SQL may write, from its text: the statement's main verb, past comments and a
//! `WITH` clause. Local connections learn the exact answer from the engine when they prepare it
//! (`learn`); this guess decides how a statement waits for locks, and what a remote statement
//! publishes.

/// Whether `sql` may write: anything but a query (`SELECT`, `VALUES`, also after `WITH`),
/// `EXPLAIN`, or a PRAGMA that only reads (no argument, or one of the reading PRAGMAs).
pub(crate) fn may_write(sql: &str) -> bool {
    let words = Words {
        rest: sql,
        depth: 0,
    };
    let mut words = words.filter(|(_, depth)| *depth == 0).map(|(w, _)| w);
    let Some(first) = words.next() else {
        return false;
    };
    let is = |w: &str, k: &str| w.eq_ignore_ascii_case(k);
    if is(first, "SELECT") || is(first, "VALUES") || is(first, "EXPLAIN") {
        return false;
    }
    if is(first, "WITH") {
        // The main verb: the first of these at depth 0 (CTE bodies are inside parentheses).
        const VERBS: [&str; 6] = ["SELECT", "VALUES", "INSERT", "UPDATE", "DELETE", "REPLACE"];
        return match words.find(|w| VERBS.iter().any(|v| is(w, v))) {
            Some(verb) => !(is(verb, "SELECT") || is(verb, "VALUES")),
            None => true,
        };
    }
    if is(first, "PRAGMA") {
        let text = sql.to_ascii_lowercase();
        let reading = super::learn::READING_PRAGMAS
            .iter()
            .any(|p| text.contains(p));
        return text.contains('=') || (text.contains('(') && !reading);
    }
    true
}

/// The words of SQL text with their parenthesis depth, skipping comments and quoted text.
struct Words<'a> {
    rest: &'a str,
    depth: usize,
}

impl<'a> Iterator for Words<'a> {
    type Item = (&'a str, usize);

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let s = self.rest;
            let c = s.chars().next()?;
            let skip = match c {
                '-' if s.starts_with("--") => s.find('\n').unwrap_or(s.len()),
                '/' if s.starts_with("/*") => s[2..].find("*/").map_or(s.len(), |i| i + 4),
                '\'' | '"' | '`' => s[1..].find(c).map_or(s.len(), |i| i + 2),
                '[' => s.find(']').map_or(s.len(), |i| i + 1),
                '(' => {
                    self.depth += 1;
                    1
                }
                ')' => {
                    self.depth = self.depth.saturating_sub(1);
                    1
                }
                c if c.is_alphanumeric() || c == '_' => {
                    let end = s
                        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .unwrap_or(s.len());
                    self.rest = &s[end..];
                    return Some((&s[..end], self.depth));
                }
                c => c.len_utf8(),
            };
            self.rest = &s[skip..];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::may_write;

    #[test]
    fn reads_are_told_from_writes_past_comments_and_ctes() {
        for read in [
            "SELECT 1",
            "  values (1)",
            "-- a comment\nSELECT 1",
            "/* a ( comment */ select 1",
            "WITH t AS (SELECT 1 AS x) SELECT x FROM t",
            "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 3) SELECT x FROM n",
            "WITH \"update\" AS (SELECT 1) SELECT * FROM \"update\"",
            "PRAGMA user_version",
            "PRAGMA table_info(t)",
            "EXPLAIN DELETE FROM t",
        ] {
            assert!(!may_write(read), "{read}");
        }
        for write in [
            "INSERT INTO t VALUES (1)",
            "-- x\nDELETE FROM t",
            "WITH s AS (SELECT 1) UPDATE t SET x = 1",
            "WITH s AS (SELECT 1) INSERT INTO t SELECT * FROM s",
            "PRAGMA user_version = 5",
            "PRAGMA cache_size(100)",
            "CREATE TABLE t (x)",
            "BEGIN",
        ] {
            assert!(may_write(write), "{write}");
        }
    }
}
