struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[cached_query]
    #[batch]
    async fn both(&self) -> larder::Result<i64> {
        Ok(1)
    }
}

fn main() {}
