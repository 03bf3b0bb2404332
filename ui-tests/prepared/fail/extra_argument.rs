struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT 1", ttl = "5s")]
    async fn one(&self) -> larder::Result<i64>;
}

fn main() {}
