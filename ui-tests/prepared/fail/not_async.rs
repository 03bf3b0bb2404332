struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("SELECT 1")]
    fn one(&self) -> cachet::Result<i64>;
}

fn main() {}
