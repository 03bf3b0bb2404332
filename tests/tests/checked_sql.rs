//! Checked SQL constants at run time, on a real database. This crate has no schema files, so the
//! constants naming tables are checked for syntax and placeholders only (the ui tests cover the
//! schema checks); what depends on the columns is then checked at run time, as without constants.

use larder::FromRow;

#[derive(FromRow, Debug, Clone, PartialEq)]
struct Note {
    id: i64,
    body: String,
}

#[larder::sql_const]
const NOTE: &str = "SELECT id, body FROM notes WHERE id = :id";

mod queries {
    #[larder::sql_const]
    pub const ADD: &str = "INSERT INTO notes (body) VALUES (?1)";

    #[larder::sql_const]
    pub const EDIT: &str = "UPDATE notes SET body = ?2 WHERE id = ?1";

    #[larder::sql_const]
    pub const COUNT: &str = "SELECT count(*) FROM notes";
}

const SUM: larder::Sql = larder::sql!("SELECT ?1 + ?2 AS total");

struct Notes {
    db: larder::Db,
}

#[larder::storage]
impl Notes {
    #[prepared(queries::ADD)]
    async fn add(&self, body: &str) -> larder::Result<u64>;

    #[prepared(queries::EDIT)]
    async fn edit(&self, id: i64, body: &str) -> larder::Result<u64>;

    #[prepared(queries::COUNT)]
    async fn count(&self) -> larder::Result<u64>;

    #[prepared(NOTE)]
    #[cached_query]
    async fn note(&self, id: i64) -> larder::Result<Option<Note>>;
}

async fn notes() -> Notes {
    let db = larder::Db::memory().await.unwrap();
    db.execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
        .await
        .unwrap();
    Notes { db }
}

#[tokio::test]
async fn constants_run_through_prepared_methods() {
    let notes = notes().await;
    assert_eq!(notes.add("one").await.unwrap(), 1, "rows changed");
    assert_eq!(notes.add("two").await.unwrap(), 1);
    assert_eq!(notes.count().await.unwrap(), 2, "count(*) read as a column");
    let first = Note {
        id: 1,
        body: "one".into(),
    };
    assert_eq!(notes.note(1).await.unwrap(), Some(first));
    assert_eq!(notes.edit(1, "uno").await.unwrap(), 1);
    assert_eq!(
        notes.note(1).await.unwrap().map(|n| n.body).as_deref(),
        Some("uno"),
        "the write through a constant invalidated the cached read through another"
    );
}

#[tokio::test]
async fn sql_values_know_their_shape_and_run_as_text() {
    assert_eq!(SUM.param_count(), 2);
    assert_eq!(SUM.columns(), ["total"]);
    assert!(SUM.is_read_only());
    assert_eq!(NOTE_SQL.param_count(), 1);
    assert_eq!(NOTE_SQL.as_str(), NOTE);
    assert!(!queries::ADD_SQL.is_read_only() || queries::ADD_SQL.columns().is_empty());
    let notes = notes().await;
    let total: i64 = notes
        .db
        .fetch_one(&SUM, larder::params![40, 2])
        .await
        .unwrap();
    assert_eq!(total, 42);
    assert_eq!(SUM.to_string(), "SELECT ?1 + ?2 AS total");
}
