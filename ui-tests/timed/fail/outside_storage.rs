use larder::timed;

struct Store {
    db: larder::Db,
}

impl Store {
    #[timed(name = "store.one")]
    async fn one(&self) -> larder::Result<i64> {
        let _ = &self.db;
        Ok(1)
    }
}

fn main() {}
