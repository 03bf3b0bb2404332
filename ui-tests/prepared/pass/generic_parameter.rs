//! A generic parameter type is fine: each value is encoded where it is bound. A generic row type
//! too (the compile-time column check is skipped: a `const` item cannot name `R`; the columns are
//! checked at run time).
#![deny(warnings)]

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT name FROM items WHERE id = ?1")]
    async fn name<T: larder::Encode + Sync>(&self, id: T) -> larder::Result<Option<String>>;

    #[prepared("SELECT id, name FROM items")]
    async fn rows<R: larder::FromRow + Send>(&self) -> larder::Result<Vec<R>>;
}

fn main() {}
