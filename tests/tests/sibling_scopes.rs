//! Issue #21, item 1: nested transactions (savepoints) run concurrently inside one transaction —
//! `join!` of two `#[batch]` methods, or a plain statement beside a nested scope. Each sibling
//! keeps all of its rows or none, whatever the interleaving, and fails with its own error.
//!
//! The siblings are polled in order by one `join`, each yielding to the scheduler at generated
//! points, so every run interleaves their `SAVEPOINT`, statements and `RELEASE` / `ROLLBACK TO`
//! differently.

mod common;

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::Poll;

use common::{with_schema, SCHEMA};
use larder::Error;
use proptest::prelude::*;

/// One thing the outer transaction's body runs concurrently with the others.
#[derive(Debug, Clone)]
enum Sibling {
    /// A nested transaction inserting `rows` rows, yielding `yields[i]` times before row `i`;
    /// it fails after `fail_after` rows, with its own error or with a UNIQUE violation.
    Scope {
        rows: usize,
        yields: Vec<u8>,
        fail_after: Option<usize>,
        constraint: bool,
        /// A nested scope of its own, inside this one, that fails.
        failing_child: bool,
    },
    /// One insert outside any nested scope, after `yields` yields.
    Plain { yields: u8 },
    /// A `Scope` that succeeds if it finishes, dropped (cancelled) after `polls` polls of it.
    Cancelled {
        rows: usize,
        yields: Vec<u8>,
        polls: u8,
    },
}

fn sibling() -> impl Strategy<Value = Sibling> {
    prop_oneof![
        3 => (1..5_usize, proptest::collection::vec(0..3_u8, 5), proptest::option::of(0..5_usize), any::<bool>(), any::<bool>())
            .prop_map(|(rows, yields, fail_after, constraint, failing_child)| Sibling::Scope {
                rows,
                yields,
                fail_after: fail_after.filter(|&at| at <= rows),
                constraint,
                failing_child,
            }),
        1 => (0..3_u8).prop_map(|yields| Sibling::Plain { yields }),
        1 => (1..5_usize, proptest::collection::vec(0..3_u8, 5), 1..12_u8)
            .prop_map(|(rows, yields, polls)| Sibling::Cancelled { rows, yields, polls }),
    ]
}

async fn yields(n: u8) {
    for _ in 0..n {
        tokio::task::yield_now().await;
    }
}

fn id(sibling: usize, row: usize) -> i64 {
    (sibling * 100 + row) as i64
}

async fn insert(db: &larder::Db, id: i64) -> larder::Result<u64> {
    db.execute(
        "INSERT INTO items (id, name) VALUES (?1, ?2)",
        larder::params![id, format!("row {id}")],
    )
    .await
}

/// Runs sibling `index`; `Ok` with the ids it committed (to its parent), or its error.
async fn run(db: larder::Db, index: usize, plan: Sibling) -> larder::Result<Vec<i64>> {
    match plan {
        Sibling::Cancelled {
            rows,
            yields,
            polls,
        } => {
            let scope = Sibling::Scope {
                rows,
                yields,
                fail_after: None,
                constraint: false,
                failing_child: false,
            };
            let mut future = Some(Box::pin(run(db, index, scope)));
            let mut left = polls;
            poll_fn(move |cx| {
                let Some(f) = future.as_mut() else {
                    unreachable!("polled after it finished")
                };
                if let Poll::Ready(result) = f.as_mut().poll(cx) {
                    return Poll::Ready(result);
                }
                left -= 1;
                if left == 0 {
                    // Dropped mid-way, as `select!` or `timeout` would.
                    future = None;
                    return Poll::Ready(Err(Error::Misuse("cancelled".into())));
                }
                Poll::Pending
            })
            .await
        }
        Sibling::Plain { yields: n } => {
            yields(n).await;
            insert(&db, id(index, 0)).await?;
            Ok(vec![id(index, 0)])
        }
        Sibling::Scope {
            rows,
            yields: pauses,
            fail_after,
            constraint,
            failing_child,
        } => {
            let outer = db.clone();
            outer
                .transaction(|tx| async move {
                    let mut kept = Vec::new();
                    for row in 1..=rows {
                        if fail_after == Some(row - 1) {
                            break;
                        }
                        yields(pauses[row - 1]).await;
                        insert(&tx, id(index, row)).await?;
                        kept.push(id(index, row));
                        if failing_child && row == 1 {
                            let child = tx
                                .transaction(|inner| async move {
                                    insert(&inner, id(index, 99)).await?;
                                    yields(1).await;
                                    Err::<(), _>(Error::Misuse(format!("child of {index}")))
                                })
                                .await;
                            assert!(matches!(&child, Err(Error::Misuse(m)) if *m == format!("child of {index}")));
                        }
                    }
                    match (fail_after, constraint) {
                        (None, _) => Ok(kept),
                        // A UNIQUE violation: this sibling's first row again.
                        (Some(_), true) => {
                            insert(&tx, id(index, 1)).await?;
                            insert(&tx, id(index, 1)).await?;
                            unreachable!("the second insert violates the primary key")
                        }
                        (Some(_), false) => Err(Error::Misuse(format!("sibling {index} failed"))),
                    }
                })
                .await
        }
    }
}

/// Polls every future in order until all are done (a `join!` of any length).
async fn join_all<T>(futures: Vec<Pin<Box<dyn Future<Output = T> + Send + '_>>>) -> Vec<T> {
    let mut futures: Vec<_> = futures.into_iter().map(Some).collect();
    let mut out: Vec<Option<T>> = futures.iter().map(|_| None).collect();
    poll_fn(|cx| {
        for (slot, future) in out.iter_mut().zip(futures.iter_mut()) {
            if let Some(f) = future {
                if let Poll::Ready(value) = f.as_mut().poll(cx) {
                    *slot = Some(value);
                    *future = None;
                }
            }
        }
        if futures.iter().all(Option::is_none) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    })
    .await;
    out.into_iter().flatten().collect()
}

async fn check(plans: Vec<Sibling>, outer_fails: bool) {
    let dir = tempfile::tempdir().unwrap();
    let db = with_schema(larder::Db::builder().file(dir.path().join("s.db"))).await;
    let _ = SCHEMA;
    let results = db
        .transaction(|tx| {
            let plans = plans.clone();
            async move {
                let futures = plans
                    .into_iter()
                    .enumerate()
                    .map(|(i, plan)| {
                        Box::pin(run((*tx).clone(), i, plan))
                            as Pin<Box<dyn Future<Output = _> + Send>>
                    })
                    .collect();
                let results = join_all(futures).await;
                if outer_fails {
                    return Err(Error::Misuse("outer failed".into()));
                }
                Ok(results)
            }
        })
        .await;
    let mut expected: Vec<i64> = Vec::new();
    match results {
        Err(Error::Misuse(m)) if outer_fails && m == "outer failed" => {}
        Err(other) => panic!("the outer transaction failed with {other}"),
        Ok(results) => {
            for (index, (plan, result)) in plans.iter().zip(results).enumerate() {
                match (plan, result) {
                    (_, Ok(ids)) => expected.extend(ids),
                    (
                        Sibling::Scope {
                            fail_after: Some(_),
                            constraint: true,
                            ..
                        },
                        Err(Error::Sql { cause: source, .. }),
                    ) => {
                        assert!(
                            source.to_string().contains("UNIQUE constraint failed"),
                            "sibling {index}: {source}"
                        );
                    }
                    (
                        Sibling::Scope {
                            fail_after: Some(_),
                            constraint: false,
                            ..
                        },
                        Err(Error::Misuse(m)),
                    ) => {
                        assert_eq!(m, format!("sibling {index} failed"));
                    }
                    (Sibling::Cancelled { .. }, Err(Error::Misuse(m))) if m == "cancelled" => {}
                    (plan, Err(error)) => panic!("sibling {index} ({plan:?}) failed with {error}"),
                }
            }
        }
    }
    expected.sort_unstable();
    let stored: Vec<i64> = db
        .fetch_all("SELECT id FROM items ORDER BY id", &[])
        .await
        .unwrap();
    assert_eq!(stored, expected, "plans {plans:?}");
    let stats = db.pool_stats();
    assert_eq!(stats.in_use, 0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn sibling_scopes_each_keep_all_or_nothing(
        plans in proptest::collection::vec(sibling(), 2..5),
        outer_fails in proptest::bool::weighted(0.1),
    ) {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(check(plans, outer_fails));
    }
}

/// The example of the issue: two `#[batch]`-like scopes under `join!`, the first failing.
#[tokio::test]
async fn a_failing_scope_beside_a_good_one_under_join_undoes_only_itself() {
    check(
        vec![
            Sibling::Scope {
                rows: 3,
                yields: vec![1, 1, 1, 0, 0],
                fail_after: Some(3),
                constraint: false,
                failing_child: false,
            },
            Sibling::Scope {
                rows: 4,
                yields: vec![0, 1, 0, 1, 0],
                fail_after: None,
                constraint: false,
                failing_child: false,
            },
            Sibling::Plain { yields: 1 },
        ],
        false,
    )
    .await;
}
