use cachet::timed;

struct Store {
    db: cachet::Db,
}

impl Store {
    #[timed(name = "store.one")]
    async fn one(&self) -> cachet::Result<i64> {
        let _ = &self.db;
        Ok(1)
    }
}

fn main() {}
