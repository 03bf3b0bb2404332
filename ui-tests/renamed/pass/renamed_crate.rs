//! Every macro, with the runtime reached as `::pantry` (the dependency renamed in Cargo.toml):
//! `#[storage(crate = ...)]` for the methods, `#[larder(crate = ...)]` for the derive,
//! `crate = ...` for checked SQL constants. Run, not only compiled: the generated code works.
#![forbid(unsafe_code)]
#![deny(warnings)]

#[derive(pantry::FromRow, Clone, Debug, PartialEq)]
#[larder(crate = "::pantry")]
struct Item {
    id: i64,
    name: String,
}

#[pantry::sql_const(crate = "::pantry")]
const BY_NAME: &str = "SELECT id, name FROM items WHERE name = ?1";

const COUNT: pantry::Sql = pantry::sql!(crate = "::pantry", "SELECT count(*) FROM items");

struct Store {
    db: pantry::Db,
}

#[pantry::storage(crate = "::pantry")]
impl Store {
    #[prepared("INSERT INTO items (name) VALUES (?1)")]
    async fn insert(&self, name: &str) -> pantry::Result<u64>;

    #[prepared("SELECT id, name FROM items WHERE id = ?1")]
    #[cached_query(ttl_adaptive)]
    async fn item(&self, id: i64) -> pantry::Result<Option<Item>>;

    #[prepared(BY_NAME)]
    async fn by_name(&self, name: &str) -> pantry::Result<Option<Item>>;

    #[batch]
    #[invalidates(item)]
    async fn insert_two(&self, a: &str, b: &str) -> pantry::Result<()> {
        self.insert(a).await?;
        self.insert(b).await?;
        Ok(())
    }

    #[timed]
    async fn count(&self) -> pantry::Result<i64> {
        self.db.fetch_one(&COUNT, &[]).await
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let db = pantry::Db::memory().await.unwrap();
        db.execute_batch(include_str!("../../schema.sql")).await.unwrap();
        let store = Store { db };
        store.insert_two("a", "b").await.unwrap();
        let a = Item { id: 1, name: "a".into() };
        assert_eq!(store.item(1).await.unwrap(), Some(a));
        assert_eq!(store.by_name("b").await.unwrap().map(|i| i.id), Some(2));
        assert_eq!(store.count().await.unwrap(), 2);
    });
}
