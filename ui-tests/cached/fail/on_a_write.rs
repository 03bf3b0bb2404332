struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("DELETE FROM items WHERE id = ?1")]
    #[cached_query]
    async fn delete(&self, id: i64) -> larder::Result<u64>;
}

fn main() {}
