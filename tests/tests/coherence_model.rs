//! Differential model test of cache coherence: every case generates a schema (rowid and WITHOUT
//! ROWID tables, keys with collations, unique and partial indexes, AUTOINCREMENT, triggers that
//! log, REPLACE or empty a table, foreign-key cascades, a view, an FTS5 table kept in sync by
//! triggers) and runs random steps against it — writes of every form (plain, REPLACE, upsert,
//! `OR ROLLBACK`, update, delete), DDL, PRAGMA writes, raw SQL, TEMP triggers created at run time,
//! transactions with savepoints that commit or roll back, writes by a second `Db` (seen through
//! `watch_external_writes`) and writes larder cannot see declared with `#[invalidates]`. After
//! every step each cached method must return what the same SQL returns uncached (an error where
//! it errors) — in schema mode and in no-schema mode.
//!
//! `LARDER_MODEL_CASES` (default 20 per mode) × 250 steps: 10 000 steps in the normal run. For
//! a million: `LARDER_MODEL_CASES=2000 cargo test --release -p larder-tests --test coherence_model`.

use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// The variant of the schema one case runs against.
#[derive(Debug, Clone)]
struct Shape {
    /// 0 `INTEGER PRIMARY KEY`, 1 with AUTOINCREMENT, 2 `TEXT PRIMARY KEY` WITHOUT ROWID,
    /// 3 `UNIQUE ON CONFLICT REPLACE`, 4 no key at all.
    key: u8,
    v_nocase: bool,
    /// 0 none, 1 unique, 2 unique with `COLLATE BINARY`, 3 unique and partial.
    v_index: u8,
    t2_without_rowid: bool,
    cascade: bool,
    log_trigger: bool,
    replace_trigger: bool,
    truncate_trigger: bool,
    fts: bool,
    watch: bool,
    pool: usize,
}

impl Shape {
    fn ddl(&self) -> String {
        let key = match self.key {
            0 => "k INTEGER PRIMARY KEY",
            1 => "k INTEGER PRIMARY KEY AUTOINCREMENT",
            2 => "k TEXT PRIMARY KEY",
            3 => "k INTEGER NOT NULL UNIQUE ON CONFLICT REPLACE",
            _ => "k INTEGER",
        };
        let rowid = if self.key == 2 { " WITHOUT ROWID" } else { "" };
        let v = if self.v_nocase {
            "v TEXT NOT NULL COLLATE NOCASE"
        } else {
            "v TEXT NOT NULL"
        };
        let mut ddl = format!("CREATE TABLE t1 ({key}, {v}, n INTEGER NOT NULL){rowid};\n");
        ddl += match self.v_index {
            1 => "CREATE UNIQUE INDEX t1_v ON t1 (v);\n",
            2 => "CREATE UNIQUE INDEX t1_v ON t1 (v COLLATE BINARY);\n",
            3 => "CREATE UNIQUE INDEX t1_v ON t1 (v) WHERE n > 0;\n",
            _ => "",
        };
        let fk = if self.cascade && self.key != 4 {
            " REFERENCES t1 (k) ON DELETE CASCADE ON UPDATE CASCADE"
        } else {
            ""
        };
        ddl += &if self.t2_without_rowid {
            format!("CREATE TABLE t2 (id INTEGER PRIMARY KEY, k INTEGER NOT NULL{fk}, x INTEGER NOT NULL) WITHOUT ROWID;\n")
        } else {
            format!("CREATE TABLE t2 (id INTEGER PRIMARY KEY, k INTEGER NOT NULL{fk}, x INTEGER NOT NULL);\n")
        };
        ddl += "CREATE TABLE log (k INTEGER NOT NULL, what TEXT NOT NULL);
            CREATE TABLE keys (k INTEGER NOT NULL);
            CREATE TABLE w (k INTEGER PRIMARY KEY, x INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TABLE ext (k INTEGER PRIMARY KEY, n INTEGER NOT NULL);
            CREATE VIEW v1 AS SELECT k, n FROM t1 WHERE n > 0;\n";
        if self.log_trigger {
            ddl += "CREATE TRIGGER t1_log AFTER INSERT ON t1 BEGIN
                INSERT INTO log (k, what) VALUES (NEW.k, 'insert'); END;\n";
        }
        if self.replace_trigger {
            ddl += "CREATE TRIGGER t2_replace AFTER INSERT ON t2 BEGIN
                REPLACE INTO t1 (k, v, n) VALUES (NEW.k, 'r' || NEW.x, NEW.x); END;\n";
        }
        if self.truncate_trigger {
            // `DELETE FROM log` without WHERE: the truncate optimization, no update hook.
            ddl += "CREATE TRIGGER keys_clear AFTER DELETE ON keys BEGIN DELETE FROM log; END;\n";
        }
        if self.fts {
            ddl += "CREATE VIRTUAL TABLE f USING fts5 (v);
                CREATE TRIGGER t1_fts AFTER INSERT ON t1 BEGIN INSERT INTO f (v) VALUES (NEW.v); END;
                CREATE TRIGGER t1_fts_d AFTER DELETE ON t1 BEGIN DELETE FROM f WHERE v = OLD.v; END;\n";
        } else {
            ddl += "CREATE TABLE f (v TEXT);\n";
        }
        ddl
    }
}

fn shape() -> impl Strategy<Value = Shape> {
    (
        (0u8..5, any::<bool>(), 0u8..4, any::<bool>(), any::<bool>()),
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        (any::<bool>(), prop::sample::select(vec![1usize, 3])),
    )
        .prop_map(
            |(
                (key, v_nocase, v_index, t2_without_rowid, cascade),
                (log_trigger, replace_trigger, truncate_trigger, fts),
                (watch, pool),
            )| Shape {
                key,
                v_nocase,
                v_index,
                t2_without_rowid,
                cascade,
                log_trigger,
                replace_trigger,
                truncate_trigger,
                fts,
                watch,
                pool,
            },
        )
}

/// Values a step uses: few keys and collation-sensitive texts, so that steps collide.
const VS: [&str; 4] = ["a", "A", "b", "a "];

#[derive(Debug, Clone)]
enum Op {
    Insert(i64, usize, i64),
    Replace(i64, usize, i64),
    Upsert(i64, usize, i64),
    OrRollback(i64, usize, i64),
    AddN(i64, i64),
    SetV(i64, usize),
    Delete(i64),
    InsertT2(i64, i64),
    ClearT2,
    InsertKey(i64),
    ClearKeys,
    DropVIndex,
    AddVIndex,
    AddNIndex,
    Version(bool),
    /// Raw SQL through `Db::execute`.
    RawDouble(i64),
    /// Raw SQL through `Db::execute_batch`.
    RawBatch,
    TempTrigger,
    ReplaceTriggerLater,
    ViewToTable,
    /// A write by the second `Db` (the watch sees it, when on).
    Other(i64),
    /// A write larder cannot see, declared with `#[invalidates]`.
    External(i64),
}

fn op() -> impl Strategy<Value = Op> {
    let k = 0..5i64;
    let v = 0..VS.len();
    prop_oneof![
        4 => (k.clone(), v.clone(), -3..9i64).prop_map(|(k, v, n)| Op::Insert(k, v, n)),
        2 => (k.clone(), v.clone(), -3..9i64).prop_map(|(k, v, n)| Op::Replace(k, v, n)),
        2 => (k.clone(), v.clone(), -3..9i64).prop_map(|(k, v, n)| Op::Upsert(k, v, n)),
        1 => (k.clone(), v.clone(), -3..9i64).prop_map(|(k, v, n)| Op::OrRollback(k, v, n)),
        3 => (k.clone(), -2..3i64).prop_map(|(k, d)| Op::AddN(k, d)),
        2 => (k.clone(), v).prop_map(|(k, v)| Op::SetV(k, v)),
        2 => k.clone().prop_map(Op::Delete),
        2 => (k.clone(), 0..4i64).prop_map(|(k, x)| Op::InsertT2(k, x)),
        1 => Just(Op::ClearT2),
        1 => k.clone().prop_map(Op::InsertKey),
        1 => Just(Op::ClearKeys),
        1 => Just(Op::DropVIndex),
        1 => Just(Op::AddVIndex),
        1 => Just(Op::AddNIndex),
        1 => any::<bool>().prop_map(Op::Version),
        1 => k.clone().prop_map(Op::RawDouble),
        1 => Just(Op::RawBatch),
        1 => Just(Op::TempTrigger),
        1 => Just(Op::ReplaceTriggerLater),
        1 => Just(Op::ViewToTable),
        2 => k.clone().prop_map(Op::Other),
        2 => k.prop_map(Op::External),
    ]
}

#[derive(Debug, Clone)]
enum Step {
    One(Op),
    /// A transaction: its ops, an inner savepoint scope's ops and whether each commits.
    Tx(Vec<Op>, Vec<Op>, bool, bool),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        8 => op().prop_map(Step::One),
        1 => (
            prop::collection::vec(op(), 0..4),
            prop::collection::vec(op(), 0..3),
            any::<bool>(),
            any::<bool>()
        )
            .prop_map(|(outer, inner, commit_inner, commit)| Step::Tx(outer, inner, commit_inner, commit)),
    ]
}

/// Writes by the second `Db` inside a transaction would wait for the transaction's own lock.
fn waits_for_this_transaction(op: &Op) -> bool {
    matches!(op, Op::Other(_) | Op::External(_))
}

/// The store, in one mode: `$storage` are the `#[larder::storage]` arguments; each cached
/// method is listed with its SQL and how its uncached twin fetches it.
macro_rules! model_store {
    ($store:ident, [$($storage:tt)*]) => {
        struct $store {
            db: larder::Db,
            other: larder::Db,
        }

        #[larder::storage($($storage)*)]
        impl $store {
            #[prepared("SELECT CAST(k AS INTEGER), v, n FROM t1 WHERE k = ?1")]
            #[cached_query]
            async fn point(&self, k: i64) -> larder::Result<Option<(i64, String, i64)>>;

            #[prepared("SELECT count(*) FROM t1 WHERE k = ?1")]
            #[cached_query]
            async fn count_k(&self, k: i64) -> larder::Result<i64>;

            #[prepared("SELECT CAST(k AS INTEGER) FROM t1 WHERE v = ?1")]
            #[cached_query]
            async fn by_v(&self, v: &str) -> larder::Result<Vec<i64>>;

            #[prepared("SELECT count(*) FROM f WHERE v = ?1")]
            #[cached_query]
            async fn fts_count(&self, v: &str) -> larder::Result<i64>;

            #[prepared("SELECT coalesce(sum(n), 0) FROM t1")]
            #[cached_query]
            async fn sum_n(&self) -> larder::Result<i64>;

            #[prepared("SELECT count(*) FROM t1 JOIN t2 ON t2.k = t1.k, log")]
            #[cached_query]
            async fn joined(&self) -> larder::Result<i64>;

            #[prepared("SELECT count(*) FROM (SELECT k FROM t1 WHERE n > 0) s, t2 WHERE s.k = t2.k")]
            #[cached_query]
            async fn subquery(&self) -> larder::Result<i64>;

            #[prepared("SELECT (WITH t2 AS (SELECT k FROM t1) SELECT count(*) FROM t2) * 100 + (SELECT count(*) FROM t2)")]
            #[cached_query]
            async fn shadowed(&self) -> larder::Result<i64>;

            #[prepared("SELECT count(*) FROM t1 WHERE k IN keys")]
            #[cached_query]
            async fn in_keys(&self) -> larder::Result<i64>;

            #[prepared("SELECT coalesce(sum(n), 0) FROM v1")]
            #[cached_query]
            async fn view_sum(&self) -> larder::Result<i64>;

            #[prepared("SELECT count(*) FROM log")]
            #[cached_query]
            async fn log_count(&self) -> larder::Result<i64>;

            #[prepared("SELECT coalesce(sum(x), 0) FROM w")]
            #[cached_query]
            async fn w_sum(&self) -> larder::Result<i64>;

            #[prepared("SELECT coalesce(group_concat(name, ','), '') FROM (SELECT name FROM sqlite_schema ORDER BY name)")]
            #[cached_query]
            async fn names(&self) -> larder::Result<String>;

            #[prepared("SELECT user_version FROM pragma_user_version")]
            #[cached_query]
            async fn version(&self) -> larder::Result<i64>;

            #[prepared("SELECT coalesce(group_concat(name || ':' || seq, ','), '') FROM sqlite_sequence")]
            #[cached_query]
            async fn seq(&self) -> larder::Result<String>;

            #[prepared("SELECT n FROM ext WHERE k = ?1")]
            #[cached_query]
            async fn ext_point(&self, k: i64) -> larder::Result<Option<i64>>;

            #[prepared("SELECT coalesce(sum(n), 0) FROM ext")]
            #[cached_query]
            async fn ext_sum(&self) -> larder::Result<i64>;

            #[prepared("INSERT INTO t1 (k, v, n) VALUES (?1, ?2, ?3)")]
            async fn insert(&self, k: i64, v: &str, n: i64) -> larder::Result<u64>;

            #[prepared("INSERT OR REPLACE INTO t1 (k, v, n) VALUES (?1, ?2, ?3)")]
            async fn replace(&self, k: i64, v: &str, n: i64) -> larder::Result<u64>;

            #[prepared("INSERT INTO t1 (k, v, n) VALUES (?1, ?2, ?3) ON CONFLICT DO UPDATE SET n = excluded.n")]
            async fn upsert(&self, k: i64, v: &str, n: i64) -> larder::Result<u64>;

            #[prepared("INSERT OR ROLLBACK INTO t1 (k, v, n) VALUES (?1, ?2, ?3)")]
            async fn or_rollback(&self, k: i64, v: &str, n: i64) -> larder::Result<u64>;

            #[prepared("UPDATE t1 SET n = n + ?2 WHERE k = ?1")]
            async fn add_n(&self, k: i64, d: i64) -> larder::Result<u64>;

            #[prepared("UPDATE t1 SET v = ?2 WHERE k = ?1")]
            async fn set_v(&self, k: i64, v: &str) -> larder::Result<u64>;

            #[prepared("DELETE FROM t1 WHERE k = ?1")]
            async fn delete(&self, k: i64) -> larder::Result<u64>;

            #[prepared("INSERT INTO t2 (k, x) VALUES (?1, ?2)")]
            async fn insert_t2(&self, k: i64, x: i64) -> larder::Result<u64>;

            #[prepared("DELETE FROM t2")]
            async fn clear_t2(&self) -> larder::Result<u64>;

            #[prepared("INSERT INTO keys (k) VALUES (?1)")]
            async fn insert_key(&self, k: i64) -> larder::Result<u64>;

            #[prepared("DELETE FROM keys")]
            async fn clear_keys(&self) -> larder::Result<u64>;

            #[prepared("DROP INDEX IF EXISTS t1_v")]
            async fn drop_v_index(&self) -> larder::Result<()>;

            #[prepared("CREATE UNIQUE INDEX IF NOT EXISTS t1_v ON t1 (v)")]
            async fn add_v_index(&self) -> larder::Result<()>;

            #[prepared("CREATE INDEX IF NOT EXISTS t1_n ON t1 (n)")]
            async fn add_n_index(&self) -> larder::Result<()>;

            #[prepared("PRAGMA user_version = 1")]
            async fn version_1(&self) -> larder::Result<()>;

            #[prepared("PRAGMA user_version = 2")]
            async fn version_2(&self) -> larder::Result<()>;

            /// A write larder cannot see (another `Db`, not watched for it), declared.
            #[invalidates(ext_point(k), ext_sum)]
            async fn external(&self, k: i64) -> larder::Result<()> {
                self.other
                    .execute(
                        "INSERT INTO ext (k, n) VALUES (?1, 1) ON CONFLICT (k) DO UPDATE SET n = n + 1",
                        larder::params![k],
                    )
                    .await
                    .map(drop)
            }

            #[transactional]
            async fn tx(&self, outer: &[Op], inner: &[Op], commit_inner: bool, commit: bool) -> larder::Result<()> {
                for op in outer.iter().filter(|op| !waits_for_this_transaction(op)) {
                    let _ = Box::pin(self.apply(op)).await;
                }
                let _ = Box::pin(self.savepoint(inner, commit_inner)).await;
                if commit {
                    Ok(())
                } else {
                    Err(larder::Error::Config("rolled back on purpose".into()))
                }
            }

            #[transactional]
            async fn savepoint(&self, ops: &[Op], commit: bool) -> larder::Result<()> {
                for op in ops.iter().filter(|op| !waits_for_this_transaction(op)) {
                    let _ = Box::pin(self.apply(op)).await;
                }
                if commit {
                    Ok(())
                } else {
                    Err(larder::Error::Config("rolled back on purpose".into()))
                }
            }
        }

        impl $store {
            async fn apply(&self, op: &Op) -> larder::Result<()> {
                match *op {
                    Op::Insert(k, v, n) => self.insert(k, VS[v], n).await.map(drop),
                    Op::Replace(k, v, n) => self.replace(k, VS[v], n).await.map(drop),
                    Op::Upsert(k, v, n) => self.upsert(k, VS[v], n).await.map(drop),
                    Op::OrRollback(k, v, n) => self.or_rollback(k, VS[v], n).await.map(drop),
                    Op::AddN(k, d) => self.add_n(k, d).await.map(drop),
                    Op::SetV(k, v) => self.set_v(k, VS[v]).await.map(drop),
                    Op::Delete(k) => self.delete(k).await.map(drop),
                    Op::InsertT2(k, x) => self.insert_t2(k, x).await.map(drop),
                    Op::ClearT2 => self.clear_t2().await.map(drop),
                    Op::InsertKey(k) => self.insert_key(k).await.map(drop),
                    Op::ClearKeys => self.clear_keys().await.map(drop),
                    Op::DropVIndex => self.drop_v_index().await,
                    Op::AddVIndex => self.add_v_index().await,
                    Op::AddNIndex => self.add_n_index().await,
                    Op::Version(true) => self.version_1().await,
                    Op::Version(false) => self.version_2().await,
                    Op::RawDouble(k) => self
                        .db
                        .execute("UPDATE t1 SET n = n * 2 WHERE k = ?1", larder::params![k])
                        .await
                        .map(drop),
                    Op::RawBatch => self
                        .db
                        .execute_batch("DELETE FROM log WHERE rowid % 2 = 0; INSERT INTO keys (k) VALUES (1)")
                        .await,
                    Op::TempTrigger => self
                        .db
                        .execute(
                            "CREATE TEMP TRIGGER IF NOT EXISTS t1_w AFTER UPDATE ON t1 BEGIN
                                 INSERT OR REPLACE INTO w (k, x) VALUES (NEW.k, NEW.n); END",
                            &[],
                        )
                        .await
                        .map(drop),
                    Op::ReplaceTriggerLater => self
                        .db
                        .execute_batch(
                            "CREATE TRIGGER IF NOT EXISTS keys_replace AFTER INSERT ON keys BEGIN
                                 REPLACE INTO t1 (k, v, n) VALUES (NEW.k, 'b', 7); END",
                        )
                        .await,
                    Op::ViewToTable => self
                        .db
                        .execute_batch(
                            "DROP VIEW IF EXISTS v1; CREATE TABLE IF NOT EXISTS v1 (k INTEGER, n INTEGER);
                             INSERT INTO v1 VALUES (1, 40)",
                        )
                        .await,
                    Op::Other(k) => self
                        .other
                        .execute("UPDATE t1 SET n = n + 100 WHERE k = ?1", larder::params![k])
                        .await
                        .map(drop),
                    Op::External(k) => self.external(k).await,
                }
            }

            /// Every cached method against the same SQL uncached (`None` for an error).
            async fn check(&self) -> Result<(), String> {
                macro_rules! same {
                    ($name:literal, $cached:expr, $direct:expr) => {{
                        let cached = $cached.await.ok();
                        let direct = $direct.await.ok();
                        if cached != direct {
                            return Err(format!("{}: cached {:?}, uncached {:?}", $name, cached, direct));
                        }
                    }};
                }
                let db = &self.db;
                for k in 0..5i64 {
                    same!("point", self.point(k), db.fetch_optional::<(i64, String, i64)>(
                        "SELECT CAST(k AS INTEGER), v, n FROM t1 WHERE k = ?1", larder::params![k]));
                    same!("count_k", self.count_k(k), db.fetch_one::<i64>(
                        "SELECT count(*) FROM t1 WHERE k = ?1", larder::params![k]));
                    same!("ext_point", self.ext_point(k), db.fetch_optional::<i64>(
                        "SELECT n FROM ext WHERE k = ?1", larder::params![k]));
                }
                for v in VS {
                    same!("by_v", self.by_v(v), db.fetch_all::<i64>(
                        "SELECT CAST(k AS INTEGER) FROM t1 WHERE v = ?1", larder::params![v]));
                    same!("fts_count", self.fts_count(v), db.fetch_one::<i64>(
                        "SELECT count(*) FROM f WHERE v = ?1", larder::params![v]));
                }
                let none = larder::params![];
                same!("sum_n", self.sum_n(), db.fetch_one::<i64>("SELECT coalesce(sum(n), 0) FROM t1", none));
                same!("joined", self.joined(), db.fetch_one::<i64>(
                    "SELECT count(*) FROM t1 JOIN t2 ON t2.k = t1.k, log", none));
                same!("subquery", self.subquery(), db.fetch_one::<i64>(
                    "SELECT count(*) FROM (SELECT k FROM t1 WHERE n > 0) s, t2 WHERE s.k = t2.k", none));
                same!("shadowed", self.shadowed(), db.fetch_one::<i64>(
                    "SELECT (WITH t2 AS (SELECT k FROM t1) SELECT count(*) FROM t2) * 100 + (SELECT count(*) FROM t2)", none));
                same!("in_keys", self.in_keys(), db.fetch_one::<i64>("SELECT count(*) FROM t1 WHERE k IN keys", none));
                same!("view_sum", self.view_sum(), db.fetch_one::<i64>("SELECT coalesce(sum(n), 0) FROM v1", none));
                same!("log_count", self.log_count(), db.fetch_one::<i64>("SELECT count(*) FROM log", none));
                same!("w_sum", self.w_sum(), db.fetch_one::<i64>("SELECT coalesce(sum(x), 0) FROM w", none));
                same!("names", self.names(), db.fetch_one::<String>(
                    "SELECT coalesce(group_concat(name, ','), '') FROM (SELECT name FROM sqlite_schema ORDER BY name)", none));
                same!("version", self.version(), db.fetch_one::<i64>("SELECT user_version FROM pragma_user_version", none));
                same!("seq", self.seq(), db.fetch_one::<String>(
                    "SELECT coalesce(group_concat(name || ':' || seq, ','), '') FROM sqlite_sequence", none));
                same!("ext_sum", self.ext_sum(), db.fetch_one::<i64>("SELECT coalesce(sum(n), 0) FROM ext", none));
                Ok(())
            }

            async fn open(shape: &Shape, dir: &std::path::Path) -> $store {
                let path = dir.join("model.db");
                let mut builder = larder::Db::builder().file(&path).pool_size(shape.pool);
                if shape.watch {
                    builder = builder.watch_external_writes(Duration::ZERO);
                }
                let db = builder.open().await.unwrap();
                db.execute_batch(&shape.ddl()).await.unwrap();
                let other = larder::Db::open(&path).await.unwrap();
                $store { db, other }
            }

            async fn run(shape: &Shape, steps: &[Step]) -> Result<(), String> {
                let dir = tempfile::tempdir().unwrap();
                let store = <$store>::open(shape, dir.path()).await;
                store.check().await.map_err(|e| format!("before any step: {e}"))?;
                for (i, step) in steps.iter().enumerate() {
                    match step {
                        // Writes by the second `Db` are only seen through the watch.
                        Step::One(Op::Other(_)) if !shape.watch => {}
                        Step::One(op) => {
                            let _ = store.apply(op).await;
                        }
                        Step::Tx(outer, inner, commit_inner, commit) => {
                            let _ = store.tx(outer, inner, *commit_inner, *commit).await;
                        }
                    }
                    store.check().await.map_err(|e| format!("after step {i} ({step:?}): {e}"))?;
                }
                Ok(())
            }
        }
    };
}

model_store!(SchemaStore, [schema = "schemas/coherence.sql"]);
model_store!(PlainStore, [schema = false]);

fn cases() -> u32 {
    std::env::var("LARDER_MODEL_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20)
}

fn model(run: fn(&Shape, &[Step]) -> Result<(), String>) {
    let config = Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let strategy = (shape(), prop::collection::vec(step(), 250));
    runner
        .run(&strategy, |(shape, steps)| {
            run(&shape, &steps).map_err(|e| TestCaseError::fail(format!("{shape:?}: {e}")))
        })
        .unwrap();
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

#[test]
fn schema_mode_cached_methods_always_agree_with_the_database() {
    model(|shape, steps| block_on(SchemaStore::run(shape, steps)));
}

#[test]
fn no_schema_mode_cached_methods_always_agree_with_the_database() {
    model(|shape, steps| block_on(PlainStore::run(shape, steps)));
}
