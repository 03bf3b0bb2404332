//! An AI agent's episodic memory, written only with larder attributes: the store the seed plan's
//! `CachedTursoStorage` hand-wrote, as a dozen annotated methods.

pub mod plain;
pub mod workload;

use chrono::{DateTime, Utc};
use larder::FromRow;
use uuid::Uuid;

/// One task attempt.
#[derive(FromRow, Debug, Clone, PartialEq)]
pub struct Episode {
    /// Primary key.
    pub id: Uuid,
    /// What the agent tried to do.
    pub task: String,
    /// Free-form context (JSON object).
    pub context: serde_json::Value,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When it finished, if it did.
    pub completed_at: Option<DateTime<Utc>>,
    /// How it ended.
    pub outcome: Option<String>,
    /// The reward it earned.
    pub reward: Option<f64>,
}

impl larder::Weigh for Episode {
    fn heap_bytes(&self) -> usize {
        self.task.heap_bytes() + self.context.heap_bytes() + self.outcome.heap_bytes()
    }
}

/// A pattern the agent learned.
#[derive(FromRow, Debug, Clone, PartialEq)]
pub struct Pattern {
    /// Primary key.
    pub id: i64,
    /// Kind of pattern.
    pub pattern_type: String,
    /// What it says.
    pub description: String,
    /// Share of successful uses.
    pub success_rate: f64,
    /// Times used.
    pub occurrences: i64,
    /// Last update.
    pub updated_at: DateTime<Utc>,
}

/// The migrations of `migrations/`: the files the compile-time checks read, embedded in the
/// same order (`build.rs` makes a new file rebuild the crate).
pub static MIGRATOR: larder::Migrator = larder::migrate!();

/// Applies the migrations this database does not have yet (none on a second start); returns
/// their versions.
///
/// # Errors
/// `larder::Error::Migration` naming the file and statement that failed.
pub async fn migrate(db: &larder::Db) -> larder::Result<Vec<i64>> {
    db.migrate(&MIGRATOR).await
}

/// The memory store.
pub struct Memory {
    /// Its database.
    pub db: larder::Db,
}

#[larder::storage]
impl Memory {
    /// One episode by id: the hottest read, cached with the adaptive TTL.
    #[prepared(
        "SELECT id, task, context, started_at, completed_at, outcome, reward FROM episodes WHERE id = ?1"
    )]
    #[cached_query(ttl_adaptive, max_bytes = 67108864)]
    pub async fn episode(&self, id: Uuid) -> larder::Result<Option<Episode>>;

    /// Episodes started at or after `since`, oldest first.
    #[prepared(
        "SELECT id, task, context, started_at, completed_at, outcome, reward FROM episodes
         WHERE started_at >= :since ORDER BY started_at LIMIT 100"
    )]
    #[cached_query(ttl = "30s", max_entries = 1000)]
    pub async fn episodes_since(&self, since: DateTime<Utc>) -> larder::Result<Vec<Episode>>;

    /// Episodes whose context has `key` = `value` (JSON).
    #[prepared(
        "SELECT id, task, context, started_at, completed_at, outcome, reward FROM episodes
         WHERE json_extract(context, '$.' || :key) = :value ORDER BY started_at LIMIT 100"
    )]
    #[cached_query(ttl = "60s", max_entries = 1000)]
    pub async fn episodes_by_metadata(
        &self,
        key: &str,
        value: &str,
    ) -> larder::Result<Vec<Episode>>;

    /// Patterns of one type, most successful first.
    #[prepared(
        "SELECT id, pattern_type, description, success_rate, occurrences, updated_at FROM patterns
         WHERE pattern_type = ?1 ORDER BY success_rate DESC, id"
    )]
    #[cached_query]
    pub async fn patterns_by_type(&self, pattern_type: &str) -> larder::Result<Vec<Pattern>>;

    /// Stores one episode.
    #[prepared(
        "INSERT INTO episodes (id, task, context, started_at, completed_at, outcome, reward)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    )]
    #[allow(clippy::too_many_arguments)]
    pub async fn insert_episode(
        &self,
        id: Uuid,
        task: &str,
        context: &serde_json::Value,
        started_at: DateTime<Utc>,
        completed_at: Option<DateTime<Utc>>,
        outcome: Option<&str>,
        reward: Option<f64>,
    ) -> larder::Result<()>;

    /// Stores one episode.
    pub async fn store_episode(&self, e: &Episode) -> larder::Result<()> {
        self.insert_episode(
            e.id,
            &e.task,
            &e.context,
            e.started_at,
            e.completed_at,
            e.outcome.as_deref(),
            e.reward,
        )
        .await
    }

    /// Stores many episodes in one transaction: all or none.
    #[batch]
    pub async fn store_episodes(&self, episodes: &[Episode]) -> larder::Result<()> {
        for e in episodes {
            self.store_episode(e).await?;
        }
        Ok(())
    }

    /// Adds a pattern.
    #[prepared(
        "INSERT INTO patterns (id, pattern_type, description, updated_at) VALUES (?1, ?2, ?3, ?4)"
    )]
    pub async fn insert_pattern(
        &self,
        id: i64,
        pattern_type: &str,
        description: &str,
        at: DateTime<Utc>,
    ) -> larder::Result<()>;

    /// Counts one use of a pattern and updates its success rate. Every cached pattern query is
    /// invalidated by this write, derived from its SQL: nothing to declare.
    #[prepared(
        "UPDATE patterns SET
             success_rate = (success_rate * occurrences + :success) / (occurrences + 1),
             occurrences = occurrences + 1,
             updated_at = :at
         WHERE id = :id"
    )]
    pub async fn update_pattern_stats(
        &self,
        id: i64,
        success: f64,
        at: DateTime<Utc>,
    ) -> larder::Result<u64>;
}

/// A reproducible episode for the workload: `n` decides everything.
pub fn sample_episode(n: u64, base: DateTime<Utc>) -> Episode {
    let tools = ["search", "browse", "code", "plan"];
    Episode {
        id: Uuid::from_u64_pair(0x00C0_FFEE, n),
        task: format!(
            "task {n}: answer the user's question about topic {}",
            n % 97
        ),
        context: serde_json::json!({
            "tool": tools[(n % 4) as usize],
            "user": format!("u{}", n % 50),
            "attempt": n % 3,
        }),
        started_at: base + chrono::Duration::seconds(n as i64),
        completed_at: Some(base + chrono::Duration::seconds(n as i64 + 30)),
        outcome: Some(
            if n.is_multiple_of(5) {
                "failure"
            } else {
                "success"
            }
            .to_owned(),
        ),
        reward: Some((n % 100) as f64 / 100.0),
    }
}
