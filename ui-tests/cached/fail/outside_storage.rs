use larder::cached_query;

struct Store {
    db: larder::Db,
}

impl Store {
    #[cached_query(ttl = "30s")]
    async fn answer(&self) -> larder::Result<i64> {
        let _ = &self.db;
        Ok(42)
    }
}

fn main() {}
