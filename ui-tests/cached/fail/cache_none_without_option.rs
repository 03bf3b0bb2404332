struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("SELECT count(*) FROM items")]
    #[cached_query(cache_none = false)]
    async fn count(&self) -> cachet::Result<i64>;
}

fn main() {}
