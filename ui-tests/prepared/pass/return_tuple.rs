//! Tuples read columns by position.
struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT id, name FROM items")]
    async fn pairs(&self) -> larder::Result<Vec<(i64, String)>>;

    #[prepared("SELECT min(id), max(id), count(*) FROM items")]
    async fn stats(&self) -> larder::Result<(Option<i64>, Option<i64>, i64)>;
}

fn main() {}
