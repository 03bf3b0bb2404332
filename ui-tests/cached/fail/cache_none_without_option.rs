struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT count(*) FROM items")]
    #[cached_query(cache_none = false)]
    async fn count(&self) -> larder::Result<i64>;
}

fn main() {}
