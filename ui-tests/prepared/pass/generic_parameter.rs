//! A generic parameter type is fine: each value is encoded where it is bound. A generic row type
//! too (the compile-time column check is skipped: a `const` item cannot name `R`; the columns are
//! checked at run time).
#![deny(warnings)]

struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("SELECT name FROM items WHERE id = ?1")]
    async fn name<T: cachet::Encode + Sync>(&self, id: T) -> cachet::Result<Option<String>>;

    #[prepared("SELECT id, name FROM items")]
    async fn rows<R: cachet::FromRow + Send>(&self) -> cachet::Result<Vec<R>>;
}

fn main() {}
