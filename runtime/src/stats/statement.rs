//! Statement-cache counters and their table.

use std::fmt;

/// Statement-cache counters of one `Db`, from [`Db::statement_stats`](crate::Db::statement_stats).
/// `Display` prints an aligned table.
///
/// ```
/// # async fn demo() -> larder::Result<()> {
/// let db = larder::Db::memory().await?;
/// db.fetch_one::<i64>("SELECT 1", &[]).await?;
/// db.fetch_one::<i64>("SELECT 1", &[]).await?;
/// let stats = db.statement_stats();
/// assert_eq!((stats.hits, stats.misses), (1, 1));
/// println!("{stats}");
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StatementStats {
    /// Executions that found their statement already prepared on their connection.
    pub hits: u64,
    /// Executions that had to prepare it.
    pub misses: u64,
    /// Dynamic statements dropped from a connection's LRU to make room.
    pub evictions: u64,
    /// Prepared statements held right now, over all connections.
    pub prepared: u64,
    /// One row per statement that has run, sorted by name.
    pub statements: Vec<StatementRow>,
}

/// The counters of one statement in [`StatementStats`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
///
/// ```
/// # async fn demo() -> larder::Result<()> {
/// let db = larder::Db::memory().await?;
/// db.fetch_one::<i64>("SELECT 1", &[]).await?;
/// let row = &db.statement_stats().statements[0];
/// assert_eq!((row.name.as_str(), row.misses), ("dynamic", 1));
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
pub struct StatementRow {
    /// `Type::method` for a `#[prepared]` method; `dynamic` for all run-time SQL together.
    pub name: String,
    /// The SQL text.
    pub sql: String,
    /// Executions that reused a prepared statement.
    pub hits: u64,
    /// Executions that prepared it.
    pub misses: u64,
}

impl StatementStats {
    #[cfg(test)]
    pub(crate) fn empty() -> Self {
        StatementStats {
            hits: 0,
            misses: 0,
            evictions: 0,
            prepared: 0,
            statements: Vec::new(),
        }
    }

    /// Hits over all executions, in `[0, 1]` (0 when nothing ran).
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// assert_eq!(db.statement_stats().hit_rate(), 0.0);
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub fn hit_rate(&self) -> f64 {
        rate(self.hits, self.misses)
    }
}

fn rate(hits: u64, misses: u64) -> f64 {
    let total = hits + misses;
    if total == 0 {
        0.0
    } else {
        hits as f64 / total as f64
    }
}

impl fmt::Display for StatementStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = crate::util::table::first_column_width(
            "statement",
            self.statements.iter().map(|s| s.name.as_str()),
        );
        writeln!(
            f,
            "{:<width$}  {:>10}  {:>8}  {:>8}  {:>8}",
            "statement", "executions", "hits", "misses", "hit rate"
        )?;
        for s in &self.statements {
            writeln!(
                f,
                "{:<width$}  {:>10}  {:>8}  {:>8}  {:>7.1}%",
                s.name,
                s.hits + s.misses,
                s.hits,
                s.misses,
                100.0 * rate(s.hits, s.misses)
            )?;
        }
        write!(
            f,
            "{:<width$}  {:>10}  {:>8}  {:>8}  {:>7.1}%\n{} statements prepared on open connections, {} evicted",
            "total",
            self.hits + self.misses,
            self.hits,
            self.misses,
            100.0 * self.hit_rate(),
            self.prepared,
            self.evictions
        )
    }
}
