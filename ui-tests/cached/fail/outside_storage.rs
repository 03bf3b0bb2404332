use cachet::cached_query;

struct Store {
    db: cachet::Db,
}

impl Store {
    #[cached_query(ttl = "30s")]
    async fn answer(&self) -> cachet::Result<i64> {
        let _ = &self.db;
        Ok(42)
    }
}

fn main() {}
