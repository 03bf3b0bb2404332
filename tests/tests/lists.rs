//! List parameters: `IN (:ids)` with a slice, `Vec` or array binds one JSON array and reads it
//! through `json_each` — one statement for every length — for `#[prepared]` (rewritten at
//! compile time, checked against the schema) and dynamic SQL (rewritten at run time). Checked
//! against the answer computed in Rust on generated tables and lists.

use chrono::{DateTime, Utc};
use larder::{params, Error};
use proptest::prelude::*;
use uuid::Uuid;

struct Store {
    db: larder::Db,
}

type Ids = Vec<i64>;

#[larder::storage(schema = "schemas/lists.sql")]
impl Store {
    #[prepared("INSERT INTO items (id, uid, name, score, at) VALUES (?1, ?2, ?3, ?4, ?5)")]
    async fn insert(
        &self,
        id: i64,
        uid: Uuid,
        name: &str,
        score: f64,
        at: DateTime<Utc>,
    ) -> larder::Result<()>;

    #[prepared("SELECT id FROM items WHERE id IN (?1) ORDER BY id")]
    async fn by_ids(&self, ids: &[i64]) -> larder::Result<Vec<i64>>;

    #[prepared("SELECT id FROM items WHERE uid IN (:uids) ORDER BY id")]
    async fn by_uids(&self, uids: Vec<Uuid>) -> larder::Result<Vec<i64>>;

    #[prepared("SELECT id FROM items WHERE name NOT IN (:names) AND id IN (:ids) ORDER BY id")]
    async fn named_except(&self, ids: &Vec<i64>, names: &[&str]) -> larder::Result<Vec<i64>>;

    #[prepared("SELECT id FROM items WHERE at IN (?1) OR score IN (?2) ORDER BY id")]
    async fn at_or_score(&self, at: [DateTime<Utc>; 2], score: &[f64]) -> larder::Result<Vec<i64>>;

    #[prepared("SELECT count(*) FROM items WHERE id IN (:ids)")]
    #[cached_query]
    async fn count_cached(&self, ids: &[i64]) -> larder::Result<i64>;

    #[prepared("DELETE FROM items WHERE id IN (:ids)")]
    async fn delete(&self, ids: &[i64]) -> larder::Result<u64>;

    #[prepared("SELECT id FROM items WHERE id IN (?1)")]
    async fn through_alias(&self, ids: Ids) -> larder::Result<Vec<i64>>;
}

async fn store() -> Store {
    let db = larder::Db::memory().await.unwrap();
    db.execute_batch(include_str!("../schemas/lists.sql"))
        .await
        .unwrap();
    Store { db }
}

fn uid(n: i64) -> Uuid {
    Uuid::from_u128(0x1234_5678_9abc_def0_0000_0000_0000_0000 + (n + 1_000) as u128)
}

fn at(n: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(
        1_800_000_000 + n * 3_600,
        n.rem_euclid(3) as u32 * 250_000_000,
    )
    .unwrap()
}

async fn fill(store: &Store, ids: &[i64]) {
    for &id in ids {
        let name = format!("it's \"{id}\"");
        store
            .insert(id, uid(id), &name, id as f64 / 4.0, at(id))
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn every_spelling_of_a_list_matches_its_column_type() {
    let store = store().await;
    fill(&store, &[1, 2, 3, 4, 5]).await;
    assert_eq!(store.by_ids(&[5, 1, 9, 1]).await.unwrap(), [1, 5]);
    assert_eq!(
        store
            .by_uids(vec![uid(2), uid(4), Uuid::nil()])
            .await
            .unwrap(),
        [2, 4]
    );
    let names = ["it's \"3\"", "nope"];
    assert_eq!(
        store.named_except(&vec![2, 3, 4], &names).await.unwrap(),
        [2, 4]
    );
    assert_eq!(
        store.at_or_score([at(1), at(3)], &[1.25]).await.unwrap(),
        [1, 3, 5]
    );
    assert_eq!(store.delete(&[1, 2, 42]).await.unwrap(), 2);
    assert_eq!(store.by_ids(&[1, 2, 3]).await.unwrap(), [3]);
}

#[tokio::test]
async fn an_empty_list_is_sqls_empty_in() {
    let store = store().await;
    fill(&store, &[1, 2]).await;
    assert_eq!(store.by_ids(&[]).await.unwrap(), Vec::<i64>::new());
    assert_eq!(store.named_except(&vec![1, 2], &[]).await.unwrap(), [1, 2]);
    let none: Vec<i64> = store
        .db
        .fetch_all(
            "SELECT id FROM items WHERE id IN (?1)",
            params![Vec::<i64>::new()],
        )
        .await
        .unwrap();
    assert!(none.is_empty());
}

#[tokio::test]
async fn one_statement_serves_every_length() {
    let store = store().await;
    fill(&store, &[1, 2, 3]).await;
    for n in 0..20 {
        let ids: Vec<i64> = (0..n).collect();
        store.by_ids(&ids).await.unwrap();
        store
            .db
            .fetch_all::<i64>("SELECT id FROM items WHERE id IN (?1)", params![ids])
            .await
            .unwrap();
    }
    let stats = store.db.statement_stats();
    // Two statements (the method's, the dynamic one), each prepared once (the inserts too).
    assert_eq!(stats.misses, 3, "{stats}");
}

#[tokio::test]
async fn a_cached_list_query_is_invalidated_by_writes_to_its_table() {
    let store = store().await;
    fill(&store, &[1, 2]).await;
    assert_eq!(store.count_cached(&[1, 2, 3]).await.unwrap(), 2);
    assert_eq!(store.count_cached(&[1, 2, 3]).await.unwrap(), 2);
    assert_eq!(store.count_cached(&[1]).await.unwrap(), 1);
    fill(&store, &[3]).await;
    assert_eq!(store.count_cached(&[1, 2, 3]).await.unwrap(), 3);
    let stats = store.db.cache_stats();
    let row = stats
        .methods
        .iter()
        .find(|m| m.name.ends_with("count_cached"))
        .unwrap();
    assert_eq!(row.hits, 1, "{stats}");
}

#[tokio::test]
async fn dynamic_sql_rewrites_its_lists_and_refuses_one_elsewhere() {
    let store = store().await;
    fill(&store, &[1, 2, 3]).await;
    let uids = [uid(1), uid(3)];
    let found: Vec<i64> = store
        .db
        .fetch_all(
            "SELECT id FROM items WHERE uid IN (?) AND id > ? ORDER BY id",
            params![uids, 0],
        )
        .await
        .unwrap();
    assert_eq!(found, [1, 3]);
    let err = store
        .db
        .fetch_all::<i64>("SELECT id FROM items WHERE id = ?1", params![vec![1_i64]])
        .await
        .unwrap_err();
    match &err {
        Error::Encode {
            parameter, reason, ..
        } => {
            assert_eq!(parameter, "?1");
            assert!(reason.contains("IN (?1)"), "{err}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_list_the_macro_cannot_see_is_an_error_not_an_empty_answer() {
    let store = store().await;
    fill(&store, &[1]).await;
    let err = store.through_alias(vec![1]).await.unwrap_err();
    assert!(
        matches!(&err, Error::Encode { parameter, reason, .. } if parameter == "ids" && reason.contains("alias")),
        "{err}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

    /// Generated tables and lists (duplicates, absent values, empty): the answer of each list
    /// query is the one computed in Rust.
    #[test]
    fn lists_select_exactly_the_rows_they_name(
        rows in prop::collection::btree_set(0_i64..40, 0..25),
        list in prop::collection::vec(-5_i64..45, 0..30),
        negate in any::<bool>(),
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let store = store().await;
            let rows: Vec<i64> = rows.into_iter().collect();
            fill(&store, &rows).await;
            let expected: Vec<i64> = rows.iter().copied().filter(|r| list.contains(r) != negate).collect();
            let uids: Vec<Uuid> = list.iter().map(|&n| uid(n)).collect();
            let op = if negate { "NOT IN" } else { "IN" };
            let dynamic: Vec<i64> = store
                .db
                .fetch_all(&format!("SELECT id FROM items WHERE uid {op} (?1) ORDER BY id"), params![uids])
                .await
                .unwrap();
            assert_eq!(dynamic, expected);
            let times: Vec<DateTime<Utc>> = list.iter().map(|&n| at(n)).collect();
            let by_time: Vec<i64> = store
                .db
                .fetch_all(&format!("SELECT id FROM items WHERE at {op} (:t) ORDER BY id"), params![times])
                .await
                .unwrap();
            assert_eq!(by_time, expected);
            if !negate {
                assert_eq!(store.by_ids(&list).await.unwrap(), expected);
                assert_eq!(store.by_uids(uids).await.unwrap(), expected);
            }
        });
    }
}
