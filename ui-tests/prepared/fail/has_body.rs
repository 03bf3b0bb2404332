struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT 1")]
    async fn one(&self) -> larder::Result<i64> {
        Ok(1)
    }
}

fn main() {}
