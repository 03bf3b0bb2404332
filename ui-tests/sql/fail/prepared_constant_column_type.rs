//! The row type's field types against the declared types of the constant's columns.
#[derive(larder::FromRow)]
struct Item {
    id: String,
    name: String,
}

#[larder::sql_const]
const ITEM: &str = "SELECT id, name FROM items WHERE id = ?1";

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared(ITEM)]
    async fn item(&self, id: i64) -> larder::Result<Option<Item>>;
}

fn main() {}
