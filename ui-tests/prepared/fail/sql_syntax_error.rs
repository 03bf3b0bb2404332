//! The engine's syntax error, with a caret under the token it names.
struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("SELECT name, FROM items WHERE id = ?1")]
    async fn name(&self, id: i64) -> cachet::Result<Option<String>>;
}

fn main() {}
