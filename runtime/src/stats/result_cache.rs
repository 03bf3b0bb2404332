//! Counters of the result caches, from [`Db::cache_stats`](crate::Db::cache_stats).

use std::fmt;

/// Counters of every cached method of one `Db`; `Display` prints an aligned table.
///
/// ```
/// # async fn demo() -> larder::Result<()> {
/// let db = larder::Db::memory().await?;
/// assert!(db.cache_stats().methods.is_empty());
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CacheStats {
    /// One row per cached method that has been called, sorted by name.
    pub methods: Vec<MethodCacheStats>,
}

impl CacheStats {
    /// The row of the method called `name` (`Type::method`), if it has been called.
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// assert!(db.cache_stats().method("Store::episode").is_none());
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub fn method(&self, name: &str) -> Option<&MethodCacheStats> {
        self.methods.iter().find(|m| m.name == name)
    }
}

/// Counters of one cached method.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
///
/// ```
/// # async fn demo() -> larder::Result<()> {
/// let db = larder::Db::memory().await?;
/// for m in db.cache_stats().methods {
///     println!("{}: {} hits, {} misses", m.name, m.hits, m.misses);
/// }
/// # Ok(()) }
/// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
/// ```
pub struct MethodCacheStats {
    /// `Type::method`.
    pub name: String,
    /// Calls answered from the cache.
    pub hits: u64,
    /// Calls that found no entry.
    pub misses: u64,
    /// Calls that found an entry made stale by a write (also a miss).
    pub stale_misses: u64,
    /// Calls that found no entry and took the value a concurrent caller's query loaded for the
    /// same key (single flight): no query of their own, but not served from the cache either.
    pub coalesced: u64,
    /// Values stored.
    pub inserts: u64,
    /// Entries evicted to stay within `max_entries` / `max_bytes`.
    pub evicted_by_size: u64,
    /// Entries removed when their time to live ran out.
    pub expired: u64,
    /// Entries now, approximate: moka applies inserts and removals to its count in batches, so
    /// an entry just stored may not be counted yet (the table's header says `~entries`).
    pub entries: u64,
    /// Weighted size now (entries, or approximate bytes with `max_bytes`).
    pub weighted_size: u64,
}

impl MethodCacheStats {
    /// Hits over all calls (hits, misses, stale misses and coalesced calls), in `[0, 1]`.
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::memory().await?;
    /// assert!(db.cache_stats().methods.iter().all(|m| m.hit_rate() <= 1.0));
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub fn hit_rate(&self) -> f64 {
        let calls = self.hits + self.misses + self.stale_misses + self.coalesced;
        if calls == 0 {
            0.0
        } else {
            self.hits as f64 / calls as f64
        }
    }
}

impl fmt::Display for CacheStats {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = crate::util::table::first_column_width(
            "method",
            self.methods.iter().map(|m| m.name.as_str()),
        );
        writeln!(
            f,
            "{:<width$}  {:>8}  {:>8}  {:>8}  {:>9}  {:>8}  {:>8}  {:>8}  {:>8}",
            "method",
            "hits",
            "misses",
            "stale",
            "coalesced",
            "hit rate",
            "~entries",
            "evicted",
            "expired"
        )?;
        for m in &self.methods {
            writeln!(
                f,
                "{:<width$}  {:>8}  {:>8}  {:>8}  {:>9}  {:>7.1}%  {:>8}  {:>8}  {:>8}",
                m.name,
                m.hits,
                m.misses,
                m.stale_misses,
                m.coalesced,
                100.0 * m.hit_rate(),
                m.entries,
                m.evicted_by_size,
                m.expired
            )?;
        }
        Ok(())
    }
}
