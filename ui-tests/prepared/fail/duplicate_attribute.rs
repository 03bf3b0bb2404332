struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT 1")]
    #[prepared("SELECT 2")]
    async fn one(&self) -> larder::Result<i64>;
}

fn main() {}
