//! Times against SQLite's own format and functions, and the narrower integer and float types:
//! generated values compared with what SQLite computes from them.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use larder::{params, Error};
use proptest::prelude::*;

struct Store {
    db: larder::Db,
}

#[larder::storage(schema = false)]
impl Store {
    #[prepared("SELECT count(*) FROM events WHERE at >= ?1")]
    async fn since(&self, at: DateTime<Utc>) -> larder::Result<i64>;

    #[prepared("SELECT count(*) FROM events WHERE day = ?1")]
    async fn on(&self, day: NaiveDate) -> larder::Result<i64>;

    #[prepared("INSERT INTO numbers (a, b, c, d, e, f) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")]
    async fn numbers(
        &self,
        a: usize,
        b: u16,
        c: i8,
        d: isize,
        e: u32,
        f: f32,
    ) -> larder::Result<()>;

    #[prepared("SELECT a, b, c, d, e, f FROM numbers")]
    async fn read_numbers(&self) -> larder::Result<(usize, u16, i8, isize, u32, f32)>;

    #[prepared("SELECT a FROM numbers")]
    async fn a_as_u8(&self) -> larder::Result<u8>;
}

async fn store() -> Store {
    let db = larder::Db::memory().await.unwrap();
    db.execute_batch(
        "CREATE TABLE events (id INTEGER PRIMARY KEY,
             at TEXT NOT NULL DEFAULT (datetime('now')),
             day TEXT NOT NULL DEFAULT (date('now')));
         CREATE TABLE numbers (a INTEGER, b INTEGER, c INTEGER, d INTEGER, e INTEGER, f REAL);",
    )
    .await
    .unwrap();
    Store { db }
}

#[tokio::test]
async fn a_time_compares_with_sqlites_datetime_now() {
    let store = store().await;
    // The case: a `DEFAULT (datetime('now'))` row compared `>= ?1` with a time a minute
    // earlier (and the same second): found, where RFC 3339's `T` sorted after the space.
    let before = Utc::now() - chrono::Duration::seconds(60);
    store
        .db
        .execute("INSERT INTO events DEFAULT VALUES", &[])
        .await
        .unwrap();
    assert_eq!(store.since(before).await.unwrap(), 1);
    let stored: DateTime<Utc> = store
        .db
        .fetch_one("SELECT at FROM events", &[])
        .await
        .unwrap();
    assert_eq!(
        store.since(stored).await.unwrap(),
        1,
        "the same second is equal"
    );
    assert_eq!(
        store
            .since(stored + chrono::Duration::milliseconds(1))
            .await
            .unwrap(),
        0
    );
    let today: NaiveDate = store.db.fetch_one("SELECT date('now')", &[]).await.unwrap();
    assert_eq!(store.on(today).await.unwrap(), 1);
    let text: String = store
        .db
        .fetch_one(
            "SELECT ?1",
            params![Utc.with_ymd_and_hms(2026, 12, 2, 5, 6, 7).unwrap()],
        )
        .await
        .unwrap();
    assert_eq!(text, "2026-12-02 05:06:07");
}

fn whole_second(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).unwrap_or(t)
}

fn time() -> impl Strategy<Value = DateTime<Utc>> {
    // Years 0 to 9999; the fraction is whole seconds a third of the time, milliseconds a third,
    // anything the rest (so all three widths meet).
    (
        -62_167_219_200_i64..253_402_300_799,
        0_u32..1_000_000_000,
        0..3,
    )
        .prop_map(|(secs, nanos, width)| {
            let nanos = match width {
                0 => 0,
                1 => nanos / 1_000_000 * 1_000_000,
                _ => nanos,
            };
            DateTime::from_timestamp(secs, nanos).unwrap()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    /// For generated times: SQLite's text comparison of the stored values is time order; its
    /// `unixepoch`/`strftime` read them as the same instant; `datetime()` of one equals the
    /// stored text of its whole second; and the value reads back unchanged.
    #[test]
    fn sqlite_reads_stored_times_as_the_same_instants(a in time(), b in time()) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let db = larder::Db::memory().await.unwrap();
            // SQLite's functions keep milliseconds: rounded through the julian day, truncated
            // where they format the parsed fields.
            let rounded = DateTime::from_timestamp_millis(
                a.timestamp_millis() + i64::from(a.timestamp_subsec_nanos() % 1_000_000 >= 500_000),
            )
            .unwrap();
            let (less, equal, secs, millis, whole): (bool, bool, i64, String, bool) = db
                .fetch_one(
                    "SELECT ?1 < ?2, ?1 = ?2, unixepoch(?1), strftime('%f', ?1), datetime(?1) IN (?3, ?4)",
                    params![a, b, whole_second(a), whole_second(rounded)],
                )
                .await
                .unwrap();
            assert_eq!(less, a < b, "{a} < {b}");
            assert_eq!(equal, a == b);
            assert!(secs == a.timestamp() || secs == rounded.timestamp(), "{a}: {secs}");
            let exact = a.timestamp().rem_euclid(60) as f64 + f64::from(a.timestamp_subsec_nanos()) / 1e9;
            let got: f64 = millis.parse().unwrap();
            let off = (got - exact + 30.0).rem_euclid(60.0) - 30.0;
            assert!(off.abs() <= 0.000_501, "{a}: strftime('%f') = {millis}");
            assert!(whole, "{a}");
            let back: DateTime<Utc> = db.fetch_one("SELECT ?1", params![a]).await.unwrap();
            assert_eq!(back, a);
            let naive: NaiveDateTime = db.fetch_one("SELECT ?1", params![a.naive_utc()]).await.unwrap();
            assert_eq!(naive, a.naive_utc());
            let day: NaiveDate = db.fetch_one("SELECT date(?1)", params![a]).await.unwrap();
            assert!(day == a.date_naive() || day == rounded.date_naive(), "{a}: {day}");
        });
    }
}

#[tokio::test]
async fn narrow_integers_and_f32_round_trip_and_overflow_is_an_error() {
    let store = store().await;
    store
        .numbers(
            usize::MAX >> 1,
            u16::MAX,
            i8::MIN,
            isize::MIN,
            u32::MAX,
            1.5e38,
        )
        .await
        .unwrap();
    assert_eq!(
        store.read_numbers().await.unwrap(),
        (
            usize::MAX >> 1,
            u16::MAX,
            i8::MIN,
            isize::MIN,
            u32::MAX,
            1.5e38
        )
    );
    match store
        .numbers(usize::MAX, 0, 0, 0, 0, 0.0)
        .await
        .unwrap_err()
    {
        Error::Encode {
            parameter, reason, ..
        } => {
            assert_eq!(parameter, "a");
            assert!(reason.contains("usize"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    match store.a_as_u8().await.unwrap_err() {
        err @ Error::Decode { .. } => assert!(err.to_string().contains("out of range"), "{err}"),
        other => panic!("{other:?}"),
    }
    let too_big = store
        .db
        .fetch_one::<f32>("SELECT 1e300", &[])
        .await
        .unwrap_err();
    assert!(too_big.to_string().contains("f32"), "{too_big}");
}

mod own_types {
    use larder::{Error, FromRow, Json};
    use serde::{Deserialize, Serialize};

    #[derive(larder::Type, Debug, Clone, Copy, PartialEq, Eq, Hash)]
    #[larder(rename_all = "snake_case")]
    pub enum Outcome {
        Success,
        PartialSuccess,
        #[larder(rename = "failed")]
        Failure,
    }

    #[derive(larder::Type, Debug, Clone, Copy, PartialEq, Eq, Hash)]
    #[larder(integer)]
    pub enum Priority {
        Low = 1,
        High = 5,
    }

    #[derive(larder::Type, Debug, Clone, PartialEq, Eq, Hash)]
    #[larder(transparent)]
    pub struct Task(pub String);

    #[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
    pub struct Context {
        pub tags: Vec<String>,
        pub depth: u32,
    }

    #[derive(FromRow, Debug, Clone, PartialEq)]
    #[larder(rename_all = "camelCase")]
    pub struct Run {
        pub run_id: i64,
        pub task_name: Task,
        pub outcome: Option<Outcome>,
        pub priority: Priority,
        pub context: Json<Context>,
    }

    pub struct Store {
        pub db: larder::Db,
    }

    #[larder::storage(schema = false)]
    impl Store {
        #[prepared(
            "INSERT INTO runs (runId, taskName, outcome, priority, context) VALUES (?1, ?2, ?3, ?4, ?5)"
        )]
        pub async fn insert(
            &self,
            id: i64,
            task: &Task,
            outcome: Option<Outcome>,
            priority: Priority,
            context: &Json<Context>,
        ) -> larder::Result<()>;

        #[prepared("SELECT * FROM runs WHERE outcome IN (:outcomes) ORDER BY runId")]
        pub async fn with_outcomes(&self, outcomes: &[Outcome]) -> larder::Result<Vec<Run>>;

        #[prepared("SELECT * FROM runs WHERE priority = ?1 ORDER BY runId")]
        #[cached_query]
        pub async fn by_priority(&self, priority: Priority) -> larder::Result<Vec<Run>>;

        #[prepared("SELECT outcome FROM runs WHERE runId = ?1")]
        pub async fn outcome(&self, id: i64) -> larder::Result<Option<Option<Outcome>>>;

        #[prepared("SELECT json_extract(context, '$.depth') FROM runs WHERE runId = ?1")]
        pub async fn depth(&self, id: i64) -> larder::Result<Option<u32>>;
    }

    #[tokio::test]
    async fn enums_newtypes_and_json_round_trip_and_match_in_sql() {
        let db = larder::Db::memory().await.unwrap();
        db.execute_batch(
            "CREATE TABLE runs (runId INTEGER PRIMARY KEY, taskName TEXT NOT NULL, outcome TEXT,
                                priority INTEGER NOT NULL, context TEXT NOT NULL)",
        )
        .await
        .unwrap();
        let store = Store { db };
        let context = Json(Context {
            tags: vec!["a\"b".into()],
            depth: 3,
        });
        let rows = [
            (1, Some(Outcome::Success), Priority::Low),
            (2, Some(Outcome::PartialSuccess), Priority::High),
            (3, Some(Outcome::Failure), Priority::High),
            (4, None, Priority::Low),
        ];
        for (id, outcome, priority) in rows {
            let task = Task(format!("task {id}"));
            store
                .insert(id, &task, outcome, priority, &context)
                .await
                .unwrap();
        }
        let stored: Vec<(String, Option<String>, i64)> = store
            .db
            .fetch_all(
                "SELECT taskName, outcome, priority FROM runs ORDER BY runId",
                &[],
            )
            .await
            .unwrap();
        assert_eq!(
            stored[1],
            ("task 2".into(), Some("partial_success".into()), 5)
        );
        assert_eq!(stored[2].1.as_deref(), Some("failed"));
        let found = store
            .with_outcomes(&[Outcome::Failure, Outcome::Success])
            .await
            .unwrap();
        assert_eq!(found.iter().map(|r| r.run_id).collect::<Vec<_>>(), [1, 3]);
        assert_eq!(found[0].context, context);
        assert_eq!(found[1].task_name, Task("task 3".into()));
        let high = store.by_priority(Priority::High).await.unwrap();
        assert_eq!(high.len(), 2);
        assert_eq!(store.by_priority(Priority::High).await.unwrap(), high);
        assert_eq!(store.outcome(4).await.unwrap(), Some(None));
        assert_eq!(store.depth(1).await.unwrap(), Some(3));
        // A value the type does not know is an error naming what it accepts.
        store
            .db
            .execute("UPDATE runs SET outcome = 'maybe' WHERE runId = 1", &[])
            .await
            .unwrap();
        let err = store.outcome(1).await.unwrap_err();
        assert!(matches!(err, Error::Decode { .. }), "{err}");
        assert!(err.to_string().contains("\"partial_success\""), "{err}");
    }
}
