//! Return shapes: `Arc` / `Box` wrappers of every shape (a cache hit shares the value), and the
//! single-row aggregate rule (`Option<T>` reads a NULL as `None` where the statement always
//! returns one row; elsewhere the error says how to read a NULL).

use std::sync::Arc;

use larder::{Error, FromRow};

#[derive(FromRow, Debug, Clone, PartialEq)]
struct Note {
    id: i64,
    body: String,
}

impl larder::Weigh for Note {
    fn heap_bytes(&self) -> usize {
        larder::Weigh::heap_bytes(&self.body)
    }
}

struct Store {
    db: larder::Db,
}

#[larder::storage(schema = false)]
impl Store {
    #[prepared("SELECT id, body FROM notes ORDER BY id")]
    #[cached_query(max_bytes = 1_000_000)]
    async fn all_shared(&self) -> larder::Result<Arc<Vec<Note>>>;

    #[prepared("SELECT id, body FROM notes ORDER BY id")]
    #[cached_query]
    async fn all_slice(&self) -> larder::Result<Arc<[Note]>>;

    #[prepared("SELECT id, body FROM notes ORDER BY id")]
    async fn all_boxed(&self) -> larder::Result<Box<[Note]>>;

    #[prepared("SELECT id, body FROM notes WHERE id = ?1")]
    #[cached_query(cache_none = false)]
    async fn one_shared(&self, id: i64) -> larder::Result<Arc<Option<Note>>>;

    #[prepared("SELECT id, body FROM notes WHERE id = ?1")]
    #[cached_query]
    async fn each_shared(&self, id: i64) -> larder::Result<Option<Arc<Note>>>;

    #[prepared("SELECT id, body FROM notes WHERE id = ?1")]
    async fn exactly_boxed(&self, id: i64) -> larder::Result<Box<Note>>;

    #[prepared("SELECT id, body FROM notes ORDER BY id")]
    async fn rows_shared(&self) -> larder::Result<Vec<Arc<Note>>>;

    #[prepared("SELECT * FROM notes JOIN notes AS other ON other.id = notes.id + 1")]
    async fn star_join(&self) -> larder::Result<Vec<Note>>;

    #[prepared("SELECT max(score) FROM notes")]
    async fn best(&self) -> larder::Result<Option<f64>>;

    #[prepared("SELECT max(score) FROM notes WHERE body = ?1")]
    #[cached_query]
    async fn best_of(&self, body: &str) -> larder::Result<Option<f64>>;

    #[prepared("SELECT max(score) FROM notes")]
    async fn best_or_null(&self) -> larder::Result<Option<Option<f64>>>;

    #[prepared("SELECT count(*) FROM notes")]
    async fn count(&self) -> larder::Result<Option<i64>>;

    #[prepared("SELECT score FROM notes WHERE id = ?1")]
    async fn score(&self, id: i64) -> larder::Result<Option<f64>>;

    #[prepared("SELECT score FROM notes WHERE id = ?1")]
    async fn score_or_null(&self, id: i64) -> larder::Result<Option<Option<f64>>>;
}

async fn store() -> Store {
    let db = larder::Db::memory().await.unwrap();
    db.execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL, score REAL)")
        .await
        .unwrap();
    Store { db }
}

async fn add(store: &Store, id: i64, body: &str, score: Option<f64>) {
    store
        .db
        .execute(
            "INSERT INTO notes (id, body, score) VALUES (?1, ?2, ?3)",
            larder::params![id, body, score],
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn shared_results_are_read_wrapped_and_a_hit_shares_them() {
    let store = store().await;
    add(&store, 1, "a", Some(1.0)).await;
    add(&store, 2, "b", None).await;
    let first = store.all_shared().await.unwrap();
    let again = store.all_shared().await.unwrap();
    assert!(Arc::ptr_eq(&first, &again), "a hit is the same allocation");
    assert_eq!(first.len(), 2);
    let slice = store.all_slice().await.unwrap();
    assert!(Arc::ptr_eq(&slice, &store.all_slice().await.unwrap()));
    assert_eq!(&slice[..], &first[..]);
    assert_eq!(&store.all_boxed().await.unwrap()[..], &first[..]);
    assert_eq!(
        store
            .one_shared(2)
            .await
            .unwrap()
            .as_ref()
            .as_ref()
            .map(|n| n.id),
        Some(2)
    );
    assert!(store.one_shared(9).await.unwrap().is_none());
    let each = store.each_shared(1).await.unwrap().unwrap();
    assert!(Arc::ptr_eq(
        &each,
        &store.each_shared(1).await.unwrap().unwrap()
    ));
    assert_eq!(store.exactly_boxed(1).await.unwrap().body, "a");
    assert!(matches!(
        store.exactly_boxed(3).await,
        Err(Error::NotFound { .. })
    ));
    assert_eq!(store.rows_shared().await.unwrap().len(), 2);
    // Still invalidated by writes.
    add(&store, 3, "c", None).await;
    assert_eq!(store.all_shared().await.unwrap().len(), 3);
    assert_eq!(store.all_slice().await.unwrap().len(), 3);
    // `cache_none = false` looks through the `Arc`: a miss was not kept.
    add(&store, 9, "late", None).await;
    assert!(store.one_shared(9).await.unwrap().is_some());
}

#[tokio::test]
async fn an_aggregate_over_no_rows_is_none_and_a_null_elsewhere_says_how_to_read_it() {
    let store = store().await;
    assert_eq!(store.best().await.unwrap(), None);
    // Spelled out, the NULL is the inner `None` (the one row is there).
    assert_eq!(store.best_or_null().await.unwrap(), Some(None));
    assert_eq!(store.best_of("x").await.unwrap(), None);
    assert_eq!(store.count().await.unwrap(), Some(0));
    add(&store, 1, "x", Some(2.5)).await;
    add(&store, 2, "y", None).await;
    assert_eq!(store.best().await.unwrap(), Some(2.5));
    assert_eq!(store.best_of("x").await.unwrap(), Some(2.5));
    assert_eq!(store.best_of("y").await.unwrap(), None);
    // Not one row always: `None` means "no row", and a NULL is an error that names the fix.
    assert_eq!(store.score(7).await.unwrap(), None);
    let err = store.score(2).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err}");
    assert!(err.to_string().contains("Option<Option<f64>>"), "{err}");
    assert_eq!(store.score_or_null(2).await.unwrap(), Some(None));
    assert_eq!(store.score_or_null(1).await.unwrap(), Some(Some(2.5)));
    assert_eq!(store.score_or_null(7).await.unwrap(), None);
}

#[tokio::test]
async fn a_field_whose_name_several_columns_share_is_an_error_not_the_other_tables_value() {
    let store = store().await;
    add(&store, 1, "first", None).await;
    add(&store, 2, "second", None).await;
    // Without a schema the macro cannot see the columns: the run-time map refuses to guess.
    let err = store.star_join().await.unwrap_err();
    match &err {
        Error::AmbiguousColumn {
            column, available, ..
        } => {
            assert_eq!(column, "id");
            assert_eq!(available, "id, body, score, id, body, score");
        }
        other => panic!("{other:?}"),
    }
    let dynamic = store
        .db
        .fetch_all::<Note>("SELECT * FROM notes a JOIN notes b ON b.id = a.id + 1", &[])
        .await
        .unwrap_err();
    assert!(
        matches!(dynamic, Error::AmbiguousColumn { .. }),
        "{dynamic}"
    );
    // Aliased apart, it reads.
    let notes: Vec<Note> = store
        .db
        .fetch_all(
            "SELECT b.id, b.body FROM notes a JOIN notes b ON b.id = a.id + 1",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        notes,
        [Note {
            id: 2,
            body: "second".into()
        }]
    );
}
