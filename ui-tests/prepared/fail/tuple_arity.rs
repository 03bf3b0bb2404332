//! A tuple reads one column per element.
struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT id, name, qty FROM items")]
    async fn all(&self) -> larder::Result<Vec<(i64, String)>>;
}

fn main() {}
