//! Compile-time checks of SQL by the real engine (see `engine`), against the user's schema when
//! there is one (see `schema`). Without a schema, statements are still prepared on an empty
//! database: syntax, placeholders and result columns of statements that name no table are checked,
//! and "no such table" is the only error let through.

pub(crate) mod engine;
pub(crate) mod schema;

use std::cell::OnceCell;

use syn::LitStr;

use crate::errors::did_you_mean;
use crate::sql::{scan, Placeholder, PlaceholderStyle, Scan};
use engine::{Described, Engine, EngineError};
pub(crate) use schema::{Schema, SchemaChoice};

thread_local! {
    /// The empty database used when there is no schema.
    static EMPTY: OnceCell<Option<Engine>> = const { OnceCell::new() };
}

/// Everything known about one SQL literal: the lexer's scan, refined by the engine's description.
pub(crate) struct Analysis {
    pub(crate) scan: Scan,
    pub(crate) described: Option<Described>,
    /// What the engine rejected.
    pub(crate) error: Option<syn::Error>,
}

/// Scans `sql`, then — unless the lexer already found it malformed (empty, unterminated, several
/// statements: the engine would only restate that) — prepares it and lets the engine's numbering
/// of placeholders and its tables replace the lexer's (they are exact: views, triggers, `*`).
pub(crate) fn analyze(sql: &LitStr, schema: Option<&Schema>) -> Analysis {
    let mut scan = scan(&sql.value());
    let malformed = scan.trailing_statement.is_some()
        || scan.unterminated.is_some()
        || (scan.keyword.is_none() && scan.placeholders.is_empty());
    let (described, error) = match malformed {
        true => (None, None),
        false => match describe(sql, schema) {
            Ok(described) => (described, None),
            Err(error) => (None, Some(error)),
        },
    };
    if let Some(described) = &described {
        scan.placeholders = placeholders(described, &scan.placeholders);
        if !described.reads.is_empty() {
            scan.reads = described.reads.clone();
        }
        if !described.writes.is_empty() {
            // The statement's own target (the lexer's) first: the runtime applies `insert_only`
            // to it alone; the other tables are written by triggers and foreign-key actions.
            let target = scan.writes.first().cloned();
            scan.writes = described.writes.clone();
            match target.and_then(|t| scan.writes.iter().position(|w| *w == t)) {
                Some(i) => {
                    let target = scan.writes.remove(i);
                    // A trigger of the target's own may update or delete its rows.
                    scan.insert_only &= !described.changes.contains(&target);
                    scan.writes.insert(0, target);
                }
                None => scan.insert_only = false,
            }
        }
    }
    Analysis {
        scan,
        described,
        error,
    }
}

/// What the lexer finds wrong with `sql` by itself, for `what` ("a `#[prepared]` method", ...);
/// `split` says how to split several statements.
pub(crate) fn malformed(sql: &LitStr, scan: &Scan, what: &str, split: &str) -> Vec<syn::Error> {
    let mut errors = Vec::new();
    if scan.keyword.is_none() && scan.placeholders.is_empty() {
        errors.push(syn::Error::new_spanned(
            sql,
            "the SQL is empty: write the statement this method runs",
        ));
    }
    if let Some(rest) = &scan.trailing_statement {
        errors.push(syn::Error::new_spanned(
            sql,
            format!(
                "{what} runs one statement, but this SQL has more after `;`: `{rest}`; {split}"
            ),
        ));
    }
    if let Some(unterminated) = scan.unterminated {
        errors.push(syn::Error::new_spanned(
            sql,
            format!("the SQL has an unterminated {unterminated}"),
        ));
    }
    errors
}

/// Prepares `sql` against `schema` (or an empty database) and describes it. `Ok(None)` when
/// there is no schema and the statement names a table, so nothing more can be learnt.
///
/// # Errors
/// What the engine rejects, spanned on the literal, with the engine's message, a caret under the
/// place it names, and the tables of the schema for an unknown one.
pub(crate) fn describe(sql: &LitStr, schema: Option<&Schema>) -> syn::Result<Option<Described>> {
    let text = sql.value();
    let result = match schema {
        Some(schema) => schema.engine.describe(&text),
        None => {
            let described = EMPTY.with(|empty| {
                empty
                    .get_or_init(|| Engine::memory().ok())
                    .as_ref()
                    .map(|engine| engine.describe(&text))
            });
            match described {
                None => return Ok(None),
                Some(Err(e)) if e.message.starts_with("no such table") => return Ok(None),
                Some(result) => result,
            }
        }
    };
    result
        .map(Some)
        .map_err(|e| syn::Error::new_spanned(sql, message(&text, &e, schema)))
}

/// The engine's parameters as placeholders, numbered as the engine numbers them. The engine
/// gives no name both to `?` and to an index never written (`?1 ... ?3` has no 2): `lexed`, the
/// lexer's placeholders, tells the two apart.
pub(crate) fn placeholders(described: &Described, lexed: &[Placeholder]) -> Vec<Placeholder> {
    described
        .params
        .iter()
        .enumerate()
        .filter_map(|(i, name)| {
            let index = i + 1;
            Some(match name {
                None if !lexed.iter().any(|p| p.index == index) => return None,
                None => Placeholder {
                    text: "?".into(),
                    style: PlaceholderStyle::Anonymous,
                    index,
                },
                Some(n) if n.starts_with('?') => Placeholder {
                    text: n.clone(),
                    style: PlaceholderStyle::Numbered,
                    index,
                },
                Some(n) => Placeholder {
                    text: n.clone(),
                    style: PlaceholderStyle::Named(n.get(1..).unwrap_or_default().to_owned()),
                    index,
                },
            })
        })
        .collect()
}

fn message(sql: &str, error: &EngineError, schema: Option<&Schema>) -> String {
    let mut out = format!("SQLite rejects this statement: {}", error.message);
    if let Some(schema) = schema {
        if let Some(table) = error.message.strip_prefix("no such table: ") {
            let tables = schema.tables();
            let known: Vec<&str> = tables.iter().map(String::as_str).collect();
            let table = table.rsplit('.').next().unwrap_or(table);
            out.push_str(&format!(
                "{}\n  the schema, from {}, has: {}",
                did_you_mean(table, &known),
                schema.origin,
                if known.is_empty() {
                    "no tables".to_owned()
                } else {
                    known.join(", ")
                }
            ));
        } else if error.message.starts_with("no such column: ") {
            out.push_str(&format!(" (schema: {})", schema.origin));
        }
    } else if error.message.starts_with("no such column: ") {
        out.push_str(
            "\n  no schema was found, so only columns of the statement itself are known; put the \
             schema in `migrations/` or `schema.sql`, or use `#[larder::storage(schema = \"...\")]`",
        );
    }
    if let Some(offset) = error.offset {
        out.push('\n');
        out.push_str(&caret(sql, offset));
    }
    out
}

/// The line of `sql` holding byte `offset`, and a caret under that byte.
fn caret(sql: &str, offset: usize) -> String {
    let offset = offset.min(sql.len());
    let start = sql[..offset].rfind('\n').map_or(0, |i| i + 1);
    let end = sql[offset..].find('\n').map_or(sql.len(), |i| offset + i);
    let line = &sql[start..end];
    let column = sql[start..offset].chars().count();
    let indent = line.len() - line.trim_start().len();
    let shown = line.trim();
    let pad = column.saturating_sub(indent);
    format!("  {shown}\n  {}^", " ".repeat(pad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carets_point_at_the_offset() {
        assert_eq!(
            caret("SELECT id FORM items", 15),
            "  SELECT id FORM items\n                 ^"
        );
        assert_eq!(
            caret("SELECT id\n    FROM itemz\n WHERE 1", 19),
            "  FROM itemz\n       ^"
        );
    }

    #[test]
    fn no_schema_lets_unknown_tables_through_but_not_syntax_errors() {
        let ok = describe(&syn::parse_quote!("SELECT :a + ?3"), None)
            .unwrap()
            .unwrap();
        assert_eq!(ok.params.len(), 3);
        assert_eq!(ok.columns.len(), 1);
        assert!(describe(&syn::parse_quote!("SELECT x FROM nowhere"), None)
            .unwrap()
            .is_none());
        let err = describe(&syn::parse_quote!("SELEC 1"), None).unwrap_err();
        assert!(err.to_string().contains("syntax error"), "{err}");
    }

    #[test]
    fn placeholders_follow_the_engine() {
        let sql = "SELECT :a, ?, :a, ?5";
        let d = describe(&syn::parse_quote!("SELECT :a, ?, :a, ?5"), None)
            .unwrap()
            .unwrap();
        let p = placeholders(&d, &crate::sql::scan(sql).placeholders);
        assert_eq!(p.len(), 3, "indexes 3 and 4 are never written: {p:?}");
        assert_eq!(p[0].style, PlaceholderStyle::Named("a".into()));
        assert_eq!(p[1].style, PlaceholderStyle::Anonymous);
        assert_eq!((p[2].index, p[2].text.as_str()), (5, "?5"));
    }
}
