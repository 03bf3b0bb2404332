struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    async fn one(&self) -> larder::Result<i64>;
}

fn main() {}
