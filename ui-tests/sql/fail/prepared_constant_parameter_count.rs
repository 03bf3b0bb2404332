//! The constant has one placeholder; the method, two parameters.
#[cachet::sql_const]
const ITEM: &str = "SELECT name FROM items WHERE id = :id";

struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared(ITEM)]
    async fn name(&self, id: i64, qty: i64) -> cachet::Result<Option<String>>;
}

fn main() {}
