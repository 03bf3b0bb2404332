//! A table the schema (ui-tests/schema.sql) does not have: named, with a suggestion.
struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("SELECT name FROM item WHERE id = ?1")]
    async fn name(&self, id: i64) -> cachet::Result<Option<String>>;
}

fn main() {}
