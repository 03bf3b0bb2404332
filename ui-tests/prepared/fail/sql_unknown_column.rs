//! A column the table does not have.
struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("UPDATE items SET quantity = ?2 WHERE id = ?1")]
    async fn restock(&self, id: i64, qty: i64) -> cachet::Result<u64>;
}

fn main() {}
