//! A `FromRow` field whose Rust type cannot read what the schema declares its column to hold:
//! `name` is declared `TEXT`, so SQLite stores text there, and `i64` reads only integers.
#[derive(larder::FromRow)]
struct Item {
    id: i64,
    name: i64,
}

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT id, name FROM items WHERE id = ?1")]
    async fn item(&self, id: i64) -> larder::Result<Option<Item>>;
}

fn main() {}
