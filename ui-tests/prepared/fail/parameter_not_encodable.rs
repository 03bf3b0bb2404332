struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("SELECT name FROM items WHERE id = ?1")]
    async fn name(&self, id: std::time::Duration) -> cachet::Result<Option<String>>;
}

fn main() {}
