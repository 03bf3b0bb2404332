//! Opening a [`Db`]: check the builder's options, open the target's database, assemble the pool
//! and registries, probe one connection, and start an embedded replica's syncing.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Arc;
use std::time::Duration;

use super::builder::{DbBuilder, Target};
use super::{Db, DbInner};
use crate::cache::watch::Watch;
use crate::cache::CacheRegistry;
use crate::conn::pool::{Connection, ConnectionSetup, Connector, LocalSetup, Pool};
use crate::conn::statement::StatementRegistry;
use crate::error::{Error, Result};
use crate::metrics::MetricsRegistry;

/// Unique names for `Db::memory()` databases, so two `Db`s never share one.
static NEXT_MEMORY_DB: AtomicU64 = AtomicU64::new(0);

/// A target's database, opened but not yet connected to.
struct Opened {
    database: libsql::Database,
    /// The target as messages show it.
    name: String,
    /// Local databases: how each connection is set up; `None` for remote ones.
    local: Option<LocalSetup>,
}

impl DbBuilder {
    /// Opens the database and checks that one connection can be made.
    ///
    /// # Errors
    /// [`Error::Config`] when no target, a zero pool size or a zero timeout was given, or an
    /// option does not apply to the target; [`Error::Connect`] when the database cannot be opened.
    ///
    /// ```
    /// # async fn demo() -> larder::Result<()> {
    /// let db = larder::Db::builder().memory().pool_size(2).open().await?;
    /// assert_eq!(db.pool_stats().max_size, 2);
    /// # Ok(()) }
    /// # tokio::runtime::Runtime::new().unwrap().block_on(demo()).unwrap();
    /// ```
    pub async fn open(self) -> Result<Db> {
        let target = self.checked_target()?;
        let pool_size = match self.pool_size {
            Some(0) => return Err(Error::Config("pool_size must be at least 1".into())),
            Some(n) if n > MAX_POOL_SIZE => {
                return Err(Error::Config(format!(
                    "pool_size {n} is more connections than a database can use (at most \
                     {MAX_POOL_SIZE}); SQLite runs one writer at a time, and a few connections \
                     per core serve reads"
                )))
            }
            Some(n) => n,
            None => default_pool_size(),
        };
        let opened = self.open_target(&target).await?;
        let request_timeout = match opened.local {
            Some(_) => None,
            None => Some(self.request_timeout.unwrap_or(Duration::from_secs(30))),
        };
        let statements = StatementRegistry::default();
        let busy_timeout = self.busy_timeout.unwrap_or(Duration::from_secs(5));
        let connector = Connector {
            database: opened.database,
            target: opened.name.clone(),
            setup: ConnectionSetup {
                local: opened.local,
                statement_capacity: self.statement_capacity.unwrap_or(64),
                request_timeout,
                busy_timeout,
                replica: target.is_replica(),
            },
            held: statements.held(),
        };
        let watch = match (self.watch, &connector.setup.local) {
            (Some(interval), Some(_)) => Some(Watch::new(connector.connect().await?, interval)),
            _ => None,
        };
        let keeper = match target {
            Target::Memory => Some(connector.connect().await?),
            _ => None,
        };
        let db = Db {
            inner: Arc::new(DbInner {
                pool: Arc::new(Pool::new(connector, pool_size)),
                statements,
                acquire_timeout: self.acquire_timeout.unwrap_or(Duration::from_secs(5)),
                busy_timeout,
                // WAL file databases: a read never meets SQLITE_BUSY.
                reads_never_busy: matches!(target, Target::File(_)) && !self.read_only,
                remote: !matches!(target, Target::File(_) | Target::Memory) && !target.is_replica(),
                caches: CacheRegistry::new(self.max_staleness),
                metrics: MetricsRegistry::default(),
                #[cfg(feature = "tracing")]
                trace_level: self.trace_level,
                watch,
                #[cfg(feature = "remote")]
                request_timeout,
                #[cfg(feature = "remote")]
                replica: self.replica_state(&target),
                target: opened.name,
                _keeper: keeper,
            }),
        };
        probe(&db).await?;
        self.start_replica(&db).await?;
        if let Some(migrator) = self.migrator {
            db.migrate(migrator).await?;
        }
        Ok(db)
    }

    /// The target, once the options are known to fit it.
    fn checked_target(&self) -> Result<Target> {
        let target = self.target.clone().ok_or_else(|| {
            Error::Config(
                "no database chosen: call `.file(path)`, `.memory()`, `.remote(url, token)` \
                 or `.replica(path, url, token)`"
                    .into(),
            )
        })?;
        if self.request_timeout == Some(Duration::ZERO) {
            return Err(Error::Config(
                "request_timeout must be longer than zero: every request would time out".into(),
            ));
        }
        self.check_replica_options(&target)?;
        Ok(target)
    }

    async fn open_target(&self, target: &Target) -> Result<Opened> {
        let local = LocalSetup {
            wal: matches!(target, Target::File(_)) && !self.read_only,
            synchronous: self.synchronous.pragma(),
        };
        match target {
            Target::File(path) => {
                let name = path.display().to_string();
                missing_directory(path, &name)?;
                Ok(Opened {
                    database: local_database(path.as_os_str(), &name, self.read_only).await?,
                    name,
                    local: Some(local),
                })
            }
            Target::Memory => {
                let n = NEXT_MEMORY_DB.fetch_add(1, Relaxed);
                // `:memory:` would give each connection its own database; the memdb VFS shares one
                // by name, with normal locking (busy timeout applies, unlike shared-cache mode).
                let name = format!("file:/larder-{}-{n}?vfs=memdb", std::process::id());
                Ok(Opened {
                    database: local_database(name.as_ref(), &name, self.read_only).await?,
                    name,
                    local: Some(local),
                })
            }
            #[cfg(feature = "remote")]
            Target::Remote { .. } | Target::Replica { .. } => remote::open(target).await,
        }
    }
}

/// Fails now, with the target in the message, rather than at the first query. A remote
/// connection is lazy: only a statement reaches the server.
async fn probe(db: &Db) -> Result<()> {
    let mut pooled = db.acquire().await?;
    let conn = pooled.get();
    if conn.remote {
        let target = &db.inner.target;
        let probe = async {
            conn.conn
                .query("SELECT 1", ())
                .await
                .map_err(|source| Error::Connect {
                    target: target.clone(),
                    cause: source,
                })
        };
        Connection::bounded(conn.request_timeout, &conn.broken, "open", probe).await?;
    }
    Ok(())
}

/// SQLite creates a database file but not the directories above it, and says only "unable to
/// open" (code 14): say which directory is missing.
fn missing_directory(path: &std::path::Path, name: &str) -> Result<()> {
    let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) else {
        return Ok(());
    };
    if parent.is_dir() {
        return Ok(());
    }
    Err(Error::Connect {
        target: name.to_owned(),
        cause: libsql::Error::ConnectionFailed(format!(
            "the directory `{}` does not exist (SQLite creates the database file, not the \
             directories above it); create it first",
            parent.display()
        )),
    })
}

async fn local_database(
    path: &std::ffi::OsStr,
    name: &str,
    read_only: bool,
) -> Result<libsql::Database> {
    let flags = if read_only {
        libsql::OpenFlags::SQLITE_OPEN_READ_ONLY
    } else {
        libsql::OpenFlags::default()
    };
    libsql::Builder::new_local(path)
        .flags(flags)
        .build()
        .await
        .map_err(|source| Error::Connect {
            target: name.to_owned(),
            cause: source,
        })
}

/// The most connections one pool may hold (far beyond any useful size, far below what the
/// semaphore and the open-file limit can take).
const MAX_POOL_SIZE: usize = 1024;

fn default_pool_size() -> usize {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    (cores * 2).clamp(2, 16)
}

/// Feature `remote`: remote databases and embedded replicas.
#[cfg(feature = "remote")]
mod remote {
    use std::sync::Arc;
    use std::time::Duration;

    use super::{Opened, Target};
    use crate::db::builder::DbBuilder;
    use crate::db::replica::Replica;
    use crate::db::Db;
    use crate::error::{Error, Result};

    impl DbBuilder {
        /// `sync_interval` and `read_your_writes` are replica options, and a zero interval
        /// would never wait.
        pub(super) fn check_replica_options(&self, target: &Target) -> Result<()> {
            if self.sync_interval == Some(Duration::ZERO) {
                return Err(Error::Config(
                    "sync_interval must be longer than zero; leave it unset to sync only on \
                     `Db::sync` and after writes"
                        .into(),
                ));
            }
            if !matches!(target, Target::Replica { .. })
                && (self.sync_interval.is_some() || self.read_your_writes.is_some())
            {
                return Err(Error::Config(
                    "`sync_interval` and `read_your_writes` apply to embedded replicas only: \
                     open with `.replica(path, url, token)`"
                        .into(),
                ));
            }
            Ok(())
        }

        /// An embedded replica's sync state; `None` for other targets.
        pub(super) fn replica_state(&self, target: &Target) -> Option<Replica> {
            match target {
                Target::Replica { url, .. } => Some(Replica::new(
                    url.clone(),
                    self.read_your_writes.unwrap_or(true),
                )),
                _ => None,
            }
        }

        /// The local copy starts where the primary is (an unreachable primary fails here), then
        /// syncs every `sync_interval` if one was given.
        pub(super) async fn start_replica(&self, db: &Db) -> Result<()> {
            let Some(replica) = &db.inner.replica else {
                return Ok(());
            };
            db.sync().await.map_err(|error| match error {
                Error::Sync {
                    target,
                    cause: source,
                } => Error::Connect {
                    target,
                    cause: source,
                },
                other => other,
            })?;
            if let Some(interval) = self.sync_interval {
                replica.start_background(Arc::downgrade(&db.inner), interval)?;
            }
            Ok(())
        }
    }

    /// Opens a `Remote` or `Replica` target (the caller matched one).
    pub(super) async fn open(target: &Target) -> Result<Opened> {
        let connect_error = |url: &str| {
            let target = url.to_owned();
            move |source| Error::Connect {
                target,
                cause: source,
            }
        };
        match target {
            Target::Remote { url, token } => Ok(Opened {
                database: libsql::Builder::new_remote(url.clone(), token.clone())
                    .build()
                    .await
                    .map_err(connect_error(url))?,
                name: url.clone(),
                local: None,
            }),
            Target::Replica { path, url, token } => Ok(Opened {
                // libSQL's own `read_your_writes` and `sync_interval` stay off: they would change
                // the local copy where larder cannot see it (see `replica`).
                database: libsql::Builder::new_remote_replica(
                    path.clone(),
                    url.clone(),
                    token.clone(),
                )
                .read_your_writes(false)
                .build()
                .await
                .map_err(connect_error(url))?,
                name: format!("{} (replica of {url})", path.display()),
                local: None,
            }),
            Target::File(_) | Target::Memory => unreachable!("`open_target` opens local targets"),
        }
    }
}

/// Without feature `remote`: the twin of `remote`, for targets that are all local.
#[cfg(not(feature = "remote"))]
mod remote {
    use super::Target;
    use crate::db::builder::DbBuilder;
    use crate::db::Db;
    use crate::error::Result;

    impl DbBuilder {
        /// No replica options exist without the feature.
        pub(super) fn check_replica_options(&self, _target: &Target) -> Result<()> {
            Ok(())
        }

        /// No replica to start.
        pub(super) async fn start_replica(&self, _db: &Db) -> Result<()> {
            Ok(())
        }
    }
}
