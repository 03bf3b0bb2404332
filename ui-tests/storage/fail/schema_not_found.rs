//! `schema = "..."` naming nothing.
struct Store {
    db: larder::Db,
}

#[larder::storage(schema = "db/nowhere.sql")]
impl Store {
    #[prepared("SELECT 1")]
    async fn one(&self) -> larder::Result<i64>;
}

fn main() {}
