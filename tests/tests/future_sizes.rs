//! The size of every kind of generated future (issue #20): a future is moved into the future of
//! the code that awaits it, so a large one makes every caller's larger, and deep call chains
//! overflow small stacks. Each stays within 4 KB in a debug build and 2 KB in a release build,
//! and 300 generated calls in one async block run on a 2 MiB stack.

use std::mem::size_of_val;

/// The bound for this build: release code keeps what it can in registers, debug code does not.
const BOUND: usize = if cfg!(debug_assertions) { 4096 } else { 2048 };

#[derive(larder::FromRow, Debug, Clone)]
struct Row {
    id: i64,
    v: String,
}

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT id, v FROM kv WHERE id = ?1")]
    async fn row(&self, id: i64) -> larder::Result<Option<Row>>;

    #[prepared("SELECT id, v FROM kv WHERE id = ?1")]
    #[cached_query]
    async fn cached_row(&self, id: i64) -> larder::Result<Option<Row>>;

    #[prepared("SELECT id, v FROM kv ORDER BY id")]
    #[cached_query(ttl = "1h")]
    async fn all(&self) -> larder::Result<Vec<Row>>;

    #[prepared("INSERT INTO kv (id, v) VALUES (?1, ?2)")]
    async fn insert(&self, id: i64, v: &str) -> larder::Result<u64>;

    #[transactional]
    async fn two_reads(&self, a: i64, b: i64) -> larder::Result<usize> {
        let a = self.cached_row(a).await?;
        let b = self.cached_row(b).await?;
        Ok(usize::from(a.is_some()) + usize::from(b.is_some()))
    }

    #[batch]
    async fn insert_all(&self, rows: &[(i64, String)]) -> larder::Result<()> {
        for (id, v) in rows {
            self.insert(*id, v).await?;
        }
        Ok(())
    }

    #[timed]
    async fn timed_body(&self) -> larder::Result<usize> {
        Ok(self.all().await?.len())
    }
}

async fn store() -> Store {
    let db = larder::Db::memory().await.unwrap();
    db.execute_batch("CREATE TABLE kv (id INTEGER PRIMARY KEY, v TEXT NOT NULL)")
        .await
        .unwrap();
    Store { db }
}

#[tokio::test]
async fn every_generated_future_is_small() {
    let store = store().await;
    let rows = vec![(1, "a".to_owned()), (2, "b".to_owned())];
    let sizes = [
        ("#[prepared] point select", size_of_val(&store.row(1))),
        (
            "#[prepared] + #[cached_query]",
            size_of_val(&store.cached_row(1)),
        ),
        ("#[cached_query] of a Vec", size_of_val(&store.all())),
        ("#[prepared] insert", size_of_val(&store.insert(1, "a"))),
        (
            "#[transactional] awaiting two cached methods",
            size_of_val(&store.two_reads(1, 2)),
        ),
        ("#[batch] of inserts", size_of_val(&store.insert_all(&rows))),
        (
            "#[timed] body awaiting a cached method",
            size_of_val(&store.timed_body()),
        ),
    ];
    let report: Vec<String> = sizes.iter().map(|(k, s)| format!("{k}: {s} B")).collect();
    println!("{}", report.join("\n"));
    for (kind, size) in sizes {
        assert!(
            size <= BOUND,
            "{kind}: {size} B > {BOUND} B\n{}",
            report.join("\n")
        );
    }
    // They also run.
    store.insert_all(&rows).await.unwrap();
    let row = store.row(1).await.unwrap().unwrap();
    assert_eq!((row.id, row.v.as_str()), (1, "a"));
    assert_eq!(store.two_reads(1, 2).await.unwrap(), 2);
    assert_eq!(store.timed_body().await.unwrap(), 2);
}

/// 300 generated calls awaited in one async block, on a thread with a 2 MiB stack.
#[test]
fn three_hundred_call_sites_run_on_a_two_mib_stack() {
    let thread = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                let store = store().await;
                store.insert(1, "a").await.unwrap();
                let mut found = 0usize;
                // 300 distinct call sites: each `.await` below is its own state in this future.
                macro_rules! calls {
                    ($($n:literal)*) => {$(
                        found += usize::from(store.cached_row($n % 3).await.unwrap().is_some());
                        found += usize::from(store.row($n % 2).await.unwrap().is_some());
                        found += store.two_reads(1, $n).await.unwrap();
                    )*};
                }
                calls!(
                    0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29
                    30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50 51 52 53 54 55 56
                    57 58 59 60 61 62 63 64 65 66 67 68 69 70 71 72 73 74 75 76 77 78 79 80 81 82 83
                    84 85 86 87 88 89 90 91 92 93 94 95 96 97 98 99
                );
                found
            })
        })
        .unwrap();
    // Per 100 rounds: cached_row(n % 3) finds id 1 in 33, row(n % 2) in 50, two_reads(1, n) 1
    // each plus 1 for n == 1.
    assert_eq!(thread.join().unwrap(), 33 + 50 + 100 + 1);
}
