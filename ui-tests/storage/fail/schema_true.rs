//! `schema = true` says nothing: the schema is looked for by default.
struct Store {
    db: cachet::Db,
}

#[cachet::storage(schema = true)]
impl Store {
    #[prepared("SELECT 1")]
    async fn one(&self) -> cachet::Result<i64>;
}

fn main() {}
