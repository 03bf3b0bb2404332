struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT 1")]
    async fn one() -> larder::Result<i64>;
}

fn main() {}
