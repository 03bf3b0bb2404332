//! An INSERT whose VALUES do not match its column list.
struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("INSERT INTO items (name, qty) VALUES (?1)")]
    async fn insert(&self, name: &str) -> cachet::Result<()>;
}

fn main() {}
