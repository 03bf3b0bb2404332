//! Every supported type round-trips through a `#[prepared]` insert and select, NULLs and
//! extremes included; values that do not fit give errors naming the column or parameter.

use chrono::{DateTime, TimeZone, Utc};
use larder::{Error, FromRow};
use uuid::Uuid;

#[derive(FromRow, Debug, Clone, PartialEq)]
struct Everything {
    id: i64,
    big: i64,
    small: i32,
    unsigned: u32,
    huge: u64,
    real: f64,
    flag: bool,
    text: String,
    bytes: Vec<u8>,
    uuid: Uuid,
    at: DateTime<Utc>,
    json: serde_json::Value,
    maybe_int: Option<i64>,
    maybe_text: Option<String>,
    maybe_uuid: Option<Uuid>,
    maybe_at: Option<DateTime<Utc>>,
}

const SCHEMA: &str = "CREATE TABLE everything (
    id INTEGER PRIMARY KEY, big INTEGER, small INTEGER, unsigned INTEGER, huge INTEGER,
    real REAL, flag INTEGER, text TEXT, bytes BLOB, uuid TEXT, at TEXT, json TEXT,
    maybe_int INTEGER, maybe_text TEXT, maybe_uuid TEXT, maybe_at TEXT)";

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared(
        "INSERT INTO everything VALUES (:id, :big, :small, :unsigned, :huge, :real, :flag, :text,
         :bytes, :uuid, :at, :json, :maybe_int, :maybe_text, :maybe_uuid, :maybe_at)"
    )]
    #[allow(clippy::too_many_arguments)]
    async fn insert(
        &self,
        id: i64,
        big: i64,
        small: i32,
        unsigned: u32,
        huge: u64,
        real: f64,
        flag: bool,
        text: &str,
        bytes: &[u8],
        uuid: Uuid,
        at: DateTime<Utc>,
        json: &serde_json::Value,
        maybe_int: Option<i64>,
        maybe_text: Option<String>,
        maybe_uuid: Option<&Uuid>,
        maybe_at: Option<DateTime<Utc>>,
    ) -> larder::Result<()>;

    #[prepared("SELECT * FROM everything WHERE id = ?1")]
    async fn get(&self, id: i64) -> larder::Result<Everything>;

    #[prepared("SELECT small FROM everything WHERE id = ?1")]
    async fn small_as_u8(&self, id: i64) -> larder::Result<u8>;

    #[prepared("SELECT text FROM everything WHERE id = ?1")]
    async fn text_as_int(&self, id: i64) -> larder::Result<i64>;

    #[prepared("SELECT maybe_int FROM everything WHERE id = ?1")]
    async fn maybe_int_required(&self, id: i64) -> larder::Result<i64>;

    #[prepared("SELECT big FROM everything WHERE id = ?1")]
    async fn big_as_u64(&self, id: i64) -> larder::Result<u64>;

    #[prepared("SELECT at FROM everything WHERE at >= ?1 ORDER BY at")]
    async fn since(&self, at: DateTime<Utc>) -> larder::Result<Vec<DateTime<Utc>>>;

    #[prepared("SELECT ?1")]
    async fn echo_u64(&self, value: u64) -> larder::Result<i64>;

    #[prepared("SELECT text FROM everything WHERE id = ?1")]
    async fn text(&self, id: i64) -> larder::Result<Option<String>>;

    #[prepared("SELECT CAST(text AS BLOB) FROM everything WHERE id = ?1")]
    async fn text_bytes(&self, id: i64) -> larder::Result<Option<Vec<u8>>>;
}

async fn store() -> Store {
    let db = larder::Db::memory().await.unwrap();
    db.execute_batch(SCHEMA).await.unwrap();
    Store { db }
}

async fn round_trip(store: &Store, e: &Everything) -> Everything {
    store
        .insert(
            e.id,
            e.big,
            e.small,
            e.unsigned,
            e.huge,
            e.real,
            e.flag,
            &e.text,
            &e.bytes,
            e.uuid,
            e.at,
            &e.json,
            e.maybe_int,
            e.maybe_text.clone(),
            e.maybe_uuid.as_ref(),
            e.maybe_at,
        )
        .await
        .unwrap();
    store.get(e.id).await.unwrap()
}

fn at(y: i32, nanos: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, 1, 2, 3, 4, 5).unwrap()
        + chrono::Duration::nanoseconds(i64::from(nanos))
}

#[tokio::test]
async fn extremes_round_trip() {
    let store = store().await;
    let max = Everything {
        id: 1,
        big: i64::MAX,
        small: i32::MAX,
        unsigned: u32::MAX,
        huge: i64::MAX as u64,
        real: f64::MAX,
        flag: true,
        text: "ünïcødé ✓ 'quoted' \"double\" \u{10FFFF}".into(),
        bytes: (0..=255).collect(),
        uuid: Uuid::from_u128(u128::MAX),
        at: at(9999, 999_999_999),
        json: serde_json::json!({"nested": [1, 2.5, null, "x"], "ok": true}),
        maybe_int: Some(i64::MIN),
        maybe_text: Some(String::new()),
        maybe_uuid: Some(Uuid::nil()),
        maybe_at: Some(at(0, 0)),
    };
    assert_eq!(round_trip(&store, &max).await, max);

    let min = Everything {
        id: 2,
        big: i64::MIN,
        small: i32::MIN,
        unsigned: 0,
        huge: 0,
        real: -0.000_000_1,
        flag: false,
        text: String::new(),
        bytes: Vec::new(),
        uuid: Uuid::nil(),
        at: at(1970, 1),
        json: serde_json::Value::Null,
        maybe_int: None,
        maybe_text: None,
        maybe_uuid: None,
        maybe_at: None,
    };
    assert_eq!(round_trip(&store, &min).await, min);
}

#[tokio::test]
async fn timestamps_compare_in_time_order() {
    let store = store().await;
    let base = Everything {
        id: 0,
        big: 0,
        small: 0,
        unsigned: 0,
        huge: 0,
        real: 0.0,
        flag: false,
        text: String::new(),
        bytes: Vec::new(),
        uuid: Uuid::nil(),
        at: at(2026, 0),
        json: serde_json::Value::Null,
        maybe_int: None,
        maybe_text: None,
        maybe_uuid: None,
        maybe_at: None,
    };
    // Different fractional digits would break text ordering; the fixed-width format keeps it.
    let times = [
        at(2026, 5),
        at(2026, 500_000_000),
        at(2025, 999_999_999),
        at(2026, 0),
    ];
    for (i, t) in times.iter().enumerate() {
        round_trip(
            &store,
            &Everything {
                id: i as i64 + 1,
                at: *t,
                ..base.clone()
            },
        )
        .await;
    }
    let mut expected: Vec<_> = times
        .iter()
        .copied()
        .filter(|t| *t >= at(2026, 0))
        .collect();
    expected.sort();
    assert_eq!(store.since(at(2026, 0)).await.unwrap(), expected);
}

#[tokio::test]
async fn values_that_do_not_fit_name_the_column() {
    let store = store().await;
    store
        .db
        .execute(
            "INSERT INTO everything (id, big, small, text) VALUES (1, -5, 300, 'abc')",
            &[],
        )
        .await
        .unwrap();
    let err = store.small_as_u8(1).await.unwrap_err();
    match &err {
        Error::Decode {
            statement,
            column,
            expected,
            found,
        } => {
            assert_eq!(statement, "Store::small_as_u8");
            assert_eq!(column, "small");
            assert_eq!(*expected, "u8");
            assert_eq!(found, "INTEGER 300 (out of range)");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    let err = store.text_as_int(1).await.unwrap_err();
    assert!(
        err.to_string().contains("column `text` holds TEXT \"abc\""),
        "{err}"
    );
    let err = store.maybe_int_required(1).await.unwrap_err();
    assert!(
        err.to_string().contains("column `maybe_int` holds NULL"),
        "{err}"
    );
    let err = store.big_as_u64(1).await.unwrap_err();
    assert!(err.to_string().contains("INTEGER -5"), "{err}");
    // A whole-row read names the first field that does not fit.
    let err = store.get(1).await.unwrap_err();
    assert!(
        matches!(&err, Error::Decode { column, .. } if column == "unsigned"),
        "{err}"
    );
}

#[tokio::test]
async fn parameters_that_do_not_fit_name_the_parameter() {
    let store = store().await;
    let err = store.echo_u64(u64::MAX).await.unwrap_err();
    match &err {
        Error::Encode {
            statement,
            parameter,
            ..
        } => {
            assert_eq!(statement, "Store::echo_u64");
            assert_eq!(parameter, "value");
        }
        other => panic!("expected an encode error, got {other:?}"),
    }
    assert_eq!(store.echo_u64(7).await.unwrap(), 7);

    // libSQL would cut text at a NUL when reading it back: refused, nothing stored.
    let err = store
        .db
        .execute(
            "INSERT INTO everything (id, text) VALUES (9, ?1)",
            larder::params!["a\0b"],
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("NUL"), "{err}");
    // SQLite would store NaN as NULL without a word: refused, naming the parameter.
    let err = store
        .db
        .execute(
            "INSERT INTO everything (id, real) VALUES (10, ?1)",
            larder::params![f64::NAN],
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Encode { parameter, .. } if parameter == "?1")
            && err.to_string().contains("NaN"),
        "{err}"
    );
    let rows: i64 = store
        .db
        .fetch_one("SELECT count(*) FROM everything", &[])
        .await
        .unwrap();
    assert_eq!(rows, 0);
}

#[tokio::test]
async fn uuid_reads_from_blob_and_sqlite_timestamps_read_as_utc() {
    let db = larder::Db::memory().await.unwrap();
    let id = Uuid::from_u128(0x1234);
    let from_blob: Uuid = db
        .fetch_one("SELECT ?1", larder::params![id.as_bytes().as_slice()])
        .await
        .unwrap();
    assert_eq!(from_blob, id);
    let t: DateTime<Utc> = db
        .fetch_one("SELECT '2026-11-25 07:32:52'", &[])
        .await
        .unwrap();
    assert_eq!(t, Utc.with_ymd_and_hms(2026, 11, 25, 7, 32, 52).unwrap());
    let t: DateTime<Utc> = db.fetch_one("SELECT 86400", &[]).await.unwrap();
    assert_eq!(t, Utc.with_ymd_and_hms(1970, 1, 2, 0, 0, 0).unwrap());
}

#[tokio::test]
async fn text_that_is_not_utf8_is_a_decode_error_not_a_panic() {
    let store = store().await;
    store
        .db
        .execute_batch(
            "INSERT INTO everything (id, text) VALUES (1, CAST(x'ff61' AS TEXT));
             INSERT INTO everything (id, text) VALUES (2, 'fine');",
        )
        .await
        .unwrap();
    let err = store.text(1).await.unwrap_err();
    assert!(
        matches!(&err, Error::Decode { column, .. } if column == "text"),
        "{err}"
    );
    assert!(err.to_string().contains("not valid UTF-8"), "{err}");
    assert!(err.to_string().contains("CAST(text AS BLOB)"), "{err}");
    // The bytes are there to be read as the message says; the statement and its connection
    // still work.
    assert_eq!(store.text_bytes(1).await.unwrap().unwrap(), [0xff, b'a']);
    assert_eq!(store.text(2).await.unwrap().as_deref(), Some("fine"));
    assert!(store.text(1).await.is_err());
}
