//! `schema = true` says nothing: the schema is looked for by default.
struct Store {
    db: larder::Db,
}

#[larder::storage(schema = true)]
impl Store {
    #[prepared("SELECT 1")]
    async fn one(&self) -> larder::Result<i64>;
}

fn main() {}
