//! The row type against the constant's columns.
#[derive(cachet::FromRow)]
struct Item {
    id: i64,
    label: String,
}

#[cachet::sql_const]
const ITEM: &str = "SELECT id, name FROM items WHERE id = ?1";

struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared(ITEM)]
    async fn item(&self, id: i64) -> cachet::Result<Option<Item>>;
}

fn main() {}
