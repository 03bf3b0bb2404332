//! Errors that mean a remote connection's stream is gone: the server no longer knows it (it
//! restarted, or expired the stream after a pause), so every later request on the connection
//! fails the same way. Such a connection is closed instead of going back to the pool, the pool's
//! other idle connections with it (they belong to the same server), and a read runs once more
//! on a new connection (see `Db::fetch`).
//!
//! libSQL reports these as text only (its Hrana error types are private): sqld's messages for a
//! stream it cannot find, one it expired, or a baton it does not accept.

use crate::error::Error;

/// What sqld says when a request names a stream it no longer has (lower case).
const GONE: &[&str] = &[
    "invalid baton",
    "baton that has already been used",
    "stream for this baton was closed",
    "stream has expired",
    "stream_expired",
    "stream not found",
];

/// Whether `error` means the connection's stream is gone on the server.
pub(crate) fn stream_gone(error: &Error) -> bool {
    let source = match error {
        Error::Sql { cause: source, .. } | Error::Connect { cause: source, .. } => source,
        _ => return false,
    };
    if !matches!(source, libsql::Error::Hrana(_)) {
        return false;
    }
    let text = source.to_string().to_lowercase();
    GONE.iter().any(|gone| text.contains(gone))
}
