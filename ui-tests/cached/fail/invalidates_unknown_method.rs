struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT name FROM items WHERE id = ?1")]
    #[cached_query]
    async fn name(&self, id: i64) -> larder::Result<Option<String>>;

    #[prepared("UPDATE items SET name = ?2 WHERE id = ?1")]
    #[invalidates(names)]
    async fn rename(&self, id: i64, name: &str) -> larder::Result<u64>;
}

fn main() {}
