//! Connections and what lives on one: the connector, the pool, the per-connection statement
//! cache, the write log with the table generations it publishes to, the writer lane, the busy retry, the batch splitter, and the
//! connection a transaction holds. Knows nothing of `Db`, caches or metrics registries; uses
//! `util`, `types`, `stats` and `error`.

pub(crate) mod busy;
pub(crate) mod classify;
pub(crate) mod detached;
pub(crate) mod generations;
pub(crate) mod gone;
pub(crate) mod lane;
pub(crate) mod learn;
pub(crate) mod pool;
pub(crate) mod split;
pub(crate) mod statement;
pub(crate) mod tx_conn;
pub(crate) mod writes;
