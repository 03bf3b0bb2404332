struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT name FROM items WHERE note = ':id'")]
    async fn name(&self, id: i64) -> larder::Result<Vec<String>>;
}

fn main() {}
