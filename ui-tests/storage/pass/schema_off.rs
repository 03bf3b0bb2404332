//! `schema = false`: tables created at run time are not in any schema file, and statements on
//! them are checked for syntax only.
struct Store {
    db: larder::Db,
}

#[larder::storage(schema = false)]
impl Store {
    #[prepared("SELECT body FROM runtime_notes WHERE id = ?1")]
    async fn note(&self, id: i64) -> larder::Result<Option<String>>;
}

fn main() {}
