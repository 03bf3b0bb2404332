struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("SELECT name FROM items WHERE id = ?1")]
    #[cached_query(key = (item_id))]
    async fn name(&self, id: i64) -> cachet::Result<Option<String>>;
}

fn main() {}
