//! The generated code compiles under the user's `forbid`: it contains no `#[allow(...)]`, which
//! a `forbid` turns into an error, and triggers none of these lints.
#![forbid(warnings, unused_imports, unused_variables, unused_qualifications, unused_results)]

#[derive(larder::FromRow, Clone, Debug)]
pub struct Item {
    pub id: i64,
    pub name: String,
}

pub struct Store {
    pub db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT id, name FROM items WHERE id = ?1")]
    #[cached_query]
    pub async fn item(&self, id: i64) -> larder::Result<Option<Item>>;

    #[prepared("SELECT id, name FROM items WHERE id IN (:ids)")]
    #[timed]
    pub async fn items(&self, ids: &[i64]) -> larder::Result<Vec<Item>>;

    #[prepared("UPDATE items SET name = ?2 WHERE id = ?1")]
    #[invalidates(item(id))]
    pub async fn rename(&self, id: i64, name: &str) -> larder::Result<u64>;

    #[prepared("INSERT INTO items (id, name) VALUES (?1, ?2)")]
    pub async fn insert(&self, id: i64, name: &str) -> larder::Result<()>;

    #[batch]
    pub async fn insert_all(&self, rows: &[(i64, String)]) -> larder::Result<()> {
        for (id, name) in rows {
            self.insert(*id, name).await?;
        }
        Ok(())
    }

    #[transactional]
    pub async fn both(&self, id: i64) -> larder::Result<Option<Item>> {
        let _ = self.rename(id, "x").await?;
        self.item(id).await
    }
}

fn main() {
    let _ = Store::item;
    let _ = Store::items;
    let _ = Store::insert_all;
    let _ = Store::both;
}
