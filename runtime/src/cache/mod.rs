//! Result caches of `#[cached_query]` methods: one per method per `Db`, created on first use,
//! invalidated by table generations (see `generations`) and expired by TTL (see `adaptive`).

mod adaptive;
mod generations;
mod method;
mod stats;

use std::any::Any;
use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Duration;

pub use adaptive::AdaptiveTtl;
pub(crate) use generations::{Dependencies, Generations};
pub use method::{CacheConfig, Ttl};
use method::{Counters, MethodCache};
pub use stats::{CacheStats, MethodCacheStats};

use crate::__private::MethodResult;
use crate::db::Db;
use crate::error::Error;
use crate::site_id::SiteId;
use crate::slots::Slots;

static NEXT_CACHE_ID: AtomicUsize = AtomicUsize::new(0);

/// One `#[larder::cached_query]` method: its name, the tables its query reads and its settings.
/// The macros emit one `static` per cached method; it is not meant to be written by hand.
#[doc(hidden)]
#[derive(Debug)]
pub struct CacheSite {
    name: &'static str,
    reads: Option<&'static [&'static str]>,
    point: Option<(&'static str, &'static str)>,
    config: CacheConfig,
    id: SiteId,
}

impl CacheSite {
    /// `reads` is `None` when the tables are not known (a method with a body): any write then
    /// makes its entries stale. `point` is `(table, column)` when the query is
    /// `SELECT ... FROM table WHERE column = ?`: if the column is a unique key, inserts do not
    /// invalidate entries that found their row.
    pub const fn new(
        name: &'static str,
        reads: Option<&'static [&'static str]>,
        point: Option<(&'static str, &'static str)>,
        config: CacheConfig,
    ) -> Self {
        CacheSite {
            name,
            reads,
            point,
            config,
            id: SiteId::new(),
        }
    }
}

/// The type-erased side of a method cache, for stats and invalidation by name.
trait AnyCache: Send + Sync {
    fn name(&self) -> &'static str;
    fn clear(&self);
    fn invalidate<'a>(
        &'a self,
        key: &'a (dyn Any + Send + Sync),
    ) -> std::pin::Pin<Box<dyn Future<Output = bool> + Send + 'a>>;
    fn stats(&self) -> MethodCacheStats;
    fn as_any(&self) -> &(dyn Any + Send + Sync);
}

struct Named<K, V> {
    name: &'static str,
    cache: MethodCache<K, V>,
}

impl<K, V> AnyCache for Named<K, V>
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    fn name(&self) -> &'static str {
        self.name
    }

    fn clear(&self) {
        self.cache.cache.invalidate_all();
    }

    fn invalidate<'a>(
        &'a self,
        key: &'a (dyn Any + Send + Sync),
    ) -> std::pin::Pin<Box<dyn Future<Output = bool> + Send + 'a>> {
        Box::pin(async move {
            match key.downcast_ref::<K>() {
                Some(key) => {
                    self.cache.cache.invalidate(key).await;
                    true
                }
                None => false,
            }
        })
    }

    fn stats(&self) -> MethodCacheStats {
        let c: &Counters = &self.cache.counters;
        MethodCacheStats {
            name: self.name.to_owned(),
            hits: c.hits.load(Relaxed),
            misses: c.misses.load(Relaxed),
            stale_misses: c.stale.load(Relaxed),
            inserts: c.inserts.load(Relaxed),
            evicted_by_size: c.evicted_size.load(Relaxed),
            expired: c.evicted_expired.load(Relaxed),
            entries: self.cache.cache.entry_count(),
            weighted_size: self.cache.cache.weighted_size(),
        }
    }

    fn as_any(&self) -> &(dyn Any + Send + Sync) {
        self
    }
}

/// The caches and generations of one `Db`. Caches sit in write-once slots indexed by the cache
/// site's dense id (see `slots`).
pub(crate) struct CacheRegistry {
    caches: Slots<Box<dyn AnyCache>>,
    pub(crate) generations: Generations,
    /// `DbBuilder::max_staleness`: no entry is served once older than this.
    max_staleness: Option<Duration>,
}

impl CacheRegistry {
    pub(crate) fn new(max_staleness: Option<Duration>) -> CacheRegistry {
        CacheRegistry {
            caches: Slots::default(),
            generations: Generations::default(),
            max_staleness,
        }
    }

    fn all(&self) -> impl Iterator<Item = &dyn AnyCache> {
        self.caches.iter().map(|cache| &**cache)
    }

    /// Counters of the method called `name`, if it has a cache.
    pub(crate) fn method_stats(&self, name: &str) -> Option<MethodCacheStats> {
        self.all().find(|c| c.name() == name).map(|c| c.stats())
    }

    pub(crate) fn stats(&self) -> CacheStats {
        let mut methods: Vec<MethodCacheStats> = self.all().map(|c| c.stats()).collect();
        methods.sort_by(|a, b| a.name.cmp(&b.name));
        CacheStats { methods }
    }

    pub(crate) fn clear(&self) {
        self.all().for_each(|c| c.clear());
    }

    /// Clears every entry of the method called `name` (`Type::method`); false if it has no cache yet.
    pub(crate) fn clear_method(&self, name: &str) -> bool {
        let mut found = false;
        for cache in self.all().filter(|c| c.name() == name) {
            cache.clear();
            found = true;
        }
        found
    }

    /// Removes one entry of the method called `name`; clears the method when the key's type does
    /// not match (never leaves a possibly stale entry).
    pub(crate) async fn invalidate_key(&self, name: &str, key: &(dyn Any + Send + Sync)) {
        for cache in self.all().filter(|c| c.name() == name) {
            if !cache.invalidate(key).await {
                cache.clear();
            }
        }
    }
}

/// The method cache of `site` on `db`, created on first use.
async fn method_cache<'a, K, V>(
    db: &'a Db,
    site: &'static CacheSite,
) -> Result<&'a Named<K, V>, Error>
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    let id = site.id.get(&NEXT_CACHE_ID);
    let cell = db.inner.caches.caches.cell(id).ok_or_else(|| {
        Error::Config(format!(
            "more than {} cached methods in one process",
            Slots::<()>::CAPACITY
        ))
    })?;
    let cache = match cell.get() {
        Some(cache) => cache,
        None => {
            let deps = dependencies(db, site.reads, site.point).await?;
            // Another task may have filled the slot meanwhile: its cache stands.
            cell.get_or_init(|| {
                Box::new(Named::<K, V> {
                    name: site.name,
                    cache: MethodCache::new(site.config, deps, db.inner.caches.max_staleness),
                })
            })
        }
    };
    cache.as_any().downcast_ref::<Named<K, V>>().ok_or_else(|| {
        Error::Config(format!(
            "cache of `{}` has another type; this is a larder bug",
            site.name
        ))
    })
}

/// The counters a query reading `reads` depends on. A name that is not a base table (a view, an
/// unknown name) — or unknown tables — make it depend on every write. A point lookup whose column
/// is the table's single-column primary key or has a single-column unique index depends on the
/// table's point counters.
async fn dependencies(
    db: &Db,
    reads: Option<&'static [&'static str]>,
    point: Option<(&'static str, &'static str)>,
) -> Result<Dependencies, Error> {
    let Some(reads) = reads.filter(|r| !r.is_empty()) else {
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
    let generations = &db.inner.caches.generations;
    if let Some((table, column)) = point {
        if unique_key(db, table, column).await? && !may_replace(db, table).await? {
            return Ok(Dependencies::Point(generations.counter(table)));
        }
    }
    Ok(Dependencies::Tables(
        reads.iter().map(|r| generations.counter(r)).collect(),
    ))
}

/// Whether `column` alone identifies a row of `table`: the single-column primary key, or the only
/// column of a unique index.
async fn unique_key(db: &Db, table: &str, column: &str) -> Result<bool, Error> {
    let unique: i64 = db
        .fetch_one(
            "SELECT (SELECT count(*) = 1 FROM pragma_table_info(?1) WHERE pk > 0)
                    AND (SELECT pk FROM pragma_table_info(?1) WHERE name = ?2 COLLATE NOCASE) = 1
                 OR EXISTS (SELECT 1 FROM pragma_index_list(?1) AS il
                            WHERE il.\"unique\" = 1
                              AND (SELECT count(*) FROM pragma_index_info(il.name)) = 1
                              AND (SELECT name FROM pragma_index_info(il.name)) = ?2 COLLATE NOCASE)",
            crate::params![table, column],
        )
        .await?;
    Ok(unique == 1)
}

/// Whether a plain `INSERT` may replace a row of `table` without a `REPLACE` in its own SQL: the
/// table declares `ON CONFLICT REPLACE` on a constraint, or a trigger that mentions it uses
/// `REPLACE`. SQLite's update hook does not report rows deleted by REPLACE, so such an insert
/// would look like one that only adds rows; lookups on such a table are stamped with every write.
/// (A text match: a `replace()` call or a name that merely contains the table's also count, which
/// only costs hits.)
async fn may_replace(db: &Db, table: &str) -> Result<bool, Error> {
    let replaces: i64 = db
        .fetch_one(
            "SELECT EXISTS (SELECT 1 FROM sqlite_schema
                WHERE instr(upper(sql), 'REPLACE') > 0
                  AND ((type = 'table' AND lower(name) = lower(?1))
                       OR (type = 'trigger' AND instr(lower(sql), lower(?1)) > 0)))",
            crate::params![table],
        )
        .await?;
    Ok(replaces == 1)
}

/// Approximate heap size of a cached value, for `max_bytes`.
///
/// The weight of an entry is `size_of::<V>()` plus what `Weigh::heap_bytes` adds; implemented for
/// strings, byte vectors, `Vec`, `Option`, JSON values and scalars. Implement it for your own row
/// types to make `max_bytes` count their heap parts:
///
/// ```
/// struct Episode { task: String, tags: Vec<String> }
/// impl larder::Weigh for Episode {
///     fn heap_bytes(&self) -> usize { self.task.heap_bytes() + self.tags.heap_bytes() }
/// }
/// use larder::Weigh;
/// assert_eq!(String::from("abc").heap_bytes(), 3);
/// ```
pub trait Weigh {
    /// Bytes owned on the heap (not counting `size_of::<Self>()`).
    fn heap_bytes(&self) -> usize {
        0
    }
}

macro_rules! weigh_scalars {
    ($($t:ty),*) => {$(impl Weigh for $t {})*};
}

weigh_scalars!(
    i8,
    i16,
    i32,
    i64,
    u8,
    u16,
    u32,
    u64,
    f32,
    f64,
    bool,
    (),
    libsql::Value
);
#[cfg(feature = "uuid")]
impl Weigh for uuid::Uuid {}
#[cfg(feature = "chrono")]
impl Weigh for chrono::DateTime<chrono::Utc> {}

impl Weigh for String {
    fn heap_bytes(&self) -> usize {
        self.capacity()
    }
}

impl<T: Weigh> Weigh for Vec<T> {
    fn heap_bytes(&self) -> usize {
        self.capacity() * std::mem::size_of::<T>()
            + self.iter().map(Weigh::heap_bytes).sum::<usize>()
    }
}

impl<T: Weigh> Weigh for Option<T> {
    fn heap_bytes(&self) -> usize {
        self.as_ref().map_or(0, Weigh::heap_bytes)
    }
}

impl<T: Weigh + ?Sized> Weigh for std::sync::Arc<T> {}

#[cfg(feature = "json")]
impl Weigh for serde_json::Value {
    fn heap_bytes(&self) -> usize {
        self.to_string().len()
    }
}

fn weight_of<V>(value: &V, heap: usize) -> u32 {
    u32::try_from(std::mem::size_of_val(value) + heap).unwrap_or(u32::MAX)
}

/// `#[cached_query]` methods: a hit returns a clone of the cached value; a miss runs `load` once
/// for concurrent callers of the same key (single flight) and caches an `Ok` value that `keep`
/// accepts.
pub async fn cached<K, R, F>(
    db: &Db,
    site: &'static CacheSite,
    key: K,
    keep: fn(&R::Ok) -> bool,
    weigh: fn(&R::Ok) -> usize,
    found: fn(&R::Ok) -> bool,
    load: F,
) -> R
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    R: MethodResult,
    R::Ok: Clone + Send + Sync + 'static,
    F: Future<Output = R>,
{
    // Inside a transaction the database may hold uncommitted rows: neither read nor fill.
    if db.in_transaction() {
        return load.await;
    }
    db.check_external_writes().await;
    let cache = match method_cache::<K, R::Ok>(db, site).await {
        Ok(cache) => cache,
        Err(error) => return R::from_result(Err(error.into())),
    };
    let method = &cache.cache;
    let counters = &method.counters;
    let generations = &db.inner.caches.generations;
    // Taken before the query runs: any write committed after this point moves it.
    let stamps = generations.stamps(&method.deps);
    if let Some(entry) = method.cache.get(&key).await {
        if entry.stamp == stamps.get(entry.found) {
            counters.hits.fetch_add(1, Relaxed);
            #[cfg(feature = "metrics")]
            crate::metrics::facade::cache(site.name, crate::metrics::facade::CacheOutcome::Hit);
            return R::from_result(Ok(entry.value.clone()));
        }
        counters.stale.fetch_add(1, Relaxed);
        #[cfg(feature = "metrics")]
        crate::metrics::facade::cache(site.name, crate::metrics::facade::CacheOutcome::Stale);
        method.cache.invalidate(&key).await;
    } else {
        counters.misses.fetch_add(1, Relaxed);
        #[cfg(feature = "metrics")]
        crate::metrics::facade::cache(site.name, crate::metrics::facade::CacheOutcome::Miss);
    }

    let mut load = Some(load);
    let mut outcome: Option<R> = None;
    let init = async {
        let loaded = match load.take() {
            Some(load) => load.await,
            None => return None,
        };
        match loaded.into_result() {
            Ok(value) if keep(&value) => {
                let weight = weight_of(&value, weigh(&value));
                let found = found(&value);
                let entry = method.entry(value.clone(), stamps.get(found), found, weight);
                outcome = Some(R::from_result(Ok(value)));
                counters.inserts.fetch_add(1, Relaxed);
                Some(entry)
            }
            other => {
                outcome = Some(R::from_result(other));
                None
            }
        }
    };
    let joined = method.cache.optionally_get_with(key, init).await;
    if let Some(result) = outcome {
        // This call ran the query (and cached it if it could).
        return result;
    }
    match (joined, load) {
        // Joined another caller's query: use its value only if no write came between its start
        // and this call's start.
        (Some(entry), _) if entry.stamp == stamps.get(entry.found) => {
            R::from_result(Ok(entry.value.clone()))
        }
        (_, Some(load)) => load.await,
        (_, None) => R::from_result(Err(Error::Config(
            "cache load vanished; this is a larder bug".into(),
        )
        .into())),
    }
}
