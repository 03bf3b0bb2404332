struct Store {
    db: larder::Db,
}

#[larder::storage(db = db, db = db)]
impl Store {
    #[prepared("SELECT 1")]
    async fn one(&self) -> larder::Result<i64>;
}

fn main() {}
