struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("SELECT ?1 + ?2")]
    async fn sum(&self, (a, b): (i64, i64)) -> cachet::Result<i64>;
}

fn main() {}
