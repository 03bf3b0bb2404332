//! `#[prepared(CONSTANT)]` with a `sql!` value: the constant needs `#[larder::sql_const]`.
const TITLE: larder::Sql = larder::sql!("SELECT name FROM items WHERE id = ?1");

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared(TITLE)]
    async fn title(&self, id: i64) -> larder::Result<Option<String>>;
}

fn main() {}
