struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("SELECT 1", ttl = "5s")]
    async fn one(&self) -> cachet::Result<i64>;
}

fn main() {}
