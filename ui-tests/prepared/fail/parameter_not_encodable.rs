struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT name FROM items WHERE id = ?1")]
    async fn name(&self, id: std::time::Duration) -> larder::Result<Option<String>>;
}

fn main() {}
