use larder::prepared;

struct Store {
    db: larder::Db,
}

impl Store {
    #[prepared("SELECT 1")]
    async fn one(&self) -> larder::Result<i64> {
        let _ = &self.db;
        Ok(1)
    }
}

fn main() {}
