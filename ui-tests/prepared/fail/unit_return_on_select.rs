struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("SELECT id FROM items")]
    async fn ids(&self) -> cachet::Result<()>;
}

fn main() {}
