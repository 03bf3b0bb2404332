struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("SELECT name FROM items")]
    async fn names(&self) -> cachet::Result<&str>;
}

fn main() {}
