//! An INSERT whose VALUES do not match its column list.
struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("INSERT INTO items (name, qty) VALUES (?1)")]
    async fn insert(&self, name: &str) -> larder::Result<()>;
}

fn main() {}
