struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared(concat!("SELECT ", "1"))]
    async fn one(&self) -> cachet::Result<i64>;
}

fn main() {}
