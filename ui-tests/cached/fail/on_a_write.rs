struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("DELETE FROM items WHERE id = ?1")]
    #[cached_query]
    async fn delete(&self, id: i64) -> cachet::Result<u64>;
}

fn main() {}
