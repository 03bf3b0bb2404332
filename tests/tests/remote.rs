//! Remote mode against a real libSQL server (`sqld`), started on a free 127.0.0.1 port for each
//! test and killed on drop. The server is found through `CACHET_SQLD` or `sqld` on `PATH`; without
//! it these tests print why and pass without running (`.ci/run` sets `CACHET_SQLD`).

use std::net::TcpListener;

use cachet::Error;

mod sqld;
use sqld::{server, Server};

struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("INSERT INTO t (id, name) VALUES (?1, ?2)")]
    async fn insert(&self, id: i64, name: &str) -> cachet::Result<()>;

    #[prepared("SELECT name FROM t WHERE id = ?1")]
    #[cached_query]
    async fn name(&self, id: i64) -> cachet::Result<Option<String>>;

    #[prepared("UPDATE t SET name = ?2 WHERE id = ?1")]
    async fn rename(&self, id: i64, name: &str) -> cachet::Result<u64>;

    #[prepared("SELECT count(*) FROM t")]
    async fn count(&self) -> cachet::Result<i64>;

    #[batch]
    async fn insert_many(&self, from: i64, n: i64, fail: bool) -> cachet::Result<()> {
        for id in from..from + n {
            self.insert(id, "batch").await?;
        }
        if fail {
            self.insert(from, "duplicate").await?;
        }
        Ok(())
    }
}

async fn store(server: &Server) -> Store {
    let db = cachet::Db::builder()
        .remote(server.url.clone(), "")
        .open()
        .await
        .unwrap();
    db.execute_batch("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)")
        .await
        .unwrap();
    Store { db }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_methods_work_against_a_server() {
    let Some(server) = server() else { return };
    let store = store(&server).await;
    store.insert(1, "one").await.unwrap();
    assert_eq!(store.name(1).await.unwrap().as_deref(), Some("one"));
    assert_eq!(store.name(1).await.unwrap().as_deref(), Some("one"));
    store.rename(1, "uno").await.unwrap();
    assert_eq!(
        store.name(1).await.unwrap().as_deref(),
        Some("uno"),
        "the write invalidated"
    );
    let err = store.insert(1, "again").await.unwrap_err();
    assert!(matches!(err, Error::Sql { .. }), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn batches_commit_and_roll_back_against_a_server() {
    let Some(server) = server() else { return };
    let store = store(&server).await;
    // Used outside a transaction first: a remote statement cached now would end the next
    // transaction it runs in (libSQL decides stream closing at prepare time).
    store.insert(1, "outside").await.unwrap();
    store.insert_many(10, 5, false).await.unwrap();
    assert_eq!(store.count().await.unwrap(), 6);
    assert!(store.insert_many(100, 5, true).await.is_err());
    assert_eq!(
        store.count().await.unwrap(),
        6,
        "the failed batch left no row"
    );
}

#[tokio::test]
async fn an_unreachable_server_is_a_connect_error_naming_it() {
    // Nothing listens on this port once the listener is dropped.
    let port = TcpListener::bind(("127.0.0.1", 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let err = cachet::Db::builder()
        .remote(url.clone(), "")
        .open()
        .await
        .unwrap_err();
    assert!(err.to_string().contains(&url), "{err}");
}
