//! A `FromRow` field whose column the statement does not return (`SELECT *` is expanded by the
//! engine, so the message lists the real columns).
#[derive(larder::FromRow)]
struct Item {
    id: i64,
    name: String,
    quantity: i64,
}

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT * FROM items WHERE id = ?1")]
    async fn item(&self, id: i64) -> larder::Result<Option<Item>>;
}

fn main() {}
