//! Without a schema the engine cannot see the columns of a table, but the lexer counts the
//! SELECT list: a scalar from two columns is still caught.
struct Store {
    db: larder::Db,
}

#[larder::storage(schema = false)]
impl Store {
    #[prepared("SELECT id, body FROM runtime_notes WHERE id = ?1")]
    async fn note(&self, id: i64) -> larder::Result<Option<String>>;
}

fn main() {}
