struct Store {
    db: String,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT 1")]
    async fn one(&self) -> larder::Result<i64>;
}

fn main() {}
