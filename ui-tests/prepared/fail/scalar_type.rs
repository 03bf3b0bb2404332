//! A scalar return type that cannot read its column's declared type (`qty INTEGER`).
struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT qty FROM items")]
    async fn quantities(&self) -> larder::Result<Vec<String>>;
}

fn main() {}
