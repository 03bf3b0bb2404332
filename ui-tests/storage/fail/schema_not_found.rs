//! `schema = "..."` naming nothing.
struct Store {
    db: cachet::Db,
}

#[cachet::storage(schema = "db/nowhere.sql")]
impl Store {
    #[prepared("SELECT 1")]
    async fn one(&self) -> cachet::Result<i64>;
}

fn main() {}
