//! A constant that returns rows, on a method that returns `()`.
#[larder::sql_const]
const NAMES: &str = "SELECT name FROM items";

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared(NAMES)]
    async fn names(&self) -> larder::Result<()>;
}

fn main() {}
