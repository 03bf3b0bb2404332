//! The same store hand-written on libSQL, the way the seed plan's code does it: a statement
//! prepared on every call, no result cache, one autocommit insert per row.

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use libsql::{params, Connection, Value};
use uuid::Uuid;

use crate::{Episode, Pattern};

/// Hand-written access on one connection.
pub struct Plain {
    conn: Connection,
    /// Time spent in `prepare`, and how many prepares (the statement-preparation row).
    pub prepare_time: std::sync::Mutex<(Duration, u64)>,
}

fn text(v: Value) -> Option<String> {
    match v {
        Value::Text(t) => Some(t),
        _ => None,
    }
}

fn time(v: Value) -> Option<DateTime<Utc>> {
    text(v)
        .and_then(|t| chrono::NaiveDateTime::parse_from_str(&t, FORMAT).ok())
        .map(|n| n.and_utc())
}

fn episode_from(row: &libsql::Row) -> libsql::Result<Episode> {
    Ok(Episode {
        id: text(row.get_value(0)?)
            .and_then(|t| Uuid::parse_str(&t).ok())
            .unwrap_or_default(),
        task: text(row.get_value(1)?).unwrap_or_default(),
        context: text(row.get_value(2)?)
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default(),
        started_at: time(row.get_value(3)?).unwrap_or_default(),
        completed_at: time(row.get_value(4)?),
        outcome: text(row.get_value(5)?),
        reward: match row.get_value(6)? {
            Value::Real(r) => Some(r),
            _ => None,
        },
    })
}

/// The format larder writes (SQLite's, with the shortest fraction).
const FORMAT: &str = "%Y-%m-%d %H:%M:%S%.f";

impl Plain {
    /// Opens `path` (WAL, like larder) and applies the migrations.
    ///
    /// # Errors
    /// What libSQL reports.
    pub async fn open(path: &std::path::Path) -> libsql::Result<Plain> {
        let db = libsql::Builder::new_local(path).build().await?;
        let conn = db.connect()?;
        conn.busy_timeout(Duration::from_secs(5))?;
        let mut rows = conn.query("PRAGMA journal_mode = WAL", ()).await?;
        while rows.next().await?.is_some() {}
        drop(rows);
        conn.execute_batch("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
            .await?;
        // The same files, applied by hand (the seed plan's approach).
        for migration in crate::MIGRATOR.migrations() {
            conn.execute_batch(migration.sql()).await?;
        }
        Ok(Plain {
            conn,
            prepare_time: std::sync::Mutex::new((Duration::ZERO, 0)),
        })
    }

    async fn prepare(&self, sql: &str) -> libsql::Result<libsql::Statement> {
        let started = Instant::now();
        let stmt = self.conn.prepare(sql).await?;
        if let Ok(mut t) = self.prepare_time.lock() {
            t.0 += started.elapsed();
            t.1 += 1;
        }
        Ok(stmt)
    }

    /// One episode by id.
    ///
    /// # Errors
    /// What libSQL reports.
    pub async fn episode(&self, id: Uuid) -> libsql::Result<Option<Episode>> {
        let stmt = self
            .prepare("SELECT id, task, context, started_at, completed_at, outcome, reward FROM episodes WHERE id = ?1")
            .await?;
        let mut rows = stmt.query(params![id.hyphenated().to_string()]).await?;
        match rows.next().await? {
            Some(row) => Ok(Some(episode_from(&row)?)),
            None => Ok(None),
        }
    }

    /// Episodes started at or after `since`.
    ///
    /// # Errors
    /// What libSQL reports.
    pub async fn episodes_since(&self, since: DateTime<Utc>) -> libsql::Result<Vec<Episode>> {
        let stmt = self
            .prepare(
                "SELECT id, task, context, started_at, completed_at, outcome, reward FROM episodes
                 WHERE started_at >= ?1 ORDER BY started_at LIMIT 100",
            )
            .await?;
        let mut rows = stmt
            .query(params![since.format(FORMAT).to_string()])
            .await?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().await? {
            out.push(episode_from(&row)?);
        }
        Ok(out)
    }

    /// Patterns of one type.
    ///
    /// # Errors
    /// What libSQL reports.
    pub async fn patterns_by_type(&self, pattern_type: &str) -> libsql::Result<Vec<Pattern>> {
        let stmt = self
            .prepare(
                "SELECT id, pattern_type, description, success_rate, occurrences, updated_at FROM patterns
                 WHERE pattern_type = ?1 ORDER BY success_rate DESC, id",
            )
            .await?;
        let mut rows = stmt.query(params![pattern_type]).await?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().await? {
            out.push(Pattern {
                id: row.get(0)?,
                pattern_type: row.get(1)?,
                description: row.get(2)?,
                success_rate: row.get(3)?,
                occurrences: row.get(4)?,
                updated_at: time(row.get_value(5)?).unwrap_or_default(),
            });
        }
        Ok(out)
    }

    /// Stores one episode (autocommit).
    ///
    /// # Errors
    /// What libSQL reports.
    pub async fn store_episode(&self, e: &Episode) -> libsql::Result<()> {
        let stmt = self
            .prepare(
                "INSERT INTO episodes (id, task, context, started_at, completed_at, outcome, reward)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .await?;
        stmt.execute(params![
            e.id.hyphenated().to_string(),
            e.task.clone(),
            e.context.to_string(),
            e.started_at.format(FORMAT).to_string(),
            e.completed_at.map(|t| t.format(FORMAT).to_string()),
            e.outcome.clone(),
            e.reward
        ])
        .await?;
        Ok(())
    }

    /// Adds a pattern.
    ///
    /// # Errors
    /// What libSQL reports.
    pub async fn insert_pattern(
        &self,
        id: i64,
        pattern_type: &str,
        description: &str,
        at: DateTime<Utc>,
    ) -> libsql::Result<()> {
        self.conn
            .execute(
                "INSERT INTO patterns (id, pattern_type, description, updated_at) VALUES (?1, ?2, ?3, ?4)",
                params![id, pattern_type, description, at.format(FORMAT).to_string()],
            )
            .await?;
        Ok(())
    }

    /// Counts one use of a pattern.
    ///
    /// # Errors
    /// What libSQL reports.
    pub async fn update_pattern_stats(
        &self,
        id: i64,
        success: f64,
        at: DateTime<Utc>,
    ) -> libsql::Result<u64> {
        let stmt = self
            .prepare(
                "UPDATE patterns SET success_rate = (success_rate * occurrences + ?2) / (occurrences + 1),
                 occurrences = occurrences + 1, updated_at = ?3 WHERE id = ?1",
            )
            .await?;
        Ok(stmt
            .execute(params![id, success, at.format(FORMAT).to_string()])
            .await? as u64)
    }
}
