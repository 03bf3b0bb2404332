//! `larder::migrate!()` and `Db::migrate` / `Db::undo` / `Migrator::status` on real file and
//! memory databases: order, idempotence across restarts, concurrent starts, changed files,
//! newer databases, failures, undo, and the caches after a migration.

use std::sync::Arc;

use larder::{Db, Error, Migration, Migrator};

/// `tests/schemas/migrate_ok`: 0001 (reversible), 0002 (a column and a seeded row), 0003 (an
/// index, outside a transaction).
static MIGRATOR: Migrator = larder::migrate!("schemas/migrate_ok");

struct Notes {
    db: Db,
}

/// Checked at compile time against the same directory: `tags` exists only after 0002.
#[larder::storage(schema = "schemas/migrate_ok")]
impl Notes {
    #[prepared("SELECT count(*) FROM notes WHERE tags IS NOT NULL")]
    #[cached_query]
    async fn tagged(&self) -> larder::Result<i64>;
}

async fn file_db(dir: &tempfile::TempDir) -> Db {
    Db::open(dir.path().join("m.db")).await.unwrap()
}

async fn count(db: &Db, sql: &str) -> i64 {
    db.fetch_one(sql, &[]).await.unwrap()
}

#[test]
fn the_macro_embeds_the_files_in_version_order() {
    let m = MIGRATOR.migrations();
    let versions: Vec<_> = m.iter().map(Migration::version).collect();
    assert_eq!(versions, [1, 2, 3]);
    assert_eq!(m[0].description(), "create notes");
    assert_eq!(m[0].file(), "0001_create_notes.up.sql");
    assert!(m[0].is_reversible() && !m[1].is_reversible());
    assert!(m[2].runs_outside_a_transaction() && !m[1].runs_outside_a_transaction());
    assert_eq!(
        m[1].sql(),
        include_str!("../schemas/migrate_ok/0002_add_tags.sql")
    );
}

#[tokio::test]
async fn migrations_apply_in_order_once_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let db = file_db(&dir).await;
    assert_eq!(db.migrate(&MIGRATOR).await.unwrap(), [1, 2, 3]);
    assert_eq!(db.migrate(&MIGRATOR).await.unwrap(), Vec::<i64>::new());
    drop(db);
    // The program's second start.
    let db = Db::builder()
        .file(dir.path().join("m.db"))
        .migrate(&MIGRATOR)
        .open()
        .await
        .unwrap();
    assert_eq!(
        count(&db, "SELECT count(*) FROM notes").await,
        1,
        "0002 ran once"
    );
    let status = MIGRATOR.status(&db).await.unwrap();
    assert_eq!(status.len(), 3);
    for (state, migration) in status.iter().zip(MIGRATOR.migrations()) {
        let applied = state.applied.as_ref().expect("applied");
        assert_eq!(applied.checksum, migration.checksum());
        assert_eq!(applied.description, migration.description());
        assert!(!state.changed);
    }
    let recorded: Vec<(i64, String)> = db
        .fetch_all("SELECT version, description FROM _larder_migrations", &[])
        .await
        .unwrap();
    assert_eq!(recorded[2], (3, "index tags".to_owned()));
    // What no-transaction migrations are for: SQLite refuses VACUUM inside a transaction.
    static VACUUM: [Migration; 4] = [
        MIGRATOR.migrations()[0],
        MIGRATOR.migrations()[1],
        MIGRATOR.migrations()[2],
        Migration::new(
            4,
            "vacuum",
            "0004_vacuum.sql",
            "-- larder:no-transaction\nVACUUM;",
        ),
    ];
    assert_eq!(db.migrate(&Migrator::new(&VACUUM)).await.unwrap(), [4]);
    static IN_A_TRANSACTION: [Migration; 1] =
        [Migration::new(1, "vacuum", "0001_vacuum.sql", "VACUUM;")];
    let other = Db::memory().await.unwrap();
    let err = other
        .migrate(&Migrator::new(&IN_A_TRANSACTION))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("VACUUM"), "{err}");
}

#[tokio::test]
async fn a_memory_database_migrates_at_open() {
    let db = Db::builder()
        .memory()
        .migrate(&MIGRATOR)
        .open()
        .await
        .unwrap();
    let notes = Notes { db };
    assert_eq!(notes.tagged().await.unwrap(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_starting_at_once_apply_each_migration_exactly_once() {
    for round in 0..5 {
        let dir = Arc::new(tempfile::tempdir().unwrap());
        let starts: Vec<_> = (0..6)
            .map(|_| {
                let dir = Arc::clone(&dir);
                tokio::spawn(async move {
                    // Separate `Db`s, as separate processes would be.
                    let db = Db::open(dir.path().join("m.db")).await?;
                    db.migrate(&MIGRATOR).await
                })
            })
            .collect();
        let mut applied = Vec::new();
        for start in starts {
            applied.extend(
                start
                    .await
                    .unwrap()
                    .unwrap_or_else(|e| panic!("round {round}: {e}")),
            );
        }
        applied.sort_unstable();
        assert_eq!(
            applied,
            [1, 2, 3],
            "round {round}: each applied by one of them"
        );
        let db = file_db(&dir).await;
        assert_eq!(count(&db, "SELECT count(*) FROM notes").await, 1);
        assert_eq!(
            count(&db, "SELECT count(*) FROM _larder_migrations").await,
            3
        );
    }
}

static FIRST_TWO: [Migration; 2] = [
    Migration::new(1, "a", "0001_a.sql", "CREATE TABLE a (x INTEGER);"),
    Migration::new(2, "b", "0002_b.sql", "CREATE TABLE b (x INTEGER);"),
];

#[tokio::test]
async fn a_changed_applied_migration_stops_everything() {
    static CHANGED: [Migration; 3] = [
        Migration::new(1, "a", "0001_a.sql", "CREATE TABLE a (x INTEGER);"),
        Migration::new(2, "b", "0002_b.sql", "CREATE TABLE b (x INTEGER, y TEXT);"),
        Migration::new(3, "c", "0003_c.sql", "CREATE TABLE c (x INTEGER);"),
    ];
    let db = Db::memory().await.unwrap();
    db.migrate(&Migrator::new(&FIRST_TWO)).await.unwrap();
    let err = db.migrate(&Migrator::new(&CHANGED)).await.unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(&err, Error::Migration { file, .. } if file == "0002_b.sql"),
        "{err}"
    );
    assert!(
        text.contains(&FIRST_TWO[1].checksum()) && text.contains(&CHANGED[1].checksum()),
        "both checksums: {text}"
    );
    assert!(
        db.execute("INSERT INTO c VALUES (1)", &[]).await.is_err(),
        "0003 not applied"
    );
    let status = Migrator::new(&CHANGED).status(&db).await.unwrap();
    assert!(status[1].changed && status[2].applied.is_none());
}

#[tokio::test]
async fn a_database_newer_than_the_binary_is_refused_unless_accepted() {
    static OLDER: [Migration; 1] = [Migration::new(
        1,
        "a",
        "0001_a.sql",
        "CREATE TABLE a (x INTEGER);",
    )];
    let db = Db::memory().await.unwrap();
    db.migrate(&Migrator::new(&FIRST_TWO)).await.unwrap();
    let err = db.migrate(&Migrator::new(&OLDER)).await.unwrap_err();
    assert!(
        matches!(&err, Error::Migration { file, reason } if file == "version 2 (b)" && reason.contains("ignore_missing")),
        "{err}"
    );
    let accepting = Migrator::new(&OLDER).ignore_missing(true);
    assert_eq!(db.migrate(&accepting).await.unwrap(), Vec::<i64>::new());
    let status = accepting.status(&db).await.unwrap();
    assert_eq!(status.len(), 2);
    assert_eq!((status[1].version, status[1].file), (2, None));
}

#[tokio::test]
async fn a_failing_migration_leaves_the_previous_version_and_names_the_statement() {
    static FAILING: [Migration; 3] = [
        Migration::new(1, "a", "0001_a.sql", "CREATE TABLE a (x INTEGER);"),
        Migration::new(2, "b", "0002_b.sql", "CREATE TABLE b (x INTEGER);"),
        Migration::new(
            3,
            "bad",
            "0003_bad.sql",
            "CREATE TABLE c (x INTEGER);\nINSERT INTO nowhere VALUES (1);\nCREATE TABLE d (x);",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let db = file_db(&dir).await;
    let err = db.migrate(&Migrator::new(&FAILING)).await.unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(&err, Error::Migration { file, .. } if file == "0003_bad.sql"),
        "{err}"
    );
    assert!(
        text.contains("INSERT INTO nowhere VALUES (1);") && text.contains("no such table"),
        "{text}"
    );
    assert_eq!(
        count(&db, "SELECT max(version) FROM _larder_migrations").await,
        2
    );
    assert!(
        db.execute("INSERT INTO c VALUES (1)", &[]).await.is_err(),
        "nothing of 0003 stays"
    );
}

#[tokio::test]
async fn undo_runs_down_files_newest_first_and_refuses_what_it_cannot_undo() {
    static REVERSIBLE: [Migration; 3] = [
        Migration::new(1, "a", "0001_a.up.sql", "CREATE TABLE a (x INTEGER);")
            .with_down("DROP TABLE a;"),
        Migration::new(2, "b", "0002_b.up.sql", "CREATE TABLE b (x INTEGER);")
            .with_down("DROP TABLE b;"),
        Migration::new(3, "c", "0003_c.sql", "CREATE TABLE c (x INTEGER);"),
    ];
    let m = Migrator::new(&REVERSIBLE);
    let db = Db::memory().await.unwrap();
    db.migrate(&m).await.unwrap();
    let err = db.undo(&m, 1).await.unwrap_err();
    assert!(
        matches!(&err, Error::Migration { file, .. } if file == "0003_c.sql"),
        "{err}"
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM _larder_migrations").await,
        3,
        "nothing undone"
    );
    db.execute_batch("DROP TABLE c; DELETE FROM _larder_migrations WHERE version = 3")
        .await
        .unwrap();
    assert_eq!(db.undo(&m, 1).await.unwrap(), [2]);
    assert!(db.execute("INSERT INTO b VALUES (1)", &[]).await.is_err());
    db.execute("INSERT INTO a VALUES (1)", &[]).await.unwrap();
    assert_eq!(
        db.migrate(&Migrator::new(&REVERSIBLE[..2])).await.unwrap(),
        [2]
    );
}

#[tokio::test]
async fn caches_see_what_a_migration_changed() {
    static MORE: [Migration; 4] = [
        MIGRATOR.migrations()[0],
        MIGRATOR.migrations()[1],
        MIGRATOR.migrations()[2],
        Migration::new(
            4,
            "more",
            "0004_more.sql",
            "INSERT INTO notes (body, tags) VALUES ('x', 'y');",
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let db = file_db(&dir).await;
    db.migrate(&MIGRATOR).await.unwrap();
    let notes = Notes { db: db.clone() };
    assert_eq!(notes.tagged().await.unwrap(), 1);
    assert_eq!(notes.tagged().await.unwrap(), 1);
    db.migrate(&Migrator::new(&MORE)).await.unwrap();
    assert_eq!(
        notes.tagged().await.unwrap(),
        2,
        "no stale entry after the migration"
    );
}

#[tokio::test]
async fn migrating_inside_a_transaction_is_refused() {
    let db = Db::memory().await.unwrap();
    let err = db
        .transaction(|tx| async move { tx.migrate(&MIGRATOR).await })
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Misuse(m) if m.contains("inside a transaction")),
        "{err}"
    );
}

#[tokio::test]
async fn an_up_to_date_database_opened_read_only_checks_out() {
    let dir = tempfile::tempdir().unwrap();
    file_db(&dir).await.migrate(&MIGRATOR).await.unwrap();
    let read_only = Db::builder()
        .file(dir.path().join("m.db"))
        .read_only(true)
        .migrate(&MIGRATOR)
        .open()
        .await
        .unwrap();
    assert_eq!(
        read_only.migrate(&MIGRATOR).await.unwrap(),
        Vec::<i64>::new()
    );
}

#[tokio::test]
async fn a_file_checked_out_with_other_line_endings_is_not_changed() {
    static UNIX: [Migration; 1] = [Migration::new(
        1,
        "a",
        "0001_a.sql",
        "CREATE TABLE a (x);\nCREATE TABLE b (y);\n",
    )];
    static WINDOWS: [Migration; 1] = [Migration::new(
        1,
        "a",
        "0001_a.sql",
        "CREATE TABLE a (x);\r\nCREATE TABLE b (y);\r\n",
    )];
    let db = Db::memory().await.unwrap();
    db.migrate(&Migrator::new(&UNIX)).await.unwrap();
    assert_eq!(
        db.migrate(&Migrator::new(&WINDOWS)).await.unwrap(),
        Vec::<i64>::new()
    );
}

#[tokio::test]
async fn a_migration_of_comments_only_applies() {
    static EMPTY: [Migration; 1] = [Migration::new(
        1,
        "nothing yet",
        "0001_nothing_yet.sql",
        "-- to be written\n",
    )];
    let db = Db::memory().await.unwrap();
    assert_eq!(db.migrate(&Migrator::new(&EMPTY)).await.unwrap(), [1]);
}
