//! A scalar return type that cannot read its column's declared type (`qty INTEGER`).
struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("SELECT qty FROM items")]
    async fn quantities(&self) -> cachet::Result<Vec<String>>;
}

fn main() {}
