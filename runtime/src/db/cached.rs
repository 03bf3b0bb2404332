//! The cached-call entry of generated code: `#[cached_query]` methods read and fill their
//! method's cache on the `Db`, stamped with the table generations read before the query ran.

use std::future::Future;
use std::hash::Hash;
use std::sync::atomic::Ordering::Relaxed;

use super::Db;
use crate::cache::{weight_of, CacheSite, MethodCache};
use crate::conn::generations::{Dependencies, Stamps};
use crate::error::Error;
use crate::stats::facade::{self, CacheOutcome};
use crate::types::MethodResult;

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
    let method = match method_cache::<K, R::Ok>(db, site).await {
        Ok(cache) => cache,
        Err(error) => return R::from_result(Err(error.into())),
    };
    let counters = &method.counters;
    // Taken before the query runs: any write committed after this point moves it.
    let stamps = db.inner.caches.generations.stamps(&method.deps);
    if let Some(value) = fresh(method, site, &key, &stamps).await {
        return R::from_result(Ok(value));
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
        (_, None) => unreachable!("`init` sets `outcome` whenever it takes `load`"),
    }
}

/// The cached value of `key` if it is fresh (stamped with the counters read just now); a stale
/// entry is removed. Counts the hit, stale miss or miss.
async fn fresh<K, V>(
    method: &MethodCache<K, V>,
    site: &CacheSite,
    key: &K,
    stamps: &Stamps,
) -> Option<V>
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    let counters = &method.counters;
    match method.cache.get(key).await {
        Some(entry) if entry.stamp == stamps.get(entry.found) => {
            counters.hits.fetch_add(1, Relaxed);
            facade::cache(site.name, CacheOutcome::Hit);
            Some(entry.value.clone())
        }
        Some(_) => {
            counters.stale.fetch_add(1, Relaxed);
            facade::cache(site.name, CacheOutcome::Stale);
            method.cache.invalidate(key).await;
            None
        }
        None => {
            counters.misses.fetch_add(1, Relaxed);
            facade::cache(site.name, CacheOutcome::Miss);
            None
        }
    }
}

/// The method cache of `site` on `db`, created on first use (with the dependencies its query has
/// on the live schema).
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
    let deps = dependencies(db, site.reads, site.point).await?;
    caches.create(site, deps)
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
