//! A misspelt SQL function.
struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT lenght(name) FROM items WHERE id = ?1")]
    async fn name_length(&self, id: i64) -> larder::Result<Option<i64>>;
}

fn main() {}
