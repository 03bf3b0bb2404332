struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("SELECT name FROM items WHERE note = ':id'")]
    async fn name(&self, id: i64) -> cachet::Result<Vec<String>>;
}

fn main() {}
