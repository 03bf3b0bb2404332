//! Fixtures shared by the criterion benchmarks in `benches/benches/`.

use larder::FromRow;

/// The row the point-query benchmarks read: three columns of the `episodes` table.
#[derive(FromRow, Debug, Clone)]
pub struct Episode {
    /// Primary key.
    pub id: i64,
    /// Free text.
    pub task: String,
    /// Nullable real.
    pub reward: Option<f64>,
}

/// Opens (creating) a WAL file database at `path` with 10 000 `episodes` rows, ids 1 to 10 000.
///
/// # Errors
/// What opening or filling the database reports.
pub async fn episodes_10k(path: &std::path::Path) -> larder::Result<larder::Db> {
    let db = larder::Db::open(path).await?;
    db.execute_batch(
        "CREATE TABLE episodes (id INTEGER PRIMARY KEY, task TEXT NOT NULL, reward REAL);
         WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
         INSERT INTO episodes SELECT i, 'task ' || i, i / 100.0 FROM n;",
    )
    .await?;
    Ok(db)
}

/// Ids `1, 2, …, keys, 1, 2, …`: each benchmark iteration reads the next key.
///
/// ```
/// let mut next = larder_benches::cycle(2);
/// assert_eq!([next(), next(), next()], [1, 2, 1]);
/// ```
pub fn cycle(keys: i64) -> impl FnMut() -> i64 {
    let mut id = 0;
    move || {
        id = id % keys + 1;
        id
    }
}
