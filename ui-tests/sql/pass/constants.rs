//! Checked SQL constants: `sql!` values, `#[sql_const]` constants (here and in a module) and
//! `#[prepared(CONSTANT)]` methods reading them, cached or not.
#![deny(warnings)]

#[derive(larder::FromRow, Clone)]
pub struct Item {
    pub id: i64,
    pub name: String,
}

#[larder::sql_const]
const ITEM: &str = "SELECT id, name FROM items WHERE id = :id";

mod queries {
    #[larder::sql_const]
    pub const RENAME: &str = "UPDATE items SET name = ?2 WHERE id = ?1";

    #[larder::sql_const]
    pub const COUNT: &str = "SELECT count(*) FROM items";
}

const ADD: larder::Sql = larder::sql!("SELECT ?1 + ?2 AS sum");
const _: () = assert!(ADD.param_count() == 2);
const _: () = assert!(ITEM_SQL.param_count() == 1);
const _: () = assert!(queries::COUNT_SQL.is_read_only());

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared(ITEM)]
    #[cached_query]
    async fn item(&self, id: i64) -> larder::Result<Option<Item>>;

    #[prepared(queries::RENAME)]
    async fn rename(&self, id: i64, name: &str) -> larder::Result<u64>;

    #[prepared(queries::COUNT)]
    async fn count(&self) -> larder::Result<u64>;
}

fn main() {
    let text: &str = ITEM;
    let sum: &str = &ADD;
    assert!(text.starts_with("SELECT") && sum.contains("?1"));
}
