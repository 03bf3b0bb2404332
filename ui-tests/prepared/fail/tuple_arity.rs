//! A tuple reads one column per element.
struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("SELECT id, name, qty FROM items")]
    async fn all(&self) -> cachet::Result<Vec<(i64, String)>>;
}

fn main() {}
