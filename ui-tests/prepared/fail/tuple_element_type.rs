//! A tuple element that cannot read its column: the second column is `qty INTEGER`.
struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT name, qty FROM items WHERE id = ?1")]
    async fn pair(&self, id: i64) -> larder::Result<Option<(String, String)>>;
}

fn main() {}
