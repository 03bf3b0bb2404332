//! One cache per method holds one key type and one value type: no generic cached methods.
struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT name FROM items WHERE id = ?1")]
    #[cached_query]
    async fn name<T: larder::Encode + Sync>(&self, id: T) -> larder::Result<Option<String>>;
}

fn main() {}
