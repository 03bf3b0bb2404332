struct Store {
    db: larder::Db,
}

// A list binds as one JSON array: compared with `=` it would match nothing.
#[larder::storage]
impl Store {
    #[prepared("SELECT name FROM items WHERE id = :ids")]
    async fn names(&self, ids: &[i64]) -> larder::Result<Vec<String>>;
}

fn main() {}
