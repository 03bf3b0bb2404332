//! What a cached method's entries depend on, derived against the live schema.
//!
//! - From the engine's record of its statement (local connections): the tables it reads,
//!   through views, in whichever schema (`main`, `temp`, attached); a read of the schema table,
//!   `sqlite_sequence` or a PRAGMA's state depends on every write.
//! - Else from its SQL (remote connections, embedded replicas): the tables it names, each
//!   checked to be a base table of the live schema, else every write.
//! - A method with a body (or a statement read by more than one query) depends on every write.
//!
//! The point-lookup refinement (found rows are not invalidated by inserts) is used only where
//! the live schema proves the lookup returns at most one row whose identity an insert cannot
//! change: see [`proven_point`].

use super::learning::Report;
use super::Db;
use crate::cache::{CacheSite, MethodDeps};
use crate::conn::generations::Dependencies;
use crate::conn::learn::ReadSet;
use crate::error::Error;

/// The dependencies of a method cache before anything is derived.
pub(crate) fn unsettled() -> MethodDeps {
    MethodDeps {
        deps: Dependencies::Anything,
        version: 0,
        schema: 0,
        learned: None,
        settled: false,
    }
}

/// Derives the dependencies of `site` from what its first load reported (the caller sets their
/// version and schema counter).
pub(crate) async fn derive(
    db: &Db,
    site: &'static CacheSite,
    report: &Report,
) -> Result<MethodDeps, Error> {
    let anything = MethodDeps {
        settled: true,
        ..unsettled()
    };
    if !site.statement {
        return Ok(anything);
    }
    let generations = db.generations();
    match report {
        Report::One(learned) => {
            let ReadSet::Tables(tables) = &learned.reads else {
                return Ok(anything);
            };
            let point = match site.point {
                Some((table, column))
                    if !learned.aggregate
                        && tables.len() == 1
                        && tables[0].eq_ignore_ascii_case(table) =>
                {
                    proven_point(db, table, column).await?
                }
                _ => false,
            };
            let deps = match (point, site.point) {
                (true, Some((table, _))) => Dependencies::Point(generations.counter(table)),
                _ => Dependencies::Tables(tables.iter().map(|t| generations.counter(t)).collect()),
            };
            Ok(MethodDeps {
                deps,
                learned: Some(learned.reads.clone()),
                ..anything
            })
        }
        Report::Several => Ok(anything),
        Report::Nothing => from_sql(db, site)
            .await
            .map(|deps| MethodDeps { deps, ..anything }),
    }
}

/// Without the engine's record: the tables the SQL names, if all are base tables of the live
/// schema; a point lookup where it is proven.
async fn from_sql(db: &Db, site: &'static CacheSite) -> Result<Dependencies, Error> {
    let Some(reads) = site.reads.filter(|r| !r.is_empty()) else {
        return Ok(Dependencies::Anything);
    };
    let tables: Vec<String> = db
        .fetch_all(
            "SELECT lower(name) FROM sqlite_schema WHERE type = 'table'",
            &[],
        )
        .await?;
    if !reads
        .iter()
        .all(|r| tables.iter().any(|t| t.eq_ignore_ascii_case(r)))
    {
        return Ok(Dependencies::Anything);
    }
    let generations = db.generations();
    if let Some((table, column)) = site.point {
        if reads.len() == 1 && proven_point(db, table, column).await? {
            return Ok(Dependencies::Point(generations.counter(table)));
        }
    }
    Ok(Dependencies::Tables(
        reads.iter().map(|r| generations.counter(r)).collect(),
    ))
}

/// Whether `SELECT ... FROM table WHERE column = ?` on the live schema finds at most one row,
/// and a plain insert cannot replace one:
///
/// - the query planner answers it through the rowid, or through an index that is unique, not
///   partial and has `column` as its only key — SQLite uses an index for `=` only when the
///   index's collation is the comparison's, so a `NOCASE` column with a `BINARY` unique index
///   does not count;
/// - the table declares no `ON CONFLICT REPLACE` (a plain `INSERT` would then replace rows
///   without saying so). `REPLACE` in a trigger (TEMP ones too) is seen on the write side: the
///   engine's record marks such writes as changes, not inserts.
pub(crate) async fn proven_point(db: &Db, table: &str, column: &str) -> Result<bool, Error> {
    let quoted = |name: &str| format!("\"{}\"", name.replace('"', "\"\""));
    let plan_sql = format!(
        "EXPLAIN QUERY PLAN SELECT 1 FROM main.{} WHERE {} = ?1",
        quoted(table),
        quoted(column)
    );
    let Ok(plan) = db
        .fetch_all::<(i64, i64, i64, String)>(&plan_sql, crate::params![0])
        .await
    else {
        // Not a table this query can be planned on (dropped, renamed): no refinement.
        return Ok(false);
    };
    let [(_, _, _, detail)] = plan.as_slice() else {
        return Ok(false);
    };
    let unique = if detail.contains("USING INTEGER PRIMARY KEY (rowid=?)") {
        true
    } else if let Some(index) = used_index(detail) {
        let proven: i64 = db
            .fetch_one(
                "SELECT EXISTS (SELECT 1 FROM pragma_index_list(?1) AS il
                    WHERE (il.name = ?2 OR (?2 = '' AND il.origin = 'pk'))
                      AND il.\"unique\" = 1 AND il.partial = 0
                      AND (SELECT count(*) FROM pragma_index_info(il.name)) = 1
                      AND (SELECT name FROM pragma_index_info(il.name)) = ?3 COLLATE NOCASE)",
                crate::params![table, index, column],
            )
            .await?;
        proven == 1
    } else {
        false
    };
    if !unique {
        return Ok(false);
    }
    let replaces: i64 = db
        .fetch_one(
            "SELECT EXISTS (SELECT 1 FROM main.sqlite_schema
                WHERE type = 'table' AND lower(name) = lower(?1)
                  AND instr(upper(sql), 'REPLACE') > 0)",
            crate::params![table],
        )
        .await?;
    Ok(replaces == 0)
}

/// The index a `SEARCH` plan line uses: `SEARCH t USING [COVERING ]INDEX name (k=?)`, or the
/// primary-key index of a WITHOUT ROWID table (`USING PRIMARY KEY (k=?)`: `""`, looked up by
/// its origin).
fn used_index(detail: &str) -> Option<String> {
    let rest = detail.split_once("USING ")?.1;
    let (name, keys) = match rest.strip_prefix("PRIMARY KEY (") {
        // `''` stands for the primary-key index (see the query in `proven_point`).
        Some(keys) => ("", keys),
        None => {
            let rest = rest.strip_prefix("COVERING ").unwrap_or(rest);
            rest.strip_prefix("INDEX ")?.split_once(" (")?
        }
    };
    // Only an equality on one column: `(k=?)`.
    (keys.matches('=').count() == 1 && !keys.contains(" AND ")).then(|| name.to_owned())
}
