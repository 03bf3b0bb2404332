//! `db = self.database`: the argument names the field.
struct Store {
    database: larder::Db,
}

#[larder::storage(db = self.database)]
impl Store {
    #[prepared("SELECT 1")]
    async fn one(&self) -> larder::Result<i64>;
}

fn main() {}
