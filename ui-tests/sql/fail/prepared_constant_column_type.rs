//! The row type's field types against the declared types of the constant's columns.
#[derive(cachet::FromRow)]
struct Item {
    id: String,
    name: String,
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
