//! `#[cached_query]` on a method whose constant writes.
#[larder::sql_const]
const TOUCH: &str = "UPDATE items SET qty = qty + 1 WHERE id = ?1 RETURNING qty";

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared(TOUCH)]
    #[cached_query]
    async fn touch(&self, id: i64) -> larder::Result<Option<i64>>;
}

fn main() {}
