struct Store {
    db: larder::Db,
}

#[larder::storage(database = db)]
impl Store {
    #[prepared("SELECT 1")]
    async fn one(&self) -> larder::Result<i64>;
}

fn main() {}
