//! Tuples read columns by position.
struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("SELECT id, name FROM items")]
    async fn pairs(&self) -> cachet::Result<Vec<(i64, String)>>;

    #[prepared("SELECT min(id), max(id), count(*) FROM items")]
    async fn stats(&self) -> cachet::Result<(Option<i64>, Option<i64>, i64)>;
}

fn main() {}
