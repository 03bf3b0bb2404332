//! The cached-call entry of generated code: `#[cached_query]` methods read and fill their
//! method's cache on the `Db`, stamped with the table generations read before the query ran.
//!
//! What a method depends on is derived once per schema (see `dependencies`): from what the
//! engine recorded its statement reading, where it can say (local connections), else from its
//! SQL. Until it is derived — on the first call, and on the first call after a change of the
//! schema — calls run uncached.

use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;

use super::learning::{self, Report};
use super::Db;
use crate::cache::{weight_of, CacheSite, Entry, MethodCache, MethodDeps};
use crate::conn::generations::{Dependencies, Stamps};
use crate::conn::learn::ReadSet;
use crate::error::Error;
use crate::stats::facade::{self, CacheOutcome};
use crate::types::{MethodError, MethodResult};

/// `#[cached_query]` methods: a hit returns a clone of the cached value; a miss runs the query
/// `load` makes once for concurrent callers of the same key (single flight) and caches an `Ok`
/// value that `keep` accepts.
///
/// `load` makes the query's future only when it is needed, on the heap: a hit never builds it,
/// and this function's own future stays small (a query's future is kilobytes, and every layer
/// that held it by value would copy it — on every call, hits included).
pub async fn cached<K, R, L, F>(
    db: &Db,
    site: &'static CacheSite,
    key: K,
    keep: fn(&R::Ok) -> bool,
    weigh: fn(&R::Ok) -> usize,
    found: fn(&R::Ok) -> bool,
    load: L,
) -> R
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    R: MethodResult,
    R::Err: MethodError,
    R::Ok: Clone + Send + Sync + 'static,
    L: FnOnce() -> F,
    F: Future<Output = R>,
{
    // Inside a transaction the database may hold uncommitted rows: neither read nor fill.
    if db.in_transaction() {
        // Bound before the await: a temporary of the awaiting statement would live in this future.
        let load = Box::pin(load());
        return load.await;
    }
    let watched = db.check_external_writes().await;
    let method = match method_cache::<K, R::Ok>(db, site).await {
        Ok(cache) => cache,
        Err(error) => return R::from_result(Err(error.into())),
    };
    let deps = method.deps.load();
    if !deps.settled || deps.schema != db.generations().schema() {
        let judge = Judge { keep, weigh, found };
        let load = Box::pin(load());
        if !watched {
            return load.await;
        }
        // Boxed: the cold path (and the schema queries under it) would enlarge every call's future.
        let learning = Box::pin(learn(db, site, method, key, judge, load));
        return learning.await;
    }
    // Taken before the query runs: any write committed after this point moves it, and any
    // write that may commit meanwhile is in flux now.
    let mut stamps = db.generations().stamps(&deps.deps, &method.generations);
    if !watched {
        stamps.found.settled = false;
        stamps.missing.settled = false;
    }
    let judge = Judge { keep, weigh, found };
    // One counted lookup per call: the lookup that finds no entry is also the one that loads it
    // (moka's admission sketch counts each lookup, so a `get` before the load would count every
    // miss twice and let one-off keys push out popular ones).
    let loads_seen = method.loads_now();
    let mut load = Some(load);
    // Boxed: moka's single-flight lookup future is 1.4 KB, and every caller's future would hold
    // it (a generated method's future would pass 2 KB); one allocation costs a hit a few percent.
    let first = Box::pin(lookup(method, &deps, &stamps, &key, judge, &mut load)).await;
    match first {
        Looked::Loaded(result) => {
            count_absent(method, site, false, true);
            result
        }
        Looked::Found(entry) if entry.loaded <= loads_seen => {
            // Stored before this call started: a hit if current, else stale.
            if current(method, &key, &entry, deps.version, &stamps) {
                method.counters.hits.fetch_add(1, Relaxed);
                facade::cache(&site.facade, site.name, CacheOutcome::Hit);
                return R::from_result(Ok(entry.value.clone()));
            }
            method.counters.stale.fetch_add(1, Relaxed);
            facade::cache(&site.facade, site.name, CacheOutcome::Stale);
            // An entry that is only waiting for a write in flux may be valid again afterwards
            // (the write may roll back); one whose stamp moved never is.
            let remove =
                entry.version != deps.version || entry.stamp != stamps.get(entry.found).value;
            drop(entry);
            let call = Call {
                site,
                counted: true,
            };
            // Boxed: the invalidation's and a second lookup's futures would enlarge every call's,
            // hits included.
            Box::pin(async move {
                if remove {
                    method.cache.invalidate(&key).await;
                }
                miss(method, &deps, stamps, key, judge, call, load).await
            })
            .await
        }
        found => {
            // Stored by a concurrent caller's load while this call waited for it (or that load
            // kept nothing): its value is served only if it is current for this call.
            let joined = match found {
                Looked::Found(entry) => Some(entry),
                _ => None,
            }
            .filter(|entry| current(method, &key, entry, deps.version, &stamps));
            let call = Call {
                site,
                counted: false,
            };
            // Boxed: a cold path (concurrent callers of one key).
            Box::pin(serve_joined(method, call, joined, load)).await
        }
    }
}

/// Who is calling, for the counters: the site, and whether the lookup was counted already.
struct Call {
    site: &'static CacheSite,
    counted: bool,
}

/// What one single-flight lookup gave.
enum Looked<V, R> {
    /// This call ran the query: its result (cached if it could be).
    Loaded(R),
    /// An entry: stored before, or by a concurrent caller's load that this call waited for.
    Found(Arc<Entry<V>>),
    /// A concurrent caller's load kept nothing.
    Nothing,
}

/// Looks `key` up once (one counted lookup); when there is no entry, runs the query `load`
/// makes (taking it) and makes the entry `judge` keeps, stamped with `stamps` — unless what the
/// query read is not what `deps` cover. Concurrent callers of the same key wait for one load
/// (single flight). The load's future is made on the heap and only on a miss.
async fn lookup<K, R, L, F>(
    method: &MethodCache<K, R::Ok>,
    deps: &Arc<MethodDeps>,
    stamps: &Stamps,
    key: &K,
    judge: Judge<R::Ok>,
    load: &mut Option<L>,
) -> Looked<R::Ok, R>
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    R: MethodResult,
    R::Err: MethodError,
    R::Ok: Clone + Send + Sync + 'static,
    L: FnOnce() -> F,
    F: Future<Output = R>,
{
    let mut outcome: Option<R> = None;
    let init = async {
        let loading = Box::pin(load_entry(method, deps, stamps, judge, load.take()?));
        let (entry, result) = loading.await;
        outcome = Some(result);
        entry
    };
    let found = method.cache.optionally_get_with_by_ref(key, init).await;
    match (outcome, found) {
        (Some(result), _) => Looked::Loaded(result),
        (None, Some(entry)) => Looked::Found(entry),
        (None, None) => Looked::Nothing,
    }
}

/// Runs the query `load` makes and makes the entry `judge` keeps, stamped with `stamps` —
/// `None` when what the query read is not what `deps` cover, or `judge` keeps nothing.
async fn load_entry<K, R, L, F>(
    method: &MethodCache<K, R::Ok>,
    deps: &Arc<MethodDeps>,
    stamps: &Stamps,
    judge: Judge<R::Ok>,
    load: L,
) -> (Option<Arc<Entry<R::Ok>>>, R)
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    R: MethodResult,
    R::Err: MethodError,
    R::Ok: Clone + Send + Sync + 'static,
    L: FnOnce() -> F,
    F: Future<Output = R>,
{
    let keyed = method.keyed_now();
    let (loaded, report) = learning::collect(load()).await;
    // What the query read is not what the stamp covers: the schema changed under it.
    let covered = reads_within(&report, deps);
    if !covered && loaded.is_ok() {
        relearn(method, deps);
    }
    match loaded.into_result() {
        Ok(value) if covered && (judge.keep)(&value) => {
            let entry = judge.entry(method, &value, stamps, deps.version, keyed);
            (Some(entry), R::from_result(Ok(value)))
        }
        other => (None, R::from_result(other)),
    }
}

/// A miss after a stale entry: one single-flight lookup that runs the query `load` makes when
/// there is no entry (see [`lookup`]). A caller that joined another's load takes its value only
/// if the stamps still agree.
async fn miss<K, R, L, F>(
    method: &MethodCache<K, R::Ok>,
    deps: &Arc<MethodDeps>,
    stamps: Stamps,
    key: K,
    judge: Judge<R::Ok>,
    call: Call,
    mut load: Option<L>,
) -> R
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    R: MethodResult,
    R::Err: MethodError,
    R::Ok: Clone + Send + Sync + 'static,
    L: FnOnce() -> F,
    F: Future<Output = R>,
{
    let joined = match lookup(method, deps, &stamps, &key, judge, &mut load).await {
        Looked::Loaded(result) => {
            // This call ran the query (and cached it if it could).
            count_absent(method, call.site, call.counted, true);
            return result;
        }
        Looked::Found(entry) => Some(entry),
        Looked::Nothing => None,
    };
    // Joined another caller's query: use its value only if no write came between its start and
    // this call's start, and none was in flux when this call started.
    let joined = joined.filter(|entry| current(method, &key, entry, deps.version, &stamps));
    serve_joined(method, call, joined, load).await
}

/// A call whose single-flight load another caller ran: serves that value when `joined` (it was
/// found current; counted as coalesced), else runs its own `load` (a miss).
async fn serve_joined<K, R, L, F>(
    method: &MethodCache<K, R::Ok>,
    call: Call,
    joined: Option<Arc<Entry<R::Ok>>>,
    load: Option<L>,
) -> R
where
    K: Hash + Eq + Send + Sync + 'static,
    R: MethodResult,
    R::Err: MethodError,
    R::Ok: Clone + Send + Sync + 'static,
    L: FnOnce() -> F,
    F: Future<Output = R>,
{
    count_absent(method, call.site, call.counted, joined.is_none());
    match (joined, load) {
        (Some(entry), _) => R::from_result(Ok(entry.value.clone())),
        // Bound before the await: a temporary of the awaiting statement would live in this future.
        (None, Some(load)) => {
            let load = Box::pin(load());
            load.await
        }
        (None, None) => unreachable!("`load` is taken only by a load that sets the outcome"),
    }
}

/// Whether `entry` may be served under `stamps`: stamped under the dependencies of `version`
/// with the counters read now, nothing it depends on in flux, no keyed invalidation of `key`
/// since its load started.
fn current<K, V>(
    method: &MethodCache<K, V>,
    key: &K,
    entry: &Entry<V>,
    version: u64,
    stamps: &Stamps,
) -> bool
where
    K: Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    entry.version == version
        && stamps.serves(entry.stamp, entry.found)
        && method.unaffected(key, entry)
}

/// Counts a call that found no entry (`counted`: not already counted as stale): a miss when it
/// ran the query, coalesced when it took a concurrent caller's value.
fn count_absent<K, V>(method: &MethodCache<K, V>, site: &CacheSite, counted: bool, ran: bool)
where
    K: Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    if counted {
        return;
    }
    let (counter, outcome) = if ran {
        (&method.counters.misses, CacheOutcome::Miss)
    } else {
        (&method.counters.coalesced, CacheOutcome::Coalesced)
    };
    counter.fetch_add(1, Relaxed);
    facade::cache(&site.facade, site.name, outcome);
}

/// A call while the method's dependencies are not derived (first call, schema changed): runs
/// the query, derives them from what the engine recorded it reading, and caches the value if no
/// write at all happened meanwhile — then the counters the new dependencies name did not move
/// either, so a stamp taken now is as good as one taken before the query.
async fn learn<K, R, F>(
    db: &Db,
    site: &'static CacheSite,
    method: &MethodCache<K, R::Ok>,
    key: K,
    judge: Judge<R::Ok>,
    load: F,
) -> R
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    R: MethodResult,
    R::Err: MethodError,
    R::Ok: Clone + Send + Sync + 'static,
    F: Future<Output = R>,
{
    let generations = db.generations();
    let mut load = Some(load);
    let mut outcome: Option<R> = None;
    // Single flight here too: concurrent first calls run the query once.
    let init = async {
        let load = load.take()?;
        let schema = generations.schema();
        let keyed = method.keyed_now();
        let before = generations.stamps(&Dependencies::Anything, &method.generations);
        let (result, report) = learning::collect(load).await;
        let value = match result.into_result() {
            Ok(value) => value,
            Err(error) => {
                outcome = Some(R::from_result(Err(error)));
                return None;
            }
        };
        let derived = Box::pin(super::dependencies::derive(db, site, &report)).await;
        let deps = derived.ok().map(|derived| {
            let deps = Arc::new(MethodDeps {
                version: db.inner.caches.next_version(),
                schema,
                settled: true,
                ..derived
            });
            method.deps.store(Arc::clone(&deps));
            deps
        });
        let entry = deps.and_then(|deps| {
            let stamps = generations.stamps(&deps.deps, &method.generations);
            let after = generations.stamps(&Dependencies::Anything, &method.generations);
            let quiet = before.found.settled && before == after && generations.schema() == schema;
            (quiet && (judge.keep)(&value))
                .then(|| judge.entry(method, &value, &stamps, deps.version, keyed))
        });
        outcome = Some(R::from_result(Ok(value)));
        entry
    };
    let joined = method.cache.optionally_get_with(key.clone(), init).await;
    if let Some(result) = outcome {
        count_absent(method, site, false, true);
        return result;
    }
    // Joined another caller's first load: its value is served only if it is current now (its
    // stamp is the one the derived dependencies give now, nothing in flux).
    let deps = method.deps.load();
    let stamps = generations.stamps(&deps.deps, &method.generations);
    let joined =
        joined.filter(|entry| deps.settled && current(method, &key, entry, deps.version, &stamps));
    let call = Call {
        site,
        counted: false,
    };
    serve_joined(method, call, joined, load.map(|load| move || load)).await
}

/// How a loaded value is judged: kept or not, its weight, whether it found its row.
struct Judge<V> {
    keep: fn(&V) -> bool,
    weigh: fn(&V) -> usize,
    found: fn(&V) -> bool,
}

impl<V> Clone for Judge<V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<V> Copy for Judge<V> {}

impl<V: Clone + Send + Sync + 'static> Judge<V> {
    /// The entry of `value` for `method`, stamped with the stamp that applies to it (counted as
    /// an insert).
    fn entry<K>(
        &self,
        method: &MethodCache<K, V>,
        value: &V,
        stamps: &Stamps,
        version: u64,
        keyed: u64,
    ) -> Arc<Entry<V>>
    where
        K: Hash + Eq + Send + Sync + 'static,
    {
        let found = (self.found)(value);
        let weight = weight_of(value, (self.weigh)(value));
        let stamp = (stamps.get(found).value, version);
        method.counters.inserts.fetch_add(1, Relaxed);
        method.entry(value.clone(), stamp, found, weight, keyed)
    }
}

/// Whether a load's reads are within what its stamp covered.
fn reads_within(report: &Report, deps: &MethodDeps) -> bool {
    if matches!(deps.deps, Dependencies::Anything) {
        return true;
    }
    match (report, &deps.learned) {
        (Report::One(learned), Some(known)) => match (&learned.reads, known) {
            (_, ReadSet::Anything) => true,
            (ReadSet::Tables(read), ReadSet::Tables(known)) => {
                read.iter().all(|t| known.contains(t))
            }
            (ReadSet::Anything, ReadSet::Tables(_)) => false,
        },
        // Derived from the SQL (no record), or several statements: nothing to compare.
        (Report::Nothing, None) => true,
        _ => false,
    }
}

/// The method's dependencies are wrong: derive them again at the next call.
fn relearn<K, V>(method: &MethodCache<K, V>, deps: &Arc<MethodDeps>) {
    let unsettled = MethodDeps {
        deps: deps.deps.clone(),
        version: deps.version,
        schema: deps.schema,
        learned: deps.learned.clone(),
        settled: false,
    };
    method.deps.compare_and_swap(deps, Arc::new(unsettled));
}

/// The method cache of `site` on `db`, created on first use (its dependencies not derived yet).
async fn method_cache<'a, K, V>(
    db: &'a Db,
    site: &'static CacheSite,
) -> Result<&'a MethodCache<K, V>, Error>
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    let caches = &db.inner.caches;
    if let Some(cache) = caches.get::<K, V>(site)? {
        return Ok(cache);
    }
    caches.create(site, super::dependencies::unsettled())
}
