//! A named placeholder with no parameter of that name: the closest one is suggested.
struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT id FROM items WHERE name = :nmae")]
    async fn by_name(&self, name: &str) -> larder::Result<Vec<i64>>;
}

fn main() {}
