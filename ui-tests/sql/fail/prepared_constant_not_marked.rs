//! A plain `&str` constant has no checked companion: mark it `#[cachet::sql_const]`.
const ITEM: &str = "SELECT name FROM items WHERE id = ?1";

struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared(ITEM)]
    async fn name(&self, id: i64) -> cachet::Result<Option<String>>;
}

fn main() {}
