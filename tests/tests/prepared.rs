//! `#[prepared]` methods end to end: every return shape, its errors, placeholders, on file and
//! memory databases.

mod common;

use common::*;
use larder::Error;

async fn both() -> Vec<(Items, Option<tempfile::TempDir>)> {
    let (file, dir) = file_items().await;
    vec![(file, Some(dir)), (memory_items().await, None)]
}

#[tokio::test]
async fn every_return_shape_reads_what_was_written() {
    for (items, _dir) in both().await {
        assert_eq!(items.insert(1, "apple", 3, Some("red")).await.unwrap(), 1);
        assert_eq!(items.insert(2, "pear", 5, None).await.unwrap(), 1);
        items.add_qty("pear", 10).await.unwrap();

        let apple = Item {
            id: 1,
            name: "apple".into(),
            quantity: 3,
            note: Some("red".into()),
        };
        assert_eq!(items.get(1).await.unwrap(), Some(apple.clone()));
        assert_eq!(items.get(3).await.unwrap(), None);
        assert_eq!(items.get_exactly(1).await.unwrap(), apple);
        assert_eq!(items.with_at_least(0).await.unwrap().len(), 2);
        assert_eq!(items.with_at_least(15).await.unwrap()[0].quantity, 15);
        assert_eq!(items.names().await.unwrap(), ["apple", "pear"]);
        assert_eq!(items.count().await.unwrap(), 2);
        assert_eq!(items.note(1).await.unwrap(), Some(Some("red".into())));
        assert_eq!(items.note(2).await.unwrap(), Some(None));
        assert_eq!(items.note(9).await.unwrap(), None);
        assert_eq!(items.delete_below(10).await.unwrap(), 1);
        assert_eq!(items.count().await.unwrap(), 1);
    }
}

#[tokio::test]
async fn exactly_one_row_with_no_row_is_not_found() {
    for (items, _dir) in both().await {
        let err = items.get_exactly(7).await.unwrap_err();
        assert!(
            matches!(&err, Error::NotFound { statement } if statement == "Items::get_exactly"),
            "{err}"
        );
        assert!(
            err.to_string().contains("Option<T>"),
            "the message says what to do: {err}"
        );
    }
}

#[tokio::test]
async fn at_most_one_row_with_two_rows_is_too_many() {
    for (items, _dir) in both().await {
        fill(&items, 2).await;
        let err = items.one_with_at_least(0).await.unwrap_err();
        assert!(
            matches!(&err, Error::TooManyRows { statement } if statement == "Items::one_with_at_least"),
            "{err}"
        );
        // The connection is still usable afterwards.
        assert!(items.one_with_at_least(2).await.unwrap().is_some());
    }
}

#[tokio::test]
async fn constraint_violation_is_a_sql_error_naming_the_statement() {
    for (items, _dir) in both().await {
        items.insert(1, "apple", 1, None).await.unwrap();
        let err = items.insert(2, "apple", 1, None).await.unwrap_err();
        match &err {
            Error::Sql { statement, sql, .. } => {
                assert_eq!(statement, "Items::insert");
                assert!(sql.starts_with("INSERT INTO items"));
            }
            other => panic!("expected Error::Sql, got {other:?}"),
        }
        assert!(
            err.to_string()
                .contains("UNIQUE constraint failed: items.name"),
            "{err}"
        );
        assert_eq!(items.count().await.unwrap(), 1);
    }
}

struct Quoting {
    db: larder::Db,
}

#[larder::storage]
impl Quoting {
    /// `?` and `:x` inside literals, identifiers and comments are text, not placeholders.
    #[prepared(
        "SELECT 'why?' || ' :x @y $z' AS \"odd?name\" -- ?2 :w
         WHERE /* ?3 */ ?1 = 1"
    )]
    async fn quoted(&self, flag: i64) -> larder::Result<Option<String>>;

    /// Named placeholders of every prefix, one used twice.
    #[prepared("SELECT :a + @b + $c + :a")]
    async fn named(&self, c: i64, b: i64, a: i64) -> larder::Result<i64>;

    /// Numbered placeholders out of order and anonymous ones.
    #[prepared("SELECT ?2 || '-' || ?1")]
    async fn reversed(&self, first: &str, second: &str) -> larder::Result<String>;

    #[prepared("SELECT ? * 10 + ?")]
    async fn anonymous(&self, tens: i64, ones: i64) -> larder::Result<i64>;

    #[prepared("SELECT 42")]
    async fn no_params(&self) -> larder::Result<i64>;
}

#[tokio::test]
async fn placeholders_bind_by_name_and_position() {
    let q = Quoting {
        db: larder::Db::memory().await.unwrap(),
    };
    assert_eq!(q.quoted(1).await.unwrap().as_deref(), Some("why? :x @y $z"));
    assert_eq!(q.quoted(0).await.unwrap(), None);
    assert_eq!(q.named(100, 10, 1).await.unwrap(), 112);
    assert_eq!(q.reversed("a", "b").await.unwrap(), "b-a");
    assert_eq!(q.anonymous(4, 2).await.unwrap(), 42);
    assert_eq!(q.no_params().await.unwrap(), 42);
}

/// A user error type: generated methods convert `larder::Error` into it with `From`.
#[derive(Debug)]
enum AppError {
    Db(Error),
}

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        AppError::Db(e)
    }
}

struct Nested {
    inner: Inner,
}

struct Inner {
    database: std::sync::Arc<larder::Db>,
}

#[larder::storage(db = inner.database)]
impl Nested {
    #[prepared("SELECT ?1 + 1")]
    async fn plus_one(&self, x: i64) -> Result<i64, AppError>;

    #[prepared("SELECT * FROM missing_table")]
    async fn broken(&self) -> Result<Vec<i64>, AppError>;

    /// Methods with bodies pass through untouched and can call generated ones.
    async fn plus_two(&self, x: i64) -> Result<i64, AppError> {
        self.plus_one(x).await.map(|y| y + 1)
    }
}

#[tokio::test]
async fn db_path_argument_and_custom_error_types() {
    let db = larder::Db::memory().await.unwrap();
    let n = Nested {
        inner: Inner {
            database: std::sync::Arc::new(db),
        },
    };
    assert_eq!(n.plus_one(1).await.unwrap(), 2);
    assert_eq!(n.plus_two(1).await.unwrap(), 3);
    let AppError::Db(err) = n.broken().await.unwrap_err();
    assert!(
        err.to_string().contains("no such table: missing_table"),
        "{err}"
    );
}

#[tokio::test]
async fn two_memory_databases_are_separate() {
    let a = memory_items().await;
    let b = memory_items().await;
    fill(&a, 3).await;
    assert_eq!(a.count().await.unwrap(), 3);
    assert_eq!(b.count().await.unwrap(), 0);
    // Statements and counters belong to each Db.
    assert_eq!(
        b.db.statement_stats()
            .statements
            .iter()
            .find(|s| s.name == "Items::insert"),
        None
    );
}

#[tokio::test]
async fn memory_database_is_shared_by_every_pooled_connection() {
    let db = with_schema(larder::Db::builder().memory().pool_size(4)).await;
    let items = std::sync::Arc::new(Items { db });
    let tasks: Vec<_> = (1..=40)
        .map(|i| {
            let items = std::sync::Arc::clone(&items);
            tokio::spawn(async move { items.insert(i, &format!("n{i}"), i, None).await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(items.count().await.unwrap(), 40);
}

#[tokio::test]
async fn a_method_on_a_missing_column_names_it() {
    struct Wrong {
        db: larder::Db,
    }
    #[larder::storage]
    impl Wrong {
        #[prepared("SELECT id, name FROM items")]
        async fn partial(&self) -> larder::Result<Vec<Item>>;
    }
    let items = memory_items().await;
    fill(&items, 1).await;
    let err = Wrong {
        db: items.db.clone(),
    }
    .partial()
    .await
    .unwrap_err();
    match &err {
        Error::ColumnNotFound {
            column,
            available,
            statement,
        } => {
            assert_eq!(column, "qty");
            assert_eq!(available, "id, name");
            assert_eq!(statement, "Wrong::partial");
        }
        other => panic!("expected ColumnNotFound, got {other:?}"),
    }
}

struct Tuples {
    db: larder::Db,
}

#[larder::storage]
impl Tuples {
    #[prepared("SELECT id, name FROM items ORDER BY id")]
    async fn pairs(&self) -> larder::Result<Vec<(i64, String)>>;

    #[prepared("SELECT min(id), max(id), count(*) FROM items")]
    async fn stats(&self) -> larder::Result<(Option<i64>, Option<i64>, i64)>;

    // `SELECT id` would be refused at compile time (the lexer counts one column); through a
    // subquery's `*` only the run-time check can see the mismatch.
    #[prepared("SELECT * FROM (SELECT id FROM items)")]
    async fn wrong_arity(&self) -> larder::Result<Vec<(i64, String)>>;
}

#[tokio::test]
async fn tuples_read_columns_by_position() {
    let items = memory_items().await;
    let t = Tuples {
        db: items.db.clone(),
    };
    assert_eq!(t.stats().await.unwrap(), (None, None, 0));
    fill(&items, 2).await;
    assert_eq!(
        t.pairs().await.unwrap(),
        [(1, "item 1".to_owned()), (2, "item 2".to_owned())]
    );
    assert_eq!(t.stats().await.unwrap(), (Some(1), Some(2), 2));
    let err = t.wrong_arity().await.unwrap_err();
    assert!(
        matches!(
            err,
            Error::ColumnCount {
                count: 1,
                expected: 2,
                ..
            }
        ),
        "{err}"
    );
}
