struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT name FROM items WHERE id = :item_id")]
    async fn name(&self, id: i64) -> larder::Result<Option<String>>;
}

fn main() {}
