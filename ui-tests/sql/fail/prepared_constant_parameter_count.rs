//! The constant has one placeholder; the method, two parameters.
#[larder::sql_const]
const ITEM: &str = "SELECT name FROM items WHERE id = :id";

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared(ITEM)]
    async fn name(&self, id: i64, qty: i64) -> larder::Result<Option<String>>;
}

fn main() {}
