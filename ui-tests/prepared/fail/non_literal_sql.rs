const QUERY: &str = "SELECT 1";

struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared(QUERY)]
    async fn one(&self) -> cachet::Result<i64>;
}

fn main() {}
