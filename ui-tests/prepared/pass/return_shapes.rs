//! Every return shape, the custom error type form, and the `db = path` argument.
use larder::FromRow;

#[derive(FromRow)]
pub struct Item {
    pub id: i64,
    pub name: String,
}

#[derive(Debug)]
pub struct AppError;

impl From<larder::Error> for AppError {
    fn from(_: larder::Error) -> Self {
        AppError
    }
}

pub struct Inner {
    pub db: larder::Db,
}

pub struct Store {
    pub inner: Inner,
}

#[larder::storage(db = inner.db)]
impl Store {
    #[prepared("SELECT id, name FROM items WHERE id = ?1")]
    pub async fn optional(&self, id: i64) -> larder::Result<Option<Item>>;

    #[prepared("SELECT id, name FROM items")]
    pub async fn all(&self) -> larder::Result<Vec<Item>>;

    #[prepared("SELECT id, name FROM items WHERE id = ?1")]
    pub async fn one(&self, id: i64) -> Result<Item, AppError>;

    #[prepared("SELECT name FROM items")]
    pub async fn scalars(&self) -> larder::Result<Vec<String>>;

    #[prepared("SELECT count(*) FROM items")]
    pub async fn count(&self) -> larder::Result<u64>;

    #[prepared("DELETE FROM items WHERE id = ?1")]
    pub async fn delete(&self, id: i64) -> larder::Result<u64>;

    #[prepared("UPDATE items SET name = ?2 WHERE id = ?1")]
    pub async fn rename(&self, id: i64, name: &str) -> std::result::Result<(), AppError>;

    #[prepared("INSERT INTO items (name) VALUES (?1) RETURNING id")]
    pub async fn insert(&self, name: String) -> larder::Result<i64>;

    #[prepared("PRAGMA user_version")]
    pub async fn version(&self) -> larder::Result<i64>;
}

fn main() {}
