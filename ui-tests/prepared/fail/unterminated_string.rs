struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("SELECT 'oops FROM items")]
    async fn oops(&self) -> cachet::Result<Vec<String>>;
}

fn main() {}
