struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT ?1 + ?2")]
    async fn sum(&self, (a, b): (i64, i64)) -> larder::Result<i64>;
}

fn main() {}
