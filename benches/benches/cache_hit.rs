//! The cost of a cache hit, side by side:
//! (a) a `#[cached_query]` method (generated code: key building, transaction check, generation
//!     check, moka lookup, clone of the value),
//! (a2) the same with a fixed TTL (no per-read TTL recomputation),
//! (b) a bare moka `future::Cache::get` on the same key and value types,
//! (b2) the same with a per-entry expiry policy, as larder's caches have,
//! (c) the `cached` crate's async `#[cached]` (one global map per function, no invalidation),
//! (d) the same query uncached: a `#[prepared]` point select on a WAL file.
//!
//! Run: `cargo bench -p larder-benches --bench cache_hit`

use std::hint::black_box;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use larder_benches::{cycle, episodes_10k, Episode};

const KEYS: i64 = 1_000;

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT id, task, reward FROM episodes WHERE id = ?1")]
    #[cached_query]
    async fn episode(&self, id: i64) -> larder::Result<Option<Episode>>;

    #[prepared("SELECT id, task, reward FROM episodes WHERE id = ?1")]
    #[cached_query(ttl = "1h")]
    async fn episode_fixed_ttl(&self, id: i64) -> larder::Result<Option<Episode>>;

    #[prepared("SELECT id, task, reward FROM episodes WHERE id = ?1")]
    async fn episode_uncached(&self, id: i64) -> larder::Result<Option<Episode>>;
}

fn episode(id: i64) -> Episode {
    Episode {
        id,
        task: format!("task {id}"),
        reward: Some(id as f64 / 100.0),
    }
}

#[cached::proc_macro::cached(size = 10_000)]
async fn cached_crate_episode(id: i64) -> Option<Episode> {
    Some(episode(id))
}

/// A per-entry expiry policy (what larder's caches have), fixed at one hour.
struct FixedExpiry;

impl<K, V> moka::Expiry<K, V> for FixedExpiry {
    fn expire_after_create(
        &self,
        _: &K,
        _: &V,
        _: std::time::Instant,
    ) -> Option<std::time::Duration> {
        Some(std::time::Duration::from_secs(3600))
    }
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let store = rt.block_on(async {
        let db = episodes_10k(&dir.path().join("cache.db"))
            .await
            .expect("open");
        let store = Store { db };
        for id in 1..=KEYS {
            store.episode(id).await.expect("warm");
            store.episode_fixed_ttl(id).await.expect("warm");
        }
        store
    });
    let moka: moka::future::Cache<(i64,), Arc<Option<Episode>>> = moka::future::Cache::new(10_000);
    let moka_ttl: moka::future::Cache<(i64,), Arc<Option<Episode>>> =
        moka::future::Cache::builder()
            .max_capacity(10_000)
            .expire_after(FixedExpiry)
            .build();
    rt.block_on(async {
        for id in 1..=KEYS {
            moka.insert((id,), Arc::new(Some(episode(id)))).await;
            moka_ttl.insert((id,), Arc::new(Some(episode(id)))).await;
            cached_crate_episode(id).await;
        }
    });

    let mut group = c.benchmark_group("cache_hit");
    let mut next = cycle(KEYS);
    group.bench_function("a_larder_cached_query_hit", |b| {
        b.to_async(&rt).iter(|| {
            let id = next();
            let store = &store;
            async move { black_box(store.episode(id).await.expect("hit")) }
        })
    });
    group.bench_function("a2_larder_cached_query_fixed_ttl_hit", |b| {
        b.to_async(&rt).iter(|| {
            let id = next();
            let store = &store;
            async move { black_box(store.episode_fixed_ttl(id).await.expect("hit")) }
        })
    });
    group.bench_function("b_bare_moka_get_and_clone", |b| {
        b.to_async(&rt).iter(|| {
            let id = next();
            let moka = &moka;
            async move { black_box(moka.get(&(id,)).await.map(|v| (*v).clone())) }
        })
    });
    group.bench_function("b2_bare_moka_with_expiry_policy", |b| {
        b.to_async(&rt).iter(|| {
            let id = next();
            let moka = &moka_ttl;
            async move { black_box(moka.get(&(id,)).await.map(|v| (*v).clone())) }
        })
    });
    group.bench_function("c_cached_crate_async_hit", |b| {
        b.to_async(&rt).iter(|| {
            let id = next();
            async move { black_box(cached_crate_episode(id).await) }
        })
    });
    group.bench_function("d_uncached_prepared_point_select", |b| {
        b.to_async(&rt).iter(|| {
            let id = next();
            let store = &store;
            async move { black_box(store.episode_uncached(id).await.expect("query")) }
        })
    });
    group.finish();
    let stats = store.db.cache_stats();
    eprintln!("{stats}");
}

criterion_group!(benches, bench);
criterion_main!(benches);
