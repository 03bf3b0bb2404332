struct Store {
    database: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("SELECT 1")]
    async fn one(&self) -> cachet::Result<i64>;
}

fn main() {
    let _ = |s: Store| s.database;
}
