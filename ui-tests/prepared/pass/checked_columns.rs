//! Row types the engine checks against the statement's columns: a struct by name (renamed
//! field, case-insensitive match, `SELECT *`), scalars, tuples, RETURNING, views of the schema.
#![deny(warnings)]

#[derive(larder::FromRow)]
pub struct Item {
    pub id: i64,
    #[larder(rename = "qty")]
    pub quantity: i64,
    #[larder(rename = "NAME")]
    pub name: String,
}

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT * FROM items WHERE id = ?1")]
    async fn item(&self, id: i64) -> larder::Result<Option<Item>>;

    #[prepared("SELECT id, qty, name AS name FROM items")]
    async fn all(&self) -> larder::Result<Vec<Item>>;

    #[prepared("SELECT count(*) FROM items")]
    async fn count(&self) -> larder::Result<u64>;

    #[prepared("SELECT name, qty FROM items WHERE id = :id")]
    async fn pair(&self, id: i64) -> larder::Result<Option<(String, i64)>>;

    #[prepared("INSERT INTO items (name) VALUES (?1) RETURNING id")]
    async fn insert(&self, name: &str) -> larder::Result<i64>;

    #[prepared("DELETE FROM tags WHERE item = ?1")]
    async fn untag(&self, item: i64) -> larder::Result<u64>;
}

fn main() {}
