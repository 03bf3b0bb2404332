struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[timed(name = "")]
    async fn one(&self) -> cachet::Result<i64> {
        let _ = &self.db;
        Ok(1)
    }
}

fn main() {}
