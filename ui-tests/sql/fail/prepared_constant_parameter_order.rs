//! Named placeholders of a constant bind by position: their names must match the parameters'.
#[cachet::sql_const]
const RENAME: &str = "UPDATE items SET name = :name WHERE id = :id";

struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared(RENAME)]
    async fn rename(&self, id: i64, name: &str) -> cachet::Result<u64>;
}

fn main() {}
