//! `#[invalidates(method(arg))]` builds the key of `method` from `arg`: its type must give the
//! key type of `method` (`name` is keyed by an `i64`; `label` is text).
struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT name FROM items WHERE id = ?1")]
    #[cached_query]
    async fn name(&self, id: i64) -> larder::Result<Option<String>>;

    #[prepared("UPDATE items SET qty = qty + 1 WHERE name = ?1")]
    #[invalidates(name(label))]
    async fn restock(&self, label: &str) -> larder::Result<u64>;
}

fn main() {}
