//! A table the schema (ui-tests/schema.sql) does not have: named, with a suggestion.
struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT name FROM item WHERE id = ?1")]
    async fn name(&self, id: i64) -> larder::Result<Option<String>>;
}

fn main() {}
