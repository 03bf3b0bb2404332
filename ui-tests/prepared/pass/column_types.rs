//! Field types the declared-type check accepts: what each Rust type reads, columns with no
//! declared type or one that stores several classes (NUMERIC, BLOB, none), expressions (no
//! declared type), CAST to change what a column is read as, `larder::Value`, and types of your
//! own, which are not checked unless their `Decode::READS` says what they read.
#![deny(warnings)]

use larder::{Decode, Value, ValueError};

/// A type of the user's own, unchecked (`READS` left at `ANY`).
pub struct Label(pub String);

impl Decode for Label {
    const TYPE_NAME: &'static str = "Label";

    fn decode(value: Value) -> Result<Self, ValueError> {
        String::decode(value).map(Label)
    }
}

#[derive(larder::FromRow)]
pub struct Item {
    pub id: f64,
    pub name: Label,
    pub qty: Value,
    pub note: Option<String>,
}

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT id, name, qty, note FROM items WHERE id = ?1")]
    async fn item(&self, id: i64) -> larder::Result<Option<Item>>;

    #[prepared("SELECT CAST(qty AS TEXT) FROM items")]
    async fn quantities(&self) -> larder::Result<Vec<String>>;

    #[prepared("SELECT x FROM t")]
    async fn untyped(&self) -> larder::Result<Vec<String>>;

    #[prepared("SELECT name || '!', qty * 1.5, name FROM items")]
    async fn expressions(&self) -> larder::Result<Vec<(String, f64, uuid::Uuid)>>;

    #[prepared("SELECT id FROM items")]
    async fn stamps(&self) -> larder::Result<Vec<chrono::DateTime<chrono::Utc>>>;
}

fn main() {}
