//! `#[cached_query]`: hits, invalidation that never serves stale data, transactions, eviction,
//! single flight — against real libSQL databases.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use larder::{Error, FromRow};

#[derive(FromRow, Debug, Clone, PartialEq)]
pub struct Pattern {
    pub id: i64,
    pub kind: String,
    pub hits: i64,
}

pub const SCHEMA: &str = "
    CREATE TABLE patterns (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, hits INTEGER NOT NULL);
    CREATE TABLE totals (kind TEXT PRIMARY KEY, hits INTEGER NOT NULL);
    CREATE TRIGGER patterns_total AFTER UPDATE OF hits ON patterns BEGIN
        INSERT INTO totals (kind, hits) VALUES (NEW.kind, NEW.hits - OLD.hits)
        ON CONFLICT (kind) DO UPDATE SET hits = hits + excluded.hits;
    END;
    CREATE TABLE episodes (id INTEGER PRIMARY KEY, pattern INTEGER REFERENCES patterns(id) ON DELETE CASCADE);";

pub struct Store {
    pub db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("INSERT INTO patterns (id, kind, hits) VALUES (?1, ?2, ?3)")]
    pub async fn insert(&self, id: i64, kind: &str, hits: i64) -> larder::Result<()>;

    #[prepared("UPDATE patterns SET hits = ?2 WHERE id = ?1")]
    pub async fn set_hits(&self, id: i64, hits: i64) -> larder::Result<u64>;

    #[prepared("DELETE FROM patterns WHERE id = ?1")]
    pub async fn delete(&self, id: i64) -> larder::Result<u64>;

    #[prepared("INSERT INTO episodes (id, pattern) VALUES (?1, ?2)")]
    pub async fn add_episode(&self, id: i64, pattern: i64) -> larder::Result<()>;

    #[prepared("SELECT id, kind, hits FROM patterns WHERE id = ?1")]
    #[cached_query]
    pub async fn pattern(&self, id: i64) -> larder::Result<Option<Pattern>>;

    #[prepared("SELECT id, kind, hits FROM patterns WHERE id = ?1")]
    pub async fn pattern_uncached(&self, id: i64) -> larder::Result<Option<Pattern>>;

    #[prepared("SELECT id, kind, hits FROM patterns WHERE kind = :kind ORDER BY id")]
    #[cached_query(ttl = "30s", max_entries = 1000)]
    pub async fn by_kind(&self, kind: &str) -> larder::Result<Vec<Pattern>>;

    #[prepared("SELECT hits FROM totals WHERE kind = ?1")]
    #[cached_query(cache_none = false)]
    pub async fn total(&self, kind: &str) -> larder::Result<Option<i64>>;

    #[prepared("SELECT count(*) FROM episodes")]
    #[cached_query]
    pub async fn episode_count(&self) -> larder::Result<i64>;

    #[prepared("SELECT id, kind, hits FROM patterns WHERE id = ?1 AND kind = ?2")]
    #[cached_query(key = (id))]
    pub async fn keyed_by_id_only(&self, id: i64, kind: &str) -> larder::Result<Option<Pattern>>;

    #[prepared("SELECT id FROM patterns WHERE id >= ?1")]
    #[cached_query(max_entries = 100)]
    pub async fn small(&self, from: i64) -> larder::Result<Vec<i64>>;

    /// A cached method with a body: the tables are unknown, so any write invalidates it.
    #[cached_query(ttl = "1h")]
    pub async fn summary(&self) -> larder::Result<String> {
        let n: i64 = self
            .db
            .fetch_one("SELECT count(*) FROM patterns", &[])
            .await?;
        Ok(format!("{n} patterns"))
    }

    /// Raw SQL the macros cannot see; `#[invalidates]` adds what it misses.
    #[invalidates(by_kind, pattern(id))]
    pub async fn rename_raw(&self, id: i64, kind: &str) -> larder::Result<()> {
        // Deliberately sneaky: through a connection outside larder, so only #[invalidates] helps.
        let _ = (id, kind);
        Ok(())
    }
}

async fn store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let db = larder::Db::open(dir.path().join("cache.db")).await.unwrap();
    db.execute_batch(SCHEMA).await.unwrap();
    (Store { db }, dir)
}

fn stats(store: &Store, name: &str) -> larder::MethodCacheStats {
    store
        .db
        .cache_stats()
        .methods
        .into_iter()
        .find(|m| m.name == name)
        .unwrap_or_else(|| panic!("no cache for {name}"))
}

fn p(id: i64, kind: &str, hits: i64) -> Pattern {
    Pattern {
        id,
        kind: kind.into(),
        hits,
    }
}

#[tokio::test]
async fn a_repeated_read_is_a_hit_and_a_write_makes_it_a_miss() {
    let (store, _dir) = store().await;
    store.insert(1, "plan", 3).await.unwrap();
    assert_eq!(store.pattern(1).await.unwrap(), Some(p(1, "plan", 3)));
    assert_eq!(store.pattern(1).await.unwrap(), Some(p(1, "plan", 3)));
    let s = stats(&store, "Store::pattern");
    assert_eq!((s.hits, s.misses, s.inserts), (1, 1, 1));

    store.set_hits(1, 4).await.unwrap();
    assert_eq!(store.pattern(1).await.unwrap(), Some(p(1, "plan", 4)));
    assert_eq!(stats(&store, "Store::pattern").stale_misses, 1);
    // A write to another table does not touch it.
    store.add_episode(1, 1).await.unwrap();
    store.pattern(1).await.unwrap();
    assert_eq!(stats(&store, "Store::pattern").hits, 2);
}

#[tokio::test]
async fn writes_through_triggers_and_cascades_invalidate_what_they_change() {
    let (store, _dir) = store().await;
    store.insert(1, "plan", 1).await.unwrap();
    store.add_episode(10, 1).await.unwrap();
    // The trigger fills `totals` on update: a table the UPDATE's SQL does not name.
    store.set_hits(1, 5).await.unwrap();
    assert_eq!(store.total("plan").await.unwrap(), Some(4));
    store.set_hits(1, 7).await.unwrap();
    assert_eq!(
        store.total("plan").await.unwrap(),
        Some(6),
        "the trigger's write invalidated"
    );
    // ON DELETE CASCADE removes the episode: a table the DELETE does not name.
    assert_eq!(store.episode_count().await.unwrap(), 1);
    store.delete(1).await.unwrap();
    assert_eq!(
        store.episode_count().await.unwrap(),
        0,
        "the cascade invalidated"
    );
}

#[tokio::test]
async fn raw_sql_through_the_db_invalidates_everything() {
    let (store, _dir) = store().await;
    store.insert(1, "plan", 1).await.unwrap();
    assert_eq!(store.pattern(1).await.unwrap().unwrap().hits, 1);
    store
        .db
        .execute("UPDATE patterns SET hits = 2", &[])
        .await
        .unwrap();
    assert_eq!(store.pattern(1).await.unwrap().unwrap().hits, 2);
    store
        .db
        .execute_batch("UPDATE patterns SET hits = 3")
        .await
        .unwrap();
    assert_eq!(store.pattern(1).await.unwrap().unwrap().hits, 3);
}

#[tokio::test]
async fn transactions_publish_at_commit_and_never_fill_the_cache() {
    let (store, _dir) = store().await;
    store.insert(1, "plan", 1).await.unwrap();
    assert_eq!(store.pattern(1).await.unwrap().unwrap().hits, 1);

    // Rolled back: nothing published, the entry stays valid.
    let before = stats(&store, "Store::pattern");
    let failed: larder::Result<()> = store
        .db
        .transaction(|_| async {
            store.set_hits(1, 99).await?;
            // Inside: the transaction's own view, not the cache.
            assert_eq!(store.pattern(1).await?.unwrap().hits, 99);
            Err(Error::Config("abort".into()))
        })
        .await;
    assert!(failed.is_err());
    assert_eq!(store.pattern(1).await.unwrap().unwrap().hits, 1);
    let after = stats(&store, "Store::pattern");
    assert_eq!(
        after.hits,
        before.hits + 1,
        "still valid after the rollback"
    );
    assert_eq!(
        after.inserts, before.inserts,
        "the read inside the transaction filled nothing"
    );

    // Committed: published, the next read is fresh.
    store
        .db
        .transaction(|_| async { store.set_hits(1, 2).await })
        .await
        .unwrap();
    assert_eq!(store.pattern(1).await.unwrap().unwrap().hits, 2);
}

#[tokio::test]
async fn invalidates_drops_the_named_entries() {
    let (store, dir) = store().await;
    store.insert(1, "plan", 1).await.unwrap();
    assert_eq!(store.by_kind("plan").await.unwrap().len(), 1);
    assert_eq!(store.pattern(1).await.unwrap().unwrap().kind, "plan");
    // A write larder cannot see: another program on the same file.
    let raw = libsql::Builder::new_local(dir.path().join("cache.db"))
        .build()
        .await
        .unwrap();
    raw.connect()
        .unwrap()
        .execute("UPDATE patterns SET kind = 'act' WHERE id = 1", ())
        .await
        .unwrap();
    assert_eq!(
        store.pattern(1).await.unwrap().unwrap().kind,
        "plan",
        "not seen yet"
    );
    store.rename_raw(1, "act").await.unwrap();
    assert_eq!(store.pattern(1).await.unwrap().unwrap().kind, "act");
    assert_eq!(store.by_kind("plan").await.unwrap().len(), 0);
}

#[tokio::test]
async fn writes_by_another_process_are_seen_within_the_watch_interval() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("watched.db");
    let db = larder::Db::builder()
        .file(&path)
        .watch_external_writes(Duration::from_millis(20))
        .open()
        .await
        .unwrap();
    db.execute_batch(SCHEMA).await.unwrap();
    let store = Store { db };
    store.insert(1, "plan", 1).await.unwrap();
    assert_eq!(store.pattern(1).await.unwrap().unwrap().hits, 1);

    // A second Db on the same file stands for another process.
    let other = Store {
        db: larder::Db::open(&path).await.unwrap(),
    };
    other.set_hits(1, 2).await.unwrap();
    tokio::time::sleep(Duration::from_millis(30)).await;
    assert_eq!(store.pattern(1).await.unwrap().unwrap().hits, 2);
}

#[tokio::test]
async fn two_dbs_never_share_entries() {
    let (a, _da) = store().await;
    let (b, _db) = store().await;
    a.insert(1, "plan", 1).await.unwrap();
    b.insert(1, "plan", 100).await.unwrap();
    assert_eq!(a.pattern(1).await.unwrap().unwrap().hits, 1);
    assert_eq!(b.pattern(1).await.unwrap().unwrap().hits, 100);
    assert_eq!(a.pattern(1).await.unwrap().unwrap().hits, 1);
    assert_eq!(stats(&b, "Store::pattern").inserts, 1);
}

#[tokio::test]
async fn cache_none_false_does_not_cache_missing_rows() {
    let (store, _dir) = store().await;
    assert_eq!(store.total("plan").await.unwrap(), None);
    assert_eq!(store.total("plan").await.unwrap(), None);
    let s = stats(&store, "Store::total");
    assert_eq!((s.hits, s.inserts), (0, 0));
}

#[tokio::test]
async fn key_subsets_and_methods_with_bodies() {
    let (store, _dir) = store().await;
    store.insert(1, "plan", 1).await.unwrap();
    assert!(store.keyed_by_id_only(1, "plan").await.unwrap().is_some());
    // Same id, other kind: the same key, so the cached answer (documented behaviour of `key`).
    assert!(store.keyed_by_id_only(1, "other").await.unwrap().is_some());
    assert_eq!(stats(&store, "Store::keyed_by_id_only").hits, 1);

    assert_eq!(store.summary().await.unwrap(), "1 patterns");
    assert_eq!(store.summary().await.unwrap(), "1 patterns");
    store.add_episode(5, 1).await.unwrap();
    store.insert(2, "plan", 1).await.unwrap();
    assert_eq!(store.summary().await.unwrap(), "2 patterns");
}

#[tokio::test]
async fn clear_caches_empties_every_method() {
    let (store, _dir) = store().await;
    store.insert(1, "plan", 1).await.unwrap();
    store.pattern(1).await.unwrap();
    store.db.clear_caches();
    store.pattern(1).await.unwrap();
    assert_eq!(stats(&store, "Store::pattern").hits, 0);
}

#[tokio::test]
async fn entries_stay_bounded_under_many_keys() {
    let db = larder::Db::memory().await.unwrap();
    db.execute_batch(SCHEMA).await.unwrap();
    let store = Store { db };
    for from in 0..100_000 {
        store.small(from).await.unwrap();
    }
    let s = stats(&store, "Store::small");
    assert_eq!(s.misses, 100_000);
    assert!(s.entries <= 150, "entries: {}", s.entries);
    assert!(s.evicted_by_size > 99_000, "evicted: {}", s.evicted_by_size);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_misses_on_one_key_run_the_query_once() {
    let (store, _dir) = store().await;
    store.insert(1, "plan", 1).await.unwrap();
    let store = Arc::new(store);
    let before = store.db.statement_stats();
    let runs = |s: &larder::StatementStats| {
        s.statements
            .iter()
            .find(|r| r.name == "Store::pattern")
            .map_or(0, |r| r.hits + r.misses)
    };
    let tasks: Vec<_> = (0..32)
        .map(|_| {
            let store = Arc::clone(&store);
            tokio::spawn(async move { store.pattern(1).await })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap().unwrap().hits, 1);
    }
    assert_eq!(runs(&store.db.statement_stats()) - runs(&before), 1);
    // One call ran the query (a miss); the ones that took its value are coalesced, not misses;
    // the rest came later and hit. Every call is counted once.
    let s = stats(&store, "Store::pattern");
    assert_eq!(s.misses, 1, "{s:?}");
    assert_eq!(
        s.hits + s.misses + s.coalesced + s.stale_misses,
        32,
        "{s:?}"
    );
}

/// Writers bump a value; readers check that what they get is never older than the last write that
/// had finished before their call started.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn no_reader_sees_a_value_older_than_the_last_finished_commit() {
    let (store, _dir) = store().await;
    store.insert(1, "plan", 0).await.unwrap();
    let store = Arc::new(store);
    let committed = Arc::new(AtomicI64::new(0));
    let writer = {
        let (store, committed) = (Arc::clone(&store), Arc::clone(&committed));
        tokio::spawn(async move {
            for v in 1..=300 {
                store.set_hits(1, v).await.unwrap();
                committed.store(v, Ordering::SeqCst);
                if v % 3 == 0 {
                    tokio::task::yield_now().await;
                }
            }
        })
    };
    let readers: Vec<_> = (0..6)
        .map(|_| {
            let (store, committed) = (Arc::clone(&store), Arc::clone(&committed));
            tokio::spawn(async move {
                let mut reads = 0;
                while committed.load(Ordering::SeqCst) < 300 && reads < 200_000 {
                    let floor = committed.load(Ordering::SeqCst);
                    let seen = store.pattern(1).await.unwrap().unwrap().hits;
                    assert!(seen >= floor, "read {seen} after {floor} was committed");
                    reads += 1;
                    // A cache hit never waits, so a reader would otherwise keep its thread and
                    // starve the writer.
                    tokio::task::yield_now().await;
                }
                reads
            })
        })
        .collect();
    writer.await.unwrap();
    for r in readers {
        assert!(r.await.unwrap() > 0);
    }
    // Whether a reader hit while the writer ran depends on scheduling (on a loaded machine every
    // read can meet a write in flux); once writes stop, the cache serves hits again.
    let before = stats(&store, "Store::pattern");
    assert_eq!(store.pattern(1).await.unwrap().unwrap().hits, 300);
    assert_eq!(store.pattern(1).await.unwrap().unwrap().hits, 300);
    let after = stats(&store, "Store::pattern");
    assert!(after.hits > before.hits, "{before:?} then {after:?}");
}

#[tokio::test]
async fn inserts_keep_found_point_lookups_and_refresh_missing_ones() {
    let (store, _dir) = store().await;
    store.insert(1, "plan", 1).await.unwrap();
    assert!(store.pattern(1).await.unwrap().is_some());
    assert!(store.pattern(2).await.unwrap().is_none());
    // A plain insert of another row: the found row stays cached, the missing one is re-read.
    store.insert(2, "act", 2).await.unwrap();
    let before = stats(&store, "Store::pattern");
    assert!(store.pattern(1).await.unwrap().is_some());
    assert_eq!(store.pattern(2).await.unwrap().unwrap().hits, 2);
    let after = stats(&store, "Store::pattern");
    assert_eq!(
        after.hits,
        before.hits + 1,
        "pattern(1) survived the insert"
    );
    assert_eq!(
        after.stale_misses,
        before.stale_misses + 1,
        "pattern(2) was re-read"
    );
    // An update changes rows: both are stale.
    store.set_hits(2, 3).await.unwrap();
    assert_eq!(store.pattern(2).await.unwrap().unwrap().hits, 3);
    // Range queries are not point lookups: inserts invalidate them.
    assert_eq!(store.by_kind("plan").await.unwrap().len(), 1);
    store.insert(3, "plan", 0).await.unwrap();
    assert_eq!(store.by_kind("plan").await.unwrap().len(), 2);
}

/// A store checked against a schema with a view: the engine names the tables a read through the
/// view depends on, so only writes to those make it stale.
struct Shop {
    db: larder::Db,
}

#[larder::storage(schema = "schemas/views.sql")]
impl Shop {
    #[prepared("INSERT INTO items (id, name, qty) VALUES (?1, ?2, ?3)")]
    async fn stock(&self, id: i64, name: &str, qty: i64) -> larder::Result<()>;

    #[prepared("INSERT INTO audit (what) VALUES (?1)")]
    async fn audit(&self, what: &str) -> larder::Result<()>;

    #[prepared("SELECT name FROM in_stock ORDER BY id")]
    #[cached_query]
    async fn in_stock(&self) -> larder::Result<Vec<String>>;
}

#[tokio::test]
async fn a_read_through_a_view_depends_on_the_tables_behind_it_only() {
    let db = larder::Db::memory().await.unwrap();
    db.execute_batch(include_str!("../schemas/views.sql"))
        .await
        .unwrap();
    let shop = Shop { db };
    let hits = |shop: &Shop| shop.db.cache_stats().method("Shop::in_stock").unwrap().hits;
    shop.stock(1, "pen", 3).await.unwrap();
    assert_eq!(shop.in_stock().await.unwrap(), ["pen"]);
    shop.audit("looked").await.unwrap();
    assert_eq!(shop.in_stock().await.unwrap(), ["pen"]);
    assert_eq!(
        hits(&shop),
        1,
        "a write to another table left the entry fresh"
    );
    shop.stock(2, "ink", 1).await.unwrap();
    assert_eq!(
        shop.in_stock().await.unwrap(),
        ["pen", "ink"],
        "a write behind the view"
    );
}

/// A table whose schema resolves key conflicts by REPLACE: a plain INSERT can replace an
/// existing row, and SQLite's update hook does not report the replaced row.
struct Upserts {
    db: larder::Db,
}

#[larder::storage]
impl Upserts {
    #[prepared("INSERT INTO kv (k, v) VALUES (?1, ?2)")]
    async fn put(&self, k: i64, v: &str) -> larder::Result<()>;

    #[prepared("INSERT INTO named (name, v) VALUES (?1, ?2)")]
    async fn put_named(&self, name: &str, v: &str) -> larder::Result<()>;

    #[prepared("INSERT INTO feed (k, v) VALUES (?1, ?2)")]
    async fn feed(&self, k: i64, v: &str) -> larder::Result<()>;

    #[prepared("SELECT v FROM latest WHERE k = ?1")]
    #[cached_query]
    async fn latest(&self, k: i64) -> larder::Result<Option<String>>;

    #[prepared("SELECT v FROM kv WHERE k = ?1")]
    #[cached_query]
    async fn get(&self, k: i64) -> larder::Result<Option<String>>;

    #[prepared("SELECT v FROM named WHERE name = ?1")]
    #[cached_query]
    async fn get_named(&self, name: &str) -> larder::Result<Option<String>>;
}

#[tokio::test]
async fn a_plain_insert_that_replaces_through_the_schema_invalidates() {
    let db = larder::Db::memory().await.unwrap();
    db.execute_batch(
        "CREATE TABLE kv (k INTEGER PRIMARY KEY ON CONFLICT REPLACE, v TEXT NOT NULL);
         CREATE TABLE named (name TEXT NOT NULL, v TEXT NOT NULL, UNIQUE (name) ON CONFLICT REPLACE);
         CREATE TABLE feed (k INTEGER NOT NULL, v TEXT NOT NULL);
         CREATE TABLE latest (k INTEGER PRIMARY KEY, v TEXT NOT NULL);
         CREATE TRIGGER feed_latest AFTER INSERT ON feed BEGIN
             INSERT OR REPLACE INTO latest (k, v) VALUES (NEW.k, NEW.v);
         END;",
    )
    .await
    .unwrap();
    let store = Upserts { db };
    store.put(1, "old").await.unwrap();
    assert_eq!(store.get(1).await.unwrap().as_deref(), Some("old"));
    store.put(1, "new").await.unwrap();
    assert_eq!(store.get(1).await.unwrap().as_deref(), Some("new"));
    store.put_named("a", "old").await.unwrap();
    assert_eq!(store.get_named("a").await.unwrap().as_deref(), Some("old"));
    store.put_named("a", "new").await.unwrap();
    assert_eq!(store.get_named("a").await.unwrap().as_deref(), Some("new"));
    // A trigger's INSERT OR REPLACE: the hook reports an insert into `latest`.
    store.feed(1, "old").await.unwrap();
    assert_eq!(store.latest(1).await.unwrap().as_deref(), Some("old"));
    store.feed(1, "new").await.unwrap();
    assert_eq!(store.latest(1).await.unwrap().as_deref(), Some("new"));
}
