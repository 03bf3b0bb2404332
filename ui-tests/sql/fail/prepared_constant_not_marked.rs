//! A plain `&str` constant has no checked companion: mark it `#[larder::sql_const]`.
const ITEM: &str = "SELECT name FROM items WHERE id = ?1";

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared(ITEM)]
    async fn name(&self, id: i64) -> larder::Result<Option<String>>;
}

fn main() {}
