//! The example's store: every query, invalidation after updates, batch rollback; and a short run
//! of the workload driver whose report must be complete and self-consistent.

use std::time::Duration;

use chrono::{DateTime, Utc};
use episodic_memory::workload::{self, Config};
use episodic_memory::{migrate, sample_episode, Memory};

fn base() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-25T07:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

async fn memory() -> Memory {
    let db = larder::Db::memory().await.unwrap();
    migrate(&db).await.unwrap();
    Memory { db }
}

#[tokio::test]
async fn every_query_reads_what_was_stored() {
    let m = memory().await;
    let episodes: Vec<_> = (0..10).map(|n| sample_episode(n, base())).collect();
    m.store_episodes(&episodes).await.unwrap();
    assert_eq!(
        m.episode(episodes[3].id).await.unwrap(),
        Some(episodes[3].clone())
    );
    assert_eq!(
        m.episodes_since(base() + chrono::Duration::seconds(7))
            .await
            .unwrap()
            .len(),
        3
    );
    let by_tool = m.episodes_by_metadata("tool", "code").await.unwrap();
    assert_eq!(
        by_tool.iter().map(|e| e.id).collect::<Vec<_>>(),
        [episodes[2].id, episodes[6].id]
    );
}

#[tokio::test]
async fn pattern_updates_invalidate_the_pattern_caches() {
    let m = memory().await;
    m.insert_pattern(1, "recovery", "retry with backoff", base())
        .await
        .unwrap();
    assert_eq!(
        m.patterns_by_type("recovery").await.unwrap()[0].occurrences,
        0
    );
    m.update_pattern_stats(1, 1.0, base()).await.unwrap();
    m.update_pattern_stats(1, 0.0, base()).await.unwrap();
    let p = &m.patterns_by_type("recovery").await.unwrap()[0];
    assert_eq!((p.occurrences, p.success_rate), (2, 0.5));
}

#[tokio::test]
async fn a_failing_batch_stores_nothing() {
    let m = memory().await;
    let mut episodes: Vec<_> = (0..5).map(|n| sample_episode(n, base())).collect();
    episodes.push(episodes[0].clone()); // duplicate id: the batch fails at its end
    assert!(m.store_episodes(&episodes).await.is_err());
    assert_eq!(m.episode(episodes[1].id).await.unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_workload_reports_consistent_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        episodes: 300,
        write_fraction: 0.05,
        zipf: 1.1,
        duration: Duration::from_millis(500),
        tasks: 2,
    };
    let report = workload::run(&config, dir.path(), &|_, _| {})
        .await
        .unwrap();
    for m in [&report.plain, &report.larder] {
        assert!(m.operations > 0, "{m:?}");
        assert_eq!(m.errors, 0, "{m:?}");
        assert!(
            (0.0..=1.0).contains(&m.cache_hit_rate) && (0.0..=1.0).contains(&m.eviction_rate),
            "{m:?}"
        );
        assert!(
            m.read_p50_us > 0.0 && m.read_p50_us <= m.read_p99_us,
            "{m:?}"
        );
        assert!(m.bulk_insert_rows_per_s > 0.0, "{m:?}");
    }
    assert!(report.larder.cache_hit_rate > 0.0);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["episodes"], 300);
    assert!(report.to_string().contains("cache hit rate"));
}

#[tokio::test]
async fn the_program_can_start_twice_on_one_database() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("memory.db");
    let first = larder::Db::open(&path).await.unwrap();
    assert_eq!(migrate(&first).await.unwrap(), [1, 2]);
    let m = Memory { db: first };
    m.store_episodes(&[sample_episode(1, base())])
        .await
        .unwrap();
    drop(m);
    let second = larder::Db::open(&path).await.unwrap();
    assert_eq!(
        migrate(&second).await.unwrap(),
        Vec::<i64>::new(),
        "nothing to apply again"
    );
    let m = Memory { db: second };
    assert!(m
        .episode(sample_episode(1, base()).id)
        .await
        .unwrap()
        .is_some());
}
