struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[cached_query]
    #[batch]
    async fn both(&self) -> cachet::Result<i64> {
        Ok(1)
    }
}

fn main() {}
