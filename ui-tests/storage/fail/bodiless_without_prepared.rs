struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    async fn one(&self) -> cachet::Result<i64>;
}

fn main() {}
