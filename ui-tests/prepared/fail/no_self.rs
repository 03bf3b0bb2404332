struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("SELECT 1")]
    async fn one() -> cachet::Result<i64>;
}

fn main() {}
