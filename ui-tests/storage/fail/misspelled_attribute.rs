//! Misspelled larder attributes inside `#[storage]`.
struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepare("SELECT 1")]
    async fn one(&self) -> larder::Result<i64>;

    #[prepared("SELECT name FROM items WHERE id = ?1")]
    #[cache_query]
    async fn name(&self, id: i64) -> larder::Result<Option<String>>;

    #[transaction]
    async fn both(&self) -> larder::Result<()> {
        Ok(())
    }
}

fn main() {}
