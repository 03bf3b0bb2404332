//! `#[cached_query]` on a method whose constant writes.
#[cachet::sql_const]
const TOUCH: &str = "UPDATE items SET qty = qty + 1 WHERE id = ?1 RETURNING qty";

struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared(TOUCH)]
    #[cached_query]
    async fn touch(&self, id: i64) -> cachet::Result<Option<i64>>;
}

fn main() {}
