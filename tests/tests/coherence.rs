//! One regression test per class of stale read found by the adversarial coherence suite (issue
//! #15). Each compares a cached method with the same SQL run uncached. The races (classes 1, 2
//! and 7 under concurrency) are in `coherence_race.rs`; the generated schemas in
//! `coherence_model.rs`.

use std::time::Duration;

use larder::{params, Db, Error};

struct Kv {
    db: Db,
}

#[larder::storage]
impl Kv {
    #[prepared("SELECT count(*) FROM kv WHERE k = ?1")]
    #[cached_query]
    async fn count_of(&self, k: &str) -> larder::Result<i64>;

    #[prepared("SELECT v FROM kv WHERE k = ?1")]
    #[cached_query]
    async fn values_of(&self, k: &str) -> larder::Result<Vec<String>>;

    #[prepared("SELECT v FROM aux.kv WHERE k = ?1")]
    #[cached_query]
    async fn aux_values_of(&self, k: &str) -> larder::Result<Vec<String>>;

    #[prepared("INSERT INTO kv (k, v) VALUES (?1, ?2)")]
    async fn insert(&self, k: &str, v: &str) -> larder::Result<u64>;

    #[prepared("INSERT INTO log (k) VALUES (?1)")]
    async fn log(&self, k: &str) -> larder::Result<u64>;

    #[prepared("SELECT coalesce(group_concat(name, ','), '') FROM (SELECT name FROM sqlite_schema ORDER BY name)")]
    #[cached_query]
    async fn names(&self) -> larder::Result<String>;

    #[prepared("SELECT user_version FROM pragma_user_version")]
    #[cached_query]
    async fn version(&self) -> larder::Result<i64>;

    #[prepared("PRAGMA user_version = 7")]
    async fn set_version(&self) -> larder::Result<()>;

    #[prepared("CREATE TABLE IF NOT EXISTS extra (x INTEGER)")]
    async fn create_extra(&self) -> larder::Result<()>;

    #[prepared("DROP TABLE IF EXISTS extra")]
    async fn drop_extra(&self) -> larder::Result<()>;

    #[prepared("SELECT count(*) FROM extra")]
    #[cached_query]
    async fn extra_count(&self) -> larder::Result<i64>;

    #[prepared("SELECT coalesce(group_concat(name || ':' || seq), '') FROM sqlite_sequence")]
    #[cached_query]
    async fn sequences(&self) -> larder::Result<String>;

    #[prepared("INSERT INTO counted (x) VALUES (?1)")]
    async fn count_one(&self, x: i64) -> larder::Result<u64>;

    #[prepared("SELECT count(*) FROM log")]
    #[cached_query]
    async fn log_count(&self) -> larder::Result<i64>;

    #[prepared("SELECT count(*) FROM docs WHERE docs MATCH ?1")]
    #[cached_query]
    async fn matching(&self, word: &str) -> larder::Result<i64>;

    #[prepared("SELECT coalesce(sum(x), 0) FROM w")]
    #[cached_query]
    async fn w_sum(&self) -> larder::Result<i64>;

    #[prepared("UPDATE kv SET v = ?2 WHERE k = ?1")]
    async fn set(&self, k: &str, v: &str) -> larder::Result<u64>;

    #[prepared("INSERT OR ROLLBACK INTO kv (k, v) VALUES (?1, ?2)")]
    async fn insert_or_rollback(&self, k: &str, v: &str) -> larder::Result<u64>;

    #[transactional]
    async fn two(&self) -> larder::Result<()> {
        self.insert("t1", "1").await?;
        self.insert("t2", "2").await?;
        Ok(())
    }

    /// A body that handles the error of a statement the engine ended the transaction with.
    #[transactional]
    async fn keep_going(&self) -> larder::Result<()> {
        self.insert("x1", "kept?").await?;
        let conflict = self.insert_or_rollback("a", "again").await;
        assert!(conflict.is_err(), "the key exists: the insert conflicts");
        self.insert("x2", "durable?").await?;
        Ok(())
    }
}

async fn kv(schema: &str) -> (Kv, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    // One connection: ATTACH and TEMP objects belong to a connection.
    let db = Db::builder()
        .file(dir.path().join("kv.db"))
        .pool_size(1)
        .open()
        .await
        .unwrap();
    db.execute_batch(schema).await.unwrap();
    (Kv { db }, dir)
}

async fn uncached_values(db: &Db, sql: &str, k: &str) -> Vec<String> {
    db.fetch_all(sql, params![k]).await.unwrap()
}

// Class 3: the point-lookup refinement only where the live schema proves it.

#[tokio::test]
async fn point_refinement_not_for_an_aggregate() {
    let (s, _dir) = kv("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)").await;
    assert_eq!(s.count_of("a").await.unwrap(), 0);
    s.insert("a", "1").await.unwrap();
    assert_eq!(
        s.count_of("a").await.unwrap(),
        1,
        "a plain insert of the key counts"
    );
}

#[tokio::test]
async fn point_refinement_not_for_a_nocase_column_with_a_binary_unique_index() {
    let (s, _dir) = kv("CREATE TABLE kv (k TEXT COLLATE NOCASE, v TEXT);
         CREATE UNIQUE INDEX kv_k ON kv (k COLLATE BINARY);")
    .await;
    s.insert("a", "lower").await.unwrap();
    assert_eq!(s.values_of("a").await.unwrap(), ["lower"]);
    s.insert("A", "upper").await.unwrap();
    let direct = uncached_values(&s.db, "SELECT v FROM kv WHERE k = ?1", "a").await;
    assert_eq!(direct.len(), 2);
    assert_eq!(s.values_of("a").await.unwrap(), direct);
}

#[tokio::test]
async fn point_refinement_not_for_a_partial_unique_index() {
    let (s, _dir) = kv("CREATE TABLE kv (k TEXT, v TEXT);
         CREATE UNIQUE INDEX kv_k ON kv (k) WHERE v <> 'old';")
    .await;
    s.insert("a", "old").await.unwrap();
    assert_eq!(s.values_of("a").await.unwrap(), ["old"]);
    s.insert("a", "new").await.unwrap();
    let direct = uncached_values(&s.db, "SELECT v FROM kv WHERE k = ?1", "a").await;
    assert_eq!(s.values_of("a").await.unwrap(), direct);
}

#[tokio::test]
async fn point_refinement_judges_an_attached_table_by_itself() {
    let dir = tempfile::tempdir().unwrap();
    let aux = dir.path().join("aux.db").display().to_string();
    let (s, _main) = kv(&format!(
        "CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT);
         ATTACH DATABASE '{aux}' AS aux;
         CREATE TABLE aux.kv (k TEXT, v TEXT);"
    ))
    .await;
    s.db.execute("INSERT INTO aux.kv VALUES ('a', '1')", &[])
        .await
        .unwrap();
    assert_eq!(s.aux_values_of("a").await.unwrap(), ["1"]);
    s.db.execute("INSERT INTO aux.kv VALUES ('a', '2')", &[])
        .await
        .unwrap();
    let direct = uncached_values(&s.db, "SELECT v FROM aux.kv WHERE k = ?1", "a").await;
    assert_eq!(s.aux_values_of("a").await.unwrap(), direct);
}

#[tokio::test]
async fn point_refinement_sees_a_temp_trigger_that_replaces() {
    let (s, _dir) = kv("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT);
         CREATE TABLE log (k TEXT);
         CREATE TEMP TRIGGER log_replaces AFTER INSERT ON log BEGIN
             REPLACE INTO kv (k, v) VALUES (NEW.k, 'replaced'); END;")
    .await;
    s.insert("a", "1").await.unwrap();
    assert_eq!(s.values_of("a").await.unwrap(), ["1"]);
    s.log("a").await.unwrap();
    assert_eq!(s.values_of("a").await.unwrap(), ["replaced"]);
}

#[tokio::test]
async fn point_refinement_is_derived_again_when_the_schema_changes() {
    let (s, _dir) = kv("CREATE TABLE kv (k TEXT, v TEXT);
         CREATE UNIQUE INDEX kv_k ON kv (k);
         CREATE TABLE log (k TEXT);")
    .await;
    s.insert("a", "1").await.unwrap();
    assert_eq!(s.values_of("a").await.unwrap(), ["1"]);
    // The unique index goes: a second row with the key is now possible.
    s.db.execute("DROP INDEX kv_k", &[]).await.unwrap();
    assert_eq!(s.values_of("a").await.unwrap(), ["1"]);
    s.insert("a", "2").await.unwrap();
    let direct = uncached_values(&s.db, "SELECT v FROM kv WHERE k = ?1", "a").await;
    assert_eq!(s.values_of("a").await.unwrap(), direct);
    // A REPLACE trigger comes later.
    s.db.execute_batch(
        "DELETE FROM kv; CREATE UNIQUE INDEX kv_k ON kv (k);
         CREATE TRIGGER log_replaces AFTER INSERT ON log BEGIN
             REPLACE INTO kv (k, v) VALUES (NEW.k, 'replaced'); END;",
    )
    .await
    .unwrap();
    s.insert("b", "1").await.unwrap();
    assert_eq!(s.values_of("b").await.unwrap(), ["1"]);
    s.log("b").await.unwrap();
    assert_eq!(s.values_of("b").await.unwrap(), ["replaced"]);
    // The table becomes a view over one without a unique key.
    s.db.execute_batch(
        "DROP TRIGGER log_replaces; DROP INDEX kv_k; ALTER TABLE kv RENAME TO kv_base;
         CREATE VIEW kv AS SELECT k, v FROM kv_base;",
    )
    .await
    .unwrap();
    assert_eq!(s.values_of("b").await.unwrap(), ["replaced"]);
    s.db.execute("INSERT INTO kv_base VALUES ('b', '2')", &[])
        .await
        .unwrap();
    let direct = uncached_values(&s.db, "SELECT v FROM kv WHERE k = ?1", "b").await;
    assert_eq!(s.values_of("b").await.unwrap(), direct);
}

// Class 4: writes that used to publish nothing.

#[tokio::test]
async fn ddl_and_pragma_writes_publish_everything() {
    let (s, _dir) = kv("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)").await;
    assert_eq!(s.names().await.unwrap(), "kv,sqlite_autoindex_kv_1");
    s.create_extra().await.unwrap();
    assert_eq!(s.names().await.unwrap(), "extra,kv,sqlite_autoindex_kv_1");
    assert_eq!(s.extra_count().await.unwrap(), 0);
    s.drop_extra().await.unwrap();
    assert!(
        s.extra_count().await.is_err(),
        "a dropped table's cached read errors like the uncached one"
    );
    assert_eq!(s.version().await.unwrap(), 0);
    s.set_version().await.unwrap();
    assert_eq!(s.version().await.unwrap(), 7);
}

#[tokio::test]
async fn writes_the_hook_never_reports_are_published() {
    let (s, _dir) = kv("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT);
         CREATE TABLE counted (id INTEGER PRIMARY KEY AUTOINCREMENT, x INTEGER);
         CREATE TABLE log (k TEXT);
         -- The truncate optimization: no update hook for the rows of `log`.
         CREATE TRIGGER kv_clears_log AFTER UPDATE ON kv BEGIN DELETE FROM log; END;
         CREATE VIRTUAL TABLE docs USING fts5 (body);
         CREATE TRIGGER kv_indexed AFTER INSERT ON kv BEGIN
             INSERT INTO docs (body) VALUES (NEW.v); END;
         CREATE TABLE w (k TEXT PRIMARY KEY, x INTEGER) WITHOUT ROWID;")
    .await;
    assert_eq!(s.sequences().await.unwrap(), "");
    s.count_one(1).await.unwrap();
    assert_eq!(s.sequences().await.unwrap(), "counted:1");

    s.insert("a", "apple").await.unwrap();
    s.log("a").await.unwrap();
    assert_eq!(s.log_count().await.unwrap(), 1);
    s.set("a", "pear").await.unwrap();
    assert_eq!(s.log_count().await.unwrap(), 0);

    assert_eq!(s.matching("banana").await.unwrap(), 0);
    s.insert("b", "banana").await.unwrap();
    assert_eq!(s.matching("banana").await.unwrap(), 1);

    // A TEMP trigger created at run time, writing a WITHOUT ROWID table.
    assert_eq!(s.w_sum().await.unwrap(), 0);
    s.db.execute(
        "CREATE TEMP TRIGGER kv_w AFTER UPDATE ON kv BEGIN
             INSERT OR REPLACE INTO w (k, x) VALUES (NEW.k, 5); END",
        &[],
    )
    .await
    .unwrap();
    s.set("b", "berry").await.unwrap();
    assert_eq!(s.w_sum().await.unwrap(), 5);
}

#[tokio::test]
async fn a_raw_batch_publishes_everything_whatever_it_starts_with() {
    // WITHOUT ROWID: the update hook reports nothing, the batch's record is all there is.
    let (s, _dir) = kv("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID").await;
    s.insert("a", "1").await.unwrap();
    assert_eq!(s.values_of("a").await.unwrap(), ["1"]);
    s.db.execute_batch("SELECT 1; UPDATE kv SET v = '2' WHERE k = 'a'")
        .await
        .unwrap();
    assert_eq!(s.values_of("a").await.unwrap(), ["2"]);
}

// Class 5: the engine ends the transaction itself.

#[tokio::test]
async fn an_engine_ended_transaction_fails_and_runs_nothing_after() {
    let (s, _dir) = kv("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)").await;
    s.insert("a", "1").await.unwrap();
    assert_eq!(s.values_of("x2").await.unwrap(), Vec::<String>::new());
    let error = s.keep_going().await.unwrap_err();
    assert!(
        matches!(&error, Error::TransactionEnded { statement } if statement.contains("insert_or_rollback")),
        "{error}"
    );
    let rows: i64 =
        s.db.fetch_one("SELECT count(*) FROM kv", &[])
            .await
            .unwrap();
    assert_eq!(
        rows, 1,
        "nothing of the transaction was kept, nothing ran after it ended"
    );
    assert_eq!(s.values_of("x2").await.unwrap(), Vec::<String>::new());
    assert_eq!(s.values_of("x1").await.unwrap(), Vec::<String>::new());
    // The connection (the only one) runs the next transaction normally.
    s.two().await.unwrap();
    let rows: i64 =
        s.db.fetch_one("SELECT count(*) FROM kv", &[])
            .await
            .unwrap();
    assert_eq!(rows, 3);
}

// Class 6: no-schema mode reads tables its SQL finder used to miss (the engine's record
// covers them locally; the finder itself is tested in the macros' `sql::tables`).

struct Shapes {
    db: Db,
}

#[larder::storage(schema = false)]
impl Shapes {
    #[prepared("SELECT count(*) FROM a JOIN b ON a.x = b.x, c")]
    #[cached_query]
    async fn comma_after_join(&self) -> larder::Result<i64>;

    #[prepared("SELECT count(*) FROM (SELECT x FROM a) s, c")]
    #[cached_query]
    async fn comma_after_subquery(&self) -> larder::Result<i64>;

    #[prepared("SELECT (WITH c AS (SELECT 1) SELECT count(*) FROM c) + (SELECT count(*) FROM c)")]
    #[cached_query]
    async fn shadowed(&self) -> larder::Result<i64>;

    #[prepared("SELECT count(*) FROM a WHERE x IN c")]
    #[cached_query]
    async fn in_table(&self) -> larder::Result<i64>;

    #[prepared("WITH c AS (SELECT 1) UPDATE c SET x = x + 1")]
    async fn update_shadowed(&self) -> larder::Result<u64>;

    #[prepared("SELECT coalesce(sum(x), 0) FROM c")]
    #[cached_query]
    async fn c_sum(&self) -> larder::Result<i64>;
}

#[tokio::test]
async fn no_schema_mode_sees_every_table_read_and_written() {
    let db = Db::memory().await.unwrap();
    db.execute_batch(
        "CREATE TABLE a (x INTEGER); CREATE TABLE b (x INTEGER); CREATE TABLE c (x INTEGER);
         INSERT INTO a VALUES (1); INSERT INTO b VALUES (1); INSERT INTO c VALUES (1);",
    )
    .await
    .unwrap();
    let s = Shapes { db };
    let before = (
        s.comma_after_join().await.unwrap(),
        s.comma_after_subquery().await.unwrap(),
        s.shadowed().await.unwrap(),
        s.in_table().await.unwrap(),
        s.c_sum().await.unwrap(),
    );
    assert_eq!(before, (1, 1, 2, 1, 1));
    s.db.execute("INSERT INTO c VALUES (2)", &[]).await.unwrap();
    s.update_shadowed().await.unwrap();
    let after = (
        s.comma_after_join().await.unwrap(),
        s.comma_after_subquery().await.unwrap(),
        s.shadowed().await.unwrap(),
        s.in_table().await.unwrap(),
        s.c_sum().await.unwrap(),
    );
    // `x IN c`: c holds 2 and 3 now, a holds 1.
    assert_eq!(after, (2, 2, 3, 0, 5));
}

// Class 8: dynamic reads no longer count as writes of everything.

#[tokio::test]
async fn dynamic_reads_leave_cached_entries_alone() {
    let (s, _dir) = kv("CREATE TABLE kv (k TEXT PRIMARY KEY, v TEXT)").await;
    s.insert("a", "1").await.unwrap();
    s.values_of("a").await.unwrap();
    for sql in [
        "WITH t AS (SELECT 1) SELECT * FROM t",
        "PRAGMA user_version",
        "-- a comment first\nSELECT 1",
        "/* one */ SELECT v FROM kv",
    ] {
        let _: Vec<larder::Value> = s.db.fetch_all(sql, &[]).await.unwrap();
    }
    s.values_of("a").await.unwrap();
    let stats = s.db.cache_stats();
    let method = stats
        .methods
        .iter()
        .find(|m| m.name == "Kv::values_of")
        .unwrap();
    assert_eq!((method.hits, method.stale_misses), (1, 0), "{stats}");
}

// Class 2, deterministically: a load that read before an `#[invalidates]` finishes after it.

struct Slow {
    db: Db,
    gate: tokio::sync::Mutex<Option<tokio::sync::oneshot::Receiver<()>>>,
}

#[larder::storage]
impl Slow {
    #[cached_query]
    async fn value(&self, id: i64) -> larder::Result<i64> {
        let n: i64 = self
            .db
            .fetch_one("SELECT n FROM t WHERE id = ?1", params![id])
            .await?;
        let gate = self.gate.lock().await.take();
        if let Some(gate) = gate {
            let _ = gate.await;
        }
        Ok(n)
    }

    #[invalidates(value)]
    async fn changed_everywhere(&self) -> larder::Result<()> {
        Ok(())
    }

    #[invalidates(value(id))]
    async fn changed(&self, id: i64) -> larder::Result<()> {
        let _ = id;
        Ok(())
    }

    /// Changes something behind larder's back, then takes its time (and gets cancelled).
    #[invalidates(value(id))]
    async fn changing_slowly(&self, id: i64, behind: &libsql::Connection) -> larder::Result<()> {
        behind
            .execute("UPDATE t SET n = n + 10 WHERE id = ?1", [id])
            .await
            .map_err(|e| larder::Error::Misuse(e.to_string()))?;
        tokio::time::sleep(Duration::from_secs(10)).await;
        Ok(())
    }
}

async fn stalled_load_then_invalidation(keyed: bool) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("slow.db");
    let db = Db::open(&path).await.unwrap();
    db.execute_batch(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER); INSERT INTO t VALUES (1, 1);",
    )
    .await
    .unwrap();
    // A connection larder does not know of: its writes are what `#[invalidates]` declares.
    let behind = libsql::Builder::new_local(&path).build().await.unwrap();
    let behind = behind.connect().unwrap();
    let slow = std::sync::Arc::new(Slow {
        db,
        gate: tokio::sync::Mutex::new(None),
    });
    assert_eq!(slow.value(1).await.unwrap(), 1);
    assert_eq!(slow.value(1).await.unwrap(), 1);
    let (open, gate) = tokio::sync::oneshot::channel();
    *slow.gate.lock().await = Some(gate);
    slow.changed_everywhere().await.unwrap();
    // A load reads the old value and stalls.
    let load = {
        let slow = std::sync::Arc::clone(&slow);
        tokio::spawn(async move { slow.value(1).await })
    };
    tokio::time::sleep(Duration::from_millis(50)).await;
    // The change behind larder's back, then its declaration; then the load finishes.
    behind
        .execute("UPDATE t SET n = 2 WHERE id = 1", ())
        .await
        .unwrap();
    if keyed {
        slow.changed(1).await.unwrap();
    } else {
        slow.changed_everywhere().await.unwrap();
    }
    open.send(()).unwrap();
    assert_eq!(
        load.await.unwrap().unwrap(),
        1,
        "the stalled load read before the change"
    );
    assert_eq!(slow.value(1).await.unwrap(), 2, "its value was not kept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalidates_a_method_while_a_load_is_stalled() {
    stalled_load_then_invalidation(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalidates_a_key_while_a_load_is_stalled() {
    stalled_load_then_invalidation(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalidates_cancelled_mid_way_leaves_no_entry_served() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("slow.db");
    let db = Db::open(&path).await.unwrap();
    db.execute_batch(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER); INSERT INTO t VALUES (1, 1);",
    )
    .await
    .unwrap();
    let behind = libsql::Builder::new_local(&path).build().await.unwrap();
    let behind = behind.connect().unwrap();
    let slow = Slow {
        db,
        gate: tokio::sync::Mutex::new(None),
    };
    assert_eq!(slow.value(1).await.unwrap(), 1);
    assert_eq!(slow.value(1).await.unwrap(), 1);
    let cancelled =
        tokio::time::timeout(Duration::from_millis(100), slow.changing_slowly(1, &behind)).await;
    assert!(cancelled.is_err(), "the body was still sleeping");
    assert_eq!(
        slow.value(1).await.unwrap(),
        11,
        "the cancelled method's write is seen"
    );
}
