//! Result caches of `#[cached_query]` methods: one per method per `Db`, created on first use,
//! invalidated by table generations (`conn::generations`) and expired by TTL (see `adaptive`).
//! The registry holds them; `db::cached` is the call path that fills and reads them. Uses
//! `util`, `types`, `stats` and `conn`; never names `Db`.

mod adaptive;
mod method;
pub(crate) mod watch;
mod weigh;

use crate::stats::facade::{CacheHandles, SiteHandles};
use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

pub use adaptive::AdaptiveTtl;
pub use method::{CacheConfig, Ttl};
pub(crate) use method::{Counters, Entry, MethodCache, MethodDeps};
pub(crate) use weigh::weight_of;
pub use weigh::Weigh;

use crate::conn::generations::{Generations, MethodGenerations};
use crate::error::Error;
use crate::stats::{CacheStats, MethodCacheStats};
use crate::util::site_id::SiteId;
use crate::util::slots::Slots;

static NEXT_CACHE_ID: AtomicUsize = AtomicUsize::new(0);

/// One `#[larder::cached_query]` method: its name, the tables its query reads and its settings.
/// The macros emit one `static` per cached method; it is not meant to be written by hand.
#[doc(hidden)]
#[derive(Debug)]
pub struct CacheSite {
    pub(crate) name: &'static str,
    pub(crate) reads: Option<&'static [&'static str]>,
    pub(crate) point: Option<(&'static str, &'static str)>,
    /// The method runs one `#[prepared]` statement: what it reads can be learned from the engine.
    pub(crate) statement: bool,
    config: CacheConfig,
    id: SiteId,
    /// Its cache counters in the `metrics` facade (feature `metrics`).
    pub(crate) facade: SiteHandles<CacheHandles>,
}

impl CacheSite {
    /// `reads` is `None` when the tables are not known (a method with a body): any write then
    /// makes its entries stale. `point` is `(table, column)` when the query is
    /// `SELECT ... FROM table WHERE column = ?`: if the column is a unique key, inserts do not
    /// invalidate entries that found their row. `statement` when the method is a `#[prepared]`
    /// query (what it reads is then learned from the engine where it can say).
    pub const fn new(
        name: &'static str,
        reads: Option<&'static [&'static str]>,
        point: Option<(&'static str, &'static str)>,
        statement: bool,
        config: CacheConfig,
    ) -> Self {
        CacheSite {
            name,
            reads,
            point,
            statement,
            config,
            id: SiteId::new(),
            facade: SiteHandles::new(),
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
                    self.cache.invalidate_key(key).await;
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
            coalesced: c.coalesced.load(Relaxed),
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
    /// The `#[invalidates]` counters of each method, by name (they exist before its cache does).
    methods: RwLock<HashMap<&'static str, Arc<MethodGenerations>>>,
    /// Versions of derived dependencies (see `MethodDeps::version`).
    versions: AtomicU64,
    /// `DbBuilder::max_staleness`: no entry is served once older than this.
    max_staleness: Option<Duration>,
}

impl CacheRegistry {
    pub(crate) fn new(max_staleness: Option<Duration>) -> CacheRegistry {
        CacheRegistry {
            caches: Slots::default(),
            generations: Generations::default(),
            methods: RwLock::default(),
            versions: AtomicU64::new(1),
            max_staleness,
        }
    }

    /// The cache of `site`, if it exists (else `create` makes it from the query's dependencies).
    /// An error past the slots' capacity.
    pub(crate) fn get<K, V>(
        &self,
        site: &'static CacheSite,
    ) -> Result<Option<&MethodCache<K, V>>, Error>
    where
        K: Hash + Eq + Clone + Send + Sync + 'static,
        V: Clone + Send + Sync + 'static,
    {
        match self.cell(site)?.get() {
            Some(cache) => downcast(&**cache, site).map(Some),
            None => Ok(None),
        }
    }

    /// The `#[invalidates]` counters of the method called `name`.
    pub(crate) fn method(&self, name: &'static str) -> Arc<MethodGenerations> {
        let read = self.methods.read().unwrap_or_else(PoisonError::into_inner);
        if let Some(method) = read.get(name) {
            return Arc::clone(method);
        }
        drop(read);
        let mut write = self.methods.write().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(write.entry(name).or_default())
    }

    /// A version number no derivation of dependencies had.
    pub(crate) fn next_version(&self) -> u64 {
        self.versions.fetch_add(1, Relaxed)
    }

    /// Creates the cache of `site` with `deps`, unless another task did meanwhile (its cache
    /// stands).
    pub(crate) fn create<K, V>(
        &self,
        site: &'static CacheSite,
        deps: MethodDeps,
    ) -> Result<&MethodCache<K, V>, Error>
    where
        K: Hash + Eq + Clone + Send + Sync + 'static,
        V: Clone + Send + Sync + 'static,
    {
        let cache = self.cell(site)?.get_or_init(|| {
            Box::new(Named::<K, V> {
                name: site.name,
                cache: MethodCache::new(
                    site.config,
                    deps,
                    self.method(site.name),
                    self.max_staleness,
                ),
            })
        });
        downcast(&**cache, site)
    }

    fn cell(
        &self,
        site: &'static CacheSite,
    ) -> Result<&std::sync::OnceLock<Box<dyn AnyCache>>, Error> {
        let id = site.id.get(&NEXT_CACHE_ID);
        self.caches.cell(id).ok_or_else(|| {
            Error::Misuse(format!(
                "more than {} `#[cached_query]` methods in one process; merge some of them, or \
                 cache by hand with your own cache",
                Slots::<()>::CAPACITY
            ))
        })
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

    /// Makes every entry of the method called `name` (`Type::method`) stale, and clears them;
    /// false if it has no cache yet.
    pub(crate) fn clear_method(&self, name: &'static str) -> bool {
        self.method(name).bump_all();
        let mut found = false;
        for cache in self.all().filter(|c| c.name() == name) {
            cache.clear();
            found = true;
        }
        found
    }

    /// Removes one entry of the method called `name`; clears the method when the key's type does
    /// not match (never leaves a possibly stale entry).
    pub(crate) async fn invalidate_key(&self, name: &'static str, key: &(dyn Any + Send + Sync)) {
        for cache in self.all().filter(|c| c.name() == name) {
            if !cache.invalidate(key).await {
                cache.clear();
            }
        }
    }
}

/// The typed cache behind `cache`, which `site`'s slot holds. A site's key and value types are
/// fixed by its method's signature, except in a generic impl: its one `static` site serves every
/// instantiation, and one whose types differ from the first is refused.
fn downcast<'a, K, V>(
    cache: &'a dyn AnyCache,
    site: &CacheSite,
) -> Result<&'a MethodCache<K, V>, Error>
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    match cache.as_any().downcast_ref::<Named<K, V>>() {
        Some(named) => Ok(&named.cache),
        None => Err(Error::Misuse(format!(
            "the cache of `{}` already holds other key or value types: a `#[cached_query]` method \
             of a generic impl is cached for one instantiation of the impl per `Db`; make its \
             types independent of the impl's parameters",
            site.name
        ))),
    }
}
