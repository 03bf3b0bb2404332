struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("SELECT name FROM items WHERE id = ?1")]
    #[cached_query]
    async fn name(&self, id: i64) -> cachet::Result<Option<String>>;

    #[prepared("UPDATE items SET name = ?2 WHERE id = ?1")]
    #[invalidates(name(item))]
    async fn rename(&self, id: i64, name: &str) -> cachet::Result<u64>;
}

fn main() {}
