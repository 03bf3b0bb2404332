struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT name FROM items WHERE id = ?1 AND qty > ?2")]
    async fn name(&self, id: i64) -> larder::Result<Option<String>>;
}

fn main() {}
