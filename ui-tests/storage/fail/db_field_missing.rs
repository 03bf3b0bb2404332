struct Store {
    database: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT 1")]
    async fn one(&self) -> larder::Result<i64>;
}

fn main() {
    let _ = |s: Store| s.database;
}
