struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("SELECT 1")]
    #[prepared("SELECT 2")]
    async fn one(&self) -> cachet::Result<i64>;
}

fn main() {}
