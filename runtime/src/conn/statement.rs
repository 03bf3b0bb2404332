//! The statement cache: one per pooled connection (a libSQL statement belongs to its connection).
//!
//! `#[prepared]` sites get a dense id the first time they run, so finding their statement is an
//! index into the connection's slot vector. Dynamic SQL (`Db::fetch_all` and friends) goes through a
//! bounded LRU keyed by the SQL text. Every statement is reset when its use ends, however it ends
//! (`ResetOnDrop`), hence before its next use: it never keeps old parameters or an open read
//! transaction.

use crate::stats::facade::{SiteHandles, StatementHandles};
use std::sync::atomic::{AtomicI64, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex, PoisonError};

use super::learn::{Learned, Recorder};
use crate::error::{Error, Result};
use crate::stats::{StatementRow, StatementStats};
use crate::types::row::ColumnMap;
use crate::util::site_id::SiteId;

/// Dense ids for `#[prepared]` sites (see `site_id`).
static NEXT_SITE_ID: AtomicUsize = AtomicUsize::new(0);

/// One `#[prepared]` call site: its name, its SQL and its dense id. The macros emit one `static`
/// per site; it is not meant to be written by hand.
#[doc(hidden)]
#[derive(Debug)]
pub struct StatementSite {
    name: &'static str,
    sql: &'static str,
    writes: Option<&'static [&'static str]>,
    insert_only: bool,
    id: SiteId,
    /// Its execution counters in the `metrics` facade (feature `metrics`).
    facade: SiteHandles<StatementHandles>,
}

impl StatementSite {
    /// A site that gets its id the first time it runs. `writes` is `None` for statements the
    /// macro knows to be reads (SELECT, VALUES), else the tables the SQL writes (possibly none
    /// that it can name, e.g. a PRAGMA: the update hook then reports what changed), the
    /// statement's own target first; `insert_only` for a plain INSERT (no REPLACE, no upsert),
    /// which says nothing of the other tables (written by triggers and foreign-key actions).
    pub const fn new(
        name: &'static str,
        sql: &'static str,
        writes: Option<&'static [&'static str]>,
        insert_only: bool,
    ) -> Self {
        StatementSite {
            name,
            sql,
            writes,
            insert_only,
            id: SiteId::new(),
            facade: SiteHandles::new(),
        }
    }

    /// The statement's name, `Type::method`.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The SQL text.
    pub fn sql(&self) -> &'static str {
        self.sql
    }

    #[inline]
    pub(crate) fn id(&self) -> usize {
        self.id.get(&NEXT_SITE_ID)
    }
}

/// Which statement a call runs: a `#[prepared]` site or dynamic SQL.
#[derive(Clone, Copy)]
pub(crate) enum Source<'a> {
    Site(&'static StatementSite),
    Dynamic(&'a str),
}

impl Source<'_> {
    pub(crate) fn name(&self) -> &str {
        match self {
            Source::Site(site) => site.name,
            Source::Dynamic(_) => DYNAMIC,
        }
    }

    /// Its execution counters in the `metrics` facade: the site's, or those of all dynamic SQL.
    fn facade(&self) -> &'static SiteHandles<StatementHandles> {
        static DYNAMIC_FACADE: SiteHandles<StatementHandles> = SiteHandles::new();
        match self {
            Source::Site(site) => &site.facade,
            Source::Dynamic(_) => &DYNAMIC_FACADE,
        }
    }

    pub(crate) fn sql(&self) -> &str {
        match self {
            Source::Site(site) => site.sql,
            Source::Dynamic(sql) => sql,
        }
    }

    /// Whether the statement may need the write lock (and so may meet `SQLITE_BUSY`).
    pub(crate) fn may_write(&self) -> bool {
        match self {
            Source::Site(site) => site.writes.is_some(),
            Source::Dynamic(sql) => super::classify::may_write(sql),
        }
    }

    /// The table a plain `INSERT` (no REPLACE, no upsert) writes, by its SQL: the one table whose
    /// rows the statement only adds. Dynamic SQL names none.
    pub(crate) fn plain_insert_target(&self) -> Option<&'static str> {
        match self {
            Source::Site(site) if site.insert_only => site.writes.and_then(|w| w.first().copied()),
            _ => None,
        }
    }

    /// Records what the statement writes on `log` where the engine recorded nothing (remote
    /// connections, embedded replicas): the tables its SQL names, or everything for a write
    /// that names none (DDL, a PRAGMA) and for dynamic SQL that may write.
    pub(crate) fn record_writes(&self, log: &crate::conn::writes::WriteLog) {
        match self {
            Source::Site(site) => match site.writes {
                None => {}
                Some([]) => log.schema(),
                Some(tables) => {
                    // `insert_only` describes the statement's own target, listed first; the
                    // other tables are written by triggers and foreign-key actions.
                    for (i, table) in tables.iter().enumerate() {
                        log.table(table, site.insert_only && i == 0);
                    }
                }
            },
            Source::Dynamic(_) if self.may_write() => log.schema(),
            Source::Dynamic(_) => {}
        }
    }

    pub(crate) fn sql_error(&self, source: libsql::Error) -> Error {
        Error::Sql {
            statement: self.name().to_owned(),
            sql: self.sql().to_owned(),
            cause: source,
        }
    }
}

const DYNAMIC: &str = "dynamic";

/// Counters of one statement, shared by every connection of one `Db`.
#[derive(Debug)]
pub(crate) struct StatementCounters {
    name: String,
    sql: String,
    hits: AtomicU64,
    misses: AtomicU64,
}

/// The per-`Db` record of statements: counters per site, the dynamic LRU's counters, and how many
/// prepared statements the connections hold.
#[derive(Debug)]
pub(crate) struct StatementRegistry {
    sites: Mutex<Vec<Option<Arc<StatementCounters>>>>,
    dynamic: Arc<StatementCounters>,
    evictions: AtomicU64,
    held: Arc<AtomicI64>,
}

impl Default for StatementRegistry {
    fn default() -> Self {
        StatementRegistry {
            sites: Mutex::new(Vec::new()),
            dynamic: Arc::new(StatementCounters {
                name: DYNAMIC.to_owned(),
                sql: "(SQL passed at run time, LRU-cached per connection)".to_owned(),
                hits: AtomicU64::new(0),
                misses: AtomicU64::new(0),
            }),
            evictions: AtomicU64::new(0),
            held: Arc::new(AtomicI64::new(0)),
        }
    }
}

impl StatementRegistry {
    /// The counters of a site, created on its first miss on this `Db` (a miss already pays for a
    /// prepare, so the lock here is off the hot path).
    fn counters(&self, source: Source<'_>) -> Arc<StatementCounters> {
        let site = match source {
            Source::Site(site) => site,
            Source::Dynamic(_) => return Arc::clone(&self.dynamic),
        };
        let id = site.id();
        let mut sites = self.sites.lock().unwrap_or_else(PoisonError::into_inner);
        if sites.len() <= id {
            sites.resize(id + 1, None);
        }
        Arc::clone(sites[id].get_or_insert_with(|| {
            Arc::new(StatementCounters {
                name: site.name.to_owned(),
                sql: site.sql.to_owned(),
                hits: AtomicU64::new(0),
                misses: AtomicU64::new(0),
            })
        }))
    }

    pub(crate) fn held(&self) -> Arc<AtomicI64> {
        Arc::clone(&self.held)
    }

    /// A consistent-enough copy of the counters (each counter is read once, atomically).
    pub(crate) fn snapshot(&self) -> StatementStats {
        let sites = self.sites.lock().unwrap_or_else(PoisonError::into_inner);
        let mut statements: Vec<StatementRow> = sites
            .iter()
            .flatten()
            .chain(std::iter::once(&self.dynamic))
            .map(|c| StatementRow {
                name: c.name.clone(),
                sql: c.sql.clone(),
                hits: c.hits.load(Relaxed),
                misses: c.misses.load(Relaxed),
            })
            .filter(|row| row.hits + row.misses > 0)
            .collect();
        statements.sort_by(|a, b| a.name.cmp(&b.name));
        StatementStats {
            hits: statements.iter().map(|s| s.hits).sum(),
            misses: statements.iter().map(|s| s.misses).sum(),
            evictions: self.evictions.load(Relaxed),
            prepared: u64::try_from(self.held.load(Relaxed)).unwrap_or(0),
            statements,
        }
    }
}

/// A prepared statement held by one connection, with what is known about its result columns.
pub(crate) struct CachedStatement {
    pub(crate) stmt: libsql::Statement,
    pub(crate) columns: ColumnMap,
    /// What the engine's authorizer recorded when it was prepared (`None` without one).
    pub(crate) learned: Option<Arc<Learned>>,
    /// The schema counter it was prepared under (see `Generations::schema`).
    schema: u64,
    counters: Arc<StatementCounters>,
}

/// The statements of one connection: slots for `#[prepared]` sites, an LRU for dynamic SQL.
pub(crate) struct StatementCache {
    slots: Vec<Option<CachedStatement>>,
    dynamic: hashlink::LruCache<Box<str>, CachedStatement>,
    held: Arc<AtomicI64>,
}

impl StatementCache {
    pub(crate) fn new(capacity: usize, held: Arc<AtomicI64>) -> Self {
        StatementCache {
            slots: Vec::new(),
            dynamic: hashlink::LruCache::new(capacity.max(1)),
            held,
        }
    }

    /// The statement for `source`, prepared on `conn` if this connection has not seen it under
    /// the current `schema` counter (with what `recorder` saw while preparing it). The caller
    /// resets it when done (`ResetOnDrop`).
    pub(crate) async fn get(
        &mut self,
        conn: &libsql::Connection,
        recorder: Option<&Recorder>,
        schema: u64,
        source: Source<'_>,
        registry: &StatementRegistry,
    ) -> Result<&mut CachedStatement> {
        let found = match source {
            Source::Site(site) => {
                let id = site.id();
                if self.slots.len() <= id {
                    self.slots.resize_with(id + 1, || None);
                }
                self.slots[id].as_ref().map(|s| s.schema)
            }
            Source::Dynamic(sql) => self.dynamic.peek(sql).map(|s| s.schema),
        };
        // Prepared under another schema: what it was learned to read and write may have changed.
        let stale = found.is_some_and(|prepared| prepared != schema);
        let found = found.is_some() && !stale;
        if stale {
            self.remove(source);
        }
        if !found {
            // What ran on the connection before (BEGIN, COMMIT, ...) is not this statement's.
            if let Some(recorder) = recorder {
                recorder.clear();
            }
            let stmt = Box::pin(conn.prepare(source.sql()))
                .await
                .map_err(|e| source.sql_error(e))?;
            let cached = CachedStatement {
                stmt,
                columns: ColumnMap::default(),
                learned: recorder.map(|r| Arc::new(r.take().unwrap_or(Learned::NOTHING))),
                schema,
                counters: registry.counters(source),
            };
            cached.counters.misses.fetch_add(1, Relaxed);
            crate::stats::facade::statement(source.facade(), source.name(), true);
            self.held.fetch_add(1, Relaxed);
            match source {
                Source::Site(site) => self.slots[site.id()] = Some(cached),
                Source::Dynamic(sql) => {
                    if self.dynamic.len() == self.dynamic.capacity() {
                        self.dynamic.remove_lru();
                        registry.evictions.fetch_add(1, Relaxed);
                        self.held.fetch_sub(1, Relaxed);
                    }
                    self.dynamic.insert(sql.into(), cached);
                }
            }
        }
        let cached = match source {
            Source::Site(site) => self.slots[site.id()].as_mut(),
            Source::Dynamic(sql) => self.dynamic.get_mut(sql),
        }
        .expect("the statement was found or stored just above");
        if found {
            cached.counters.hits.fetch_add(1, Relaxed);
            crate::stats::facade::statement(source.facade(), source.name(), false);
            // No reset here: every use ends with one (`ResetOnDrop`, which runs however the use
            // ends), so a cached statement is always reset before its next use.
        }
        Ok(cached)
    }

    fn remove(&mut self, source: Source<'_>) {
        let removed = match source {
            Source::Site(site) => self.slots[site.id()].take().is_some(),
            Source::Dynamic(sql) => self.dynamic.remove(sql).is_some(),
        };
        if removed {
            self.held.fetch_sub(1, Relaxed);
        }
    }

    fn len(&self) -> usize {
        self.slots.iter().flatten().count() + self.dynamic.len()
    }
}

impl Drop for StatementCache {
    fn drop(&mut self) {
        let held = i64::try_from(self.len()).unwrap_or(i64::MAX);
        self.held.fetch_sub(held, Relaxed);
    }
}

/// Resets a statement when its use ends, however it ends (error, early return, cancellation),
/// so the connection goes back to the pool without an open read transaction.
pub(crate) struct ResetOnDrop<'a>(pub(crate) &'a libsql::Statement);

impl Drop for ResetOnDrop<'_> {
    fn drop(&mut self) {
        self.0.reset();
    }
}
