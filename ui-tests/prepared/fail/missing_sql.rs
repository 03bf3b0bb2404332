struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared]
    async fn one(&self) -> larder::Result<i64>;
}

fn main() {}
