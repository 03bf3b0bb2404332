//! `SELECT *` over a join whose tables share column names: a field read by name could read the
//! other table's column, so it is a compile error naming the columns.
#[derive(larder::FromRow)]
struct Item {
    id: i64,
    name: String,
}

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT * FROM items JOIN items AS other ON other.qty = items.id")]
    async fn pairs(&self) -> larder::Result<Vec<Item>>;
}

fn main() {}
