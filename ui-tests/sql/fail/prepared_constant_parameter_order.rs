//! Named placeholders of a constant bind by position: their names must match the parameters'.
#[larder::sql_const]
const RENAME: &str = "UPDATE items SET name = :name WHERE id = :id";

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared(RENAME)]
    async fn rename(&self, id: i64, name: &str) -> larder::Result<u64>;
}

fn main() {}
