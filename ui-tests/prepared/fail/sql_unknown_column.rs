//! A column the table does not have.
struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("UPDATE items SET quantity = ?2 WHERE id = ?1")]
    async fn restock(&self, id: i64, qty: i64) -> larder::Result<u64>;
}

fn main() {}
