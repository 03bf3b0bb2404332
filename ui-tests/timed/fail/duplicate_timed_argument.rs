struct Store {
    db: cachet::Db,
}

#[cachet::storage(timed = false, timed = true)]
impl Store {
    #[prepared("SELECT 1")]
    async fn one(&self) -> cachet::Result<i64>;
}

fn main() {}
