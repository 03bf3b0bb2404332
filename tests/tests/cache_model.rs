//! Model test: random interleavings of cached reads, plain inserts (which keep found point lookups
//! valid), upserts, updates, batch writes (committed or rolled back), deletes and raw SQL. After every step each cached method must return exactly what the
//! same query returns uncached. 40 cases × 250 steps = 10 000 steps in the normal test run.

use larder::{Error, FromRow};
use proptest::prelude::*;

#[derive(FromRow, Debug, Clone, PartialEq)]
struct Row {
    id: i64,
    kind: String,
    hits: i64,
}

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("INSERT OR REPLACE INTO rows (id, kind, hits) VALUES (?1, ?2, ?3)")]
    async fn upsert(&self, id: i64, kind: &str, hits: i64) -> larder::Result<()>;

    /// A plain insert: it cannot change a row a point lookup found, only a missing one.
    #[prepared("INSERT OR IGNORE INTO rows (id, kind, hits) VALUES (?1, ?2, ?3)")]
    async fn insert(&self, id: i64, kind: &str, hits: i64) -> larder::Result<u64>;

    #[prepared("UPDATE rows SET hits = hits + ?2 WHERE id = ?1")]
    async fn add(&self, id: i64, delta: i64) -> larder::Result<u64>;

    #[prepared("DELETE FROM rows WHERE id = ?1")]
    async fn delete(&self, id: i64) -> larder::Result<u64>;

    #[prepared("SELECT id, kind, hits FROM rows WHERE id = ?1")]
    #[cached_query]
    async fn row(&self, id: i64) -> larder::Result<Option<Row>>;

    #[prepared("SELECT id, kind, hits FROM rows WHERE kind = ?1 ORDER BY id")]
    #[cached_query(ttl = "1h")]
    async fn by_kind(&self, kind: &str) -> larder::Result<Vec<Row>>;

    #[prepared("SELECT coalesce(sum(hits), 0) FROM rows")]
    #[cached_query]
    async fn total(&self) -> larder::Result<i64>;

    #[batch]
    async fn batch(&self, ops: &[Op], commit: bool) -> larder::Result<()> {
        for op in ops {
            self.apply(op).await?;
        }
        if commit {
            Ok(())
        } else {
            Err(Error::Config("rolled back on purpose".into()))
        }
    }
}

#[derive(Debug, Clone)]
enum Op {
    Upsert(i64, &'static str, i64),
    Insert(i64, &'static str, i64),
    Add(i64, i64),
    Delete(i64),
    Raw(i64),
    Read(i64),
}

const KINDS: [&str; 3] = ["plan", "act", "reflect"];

impl Store {
    async fn apply(&self, op: &Op) -> larder::Result<()> {
        match *op {
            Op::Upsert(id, kind, hits) => self.upsert(id, kind, hits).await,
            Op::Insert(id, kind, hits) => self.insert(id, kind, hits).await.map(drop),
            Op::Add(id, delta) => self.add(id, delta).await.map(drop),
            Op::Delete(id) => self.delete(id).await.map(drop),
            Op::Raw(delta) => self
                .db
                .execute(
                    "UPDATE rows SET hits = hits * 2 + ?1",
                    larder::params![delta],
                )
                .await
                .map(drop),
            Op::Read(id) => self.row(id).await.map(drop),
        }
    }

    /// Every cached method against the same SQL run directly.
    async fn check(&self) {
        for id in 0..6 {
            let direct: Option<Row> = self
                .db
                .fetch_optional(
                    "SELECT id, kind, hits FROM rows WHERE id = ?1",
                    larder::params![id],
                )
                .await
                .unwrap();
            assert_eq!(self.row(id).await.unwrap(), direct, "row({id})");
        }
        for kind in KINDS {
            let direct: Vec<Row> = self
                .db
                .fetch_all(
                    "SELECT id, kind, hits FROM rows WHERE kind = ?1 ORDER BY id",
                    larder::params![kind],
                )
                .await
                .unwrap();
            assert_eq!(self.by_kind(kind).await.unwrap(), direct, "by_kind({kind})");
        }
        let direct: i64 = self
            .db
            .fetch_one("SELECT coalesce(sum(hits), 0) FROM rows", &[])
            .await
            .unwrap();
        assert_eq!(self.total().await.unwrap(), direct, "total");
    }
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (0..6i64, 0..3usize, -5..50i64).prop_map(|(id, k, h)| Op::Upsert(id, KINDS[k], h)),
        3 => (0..6i64, 0..3usize, -5..50i64).prop_map(|(id, k, h)| Op::Insert(id, KINDS[k], h)),
        3 => (0..6i64, -3..4i64).prop_map(|(id, d)| Op::Add(id, d)),
        1 => (0..6i64).prop_map(Op::Delete),
        1 => (0..3i64).prop_map(Op::Raw),
        4 => (0..6i64).prop_map(Op::Read),
    ]
}

#[derive(Debug, Clone)]
enum Step {
    One(Op),
    Batch(Vec<Op>, bool),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => op().prop_map(Step::One),
        1 => (prop::collection::vec(op(), 1..6), any::<bool>()).prop_map(|(ops, commit)| Step::Batch(ops, commit)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn cached_methods_always_agree_with_the_database(steps in prop::collection::vec(step(), 250)) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let db = larder::Db::memory().await.unwrap();
            db.execute_batch("CREATE TABLE rows (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, hits INTEGER NOT NULL)")
                .await
                .unwrap();
            let store = Store { db };
            for step in &steps {
                match step {
                    Step::One(op) => store.apply(op).await.unwrap(),
                    Step::Batch(ops, commit) => {
                        let result = store.batch(ops, *commit).await;
                        assert_eq!(result.is_ok(), *commit);
                    }
                }
                store.check().await;
            }
        });
    }
}
