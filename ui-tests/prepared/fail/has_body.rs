struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("SELECT 1")]
    async fn one(&self) -> cachet::Result<i64> {
        Ok(1)
    }
}

fn main() {}
