//! An argument that is not `name = value` at all: the error lists the names there are.

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT name FROM items WHERE id = ?1")]
    #[cached_query("30s")]
    async fn name(&self, id: i64) -> larder::Result<Option<String>>;
}

fn main() {}
