//! A statement whose kind the lexer cannot tell (PRAGMA): the engine says it returns columns.
struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("PRAGMA table_info(items)")]
    async fn columns(&self) -> larder::Result<()>;
}

fn main() {}
