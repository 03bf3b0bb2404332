struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT 'oops FROM items")]
    async fn oops(&self) -> larder::Result<Vec<String>>;
}

fn main() {}
