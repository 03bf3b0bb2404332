struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared(concat!("SELECT ", "1"))]
    async fn one(&self) -> larder::Result<i64>;
}

fn main() {}
