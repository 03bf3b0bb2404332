use cachet::prepared;

struct Store {
    db: cachet::Db,
}

impl Store {
    #[prepared("SELECT 1")]
    async fn one(&self) -> cachet::Result<i64> {
        let _ = &self.db;
        Ok(1)
    }
}

fn main() {}
