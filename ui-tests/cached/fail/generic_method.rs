//! One cache per method holds one key type and one value type: no generic cached methods.
struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("SELECT name FROM items WHERE id = ?1")]
    #[cached_query]
    async fn name<T: cachet::Encode + Sync>(&self, id: T) -> cachet::Result<Option<String>>;
}

fn main() {}
