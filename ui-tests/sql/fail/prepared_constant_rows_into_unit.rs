//! A constant that returns rows, on a method that returns `()`.
#[cachet::sql_const]
const NAMES: &str = "SELECT name FROM items";

struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared(NAMES)]
    async fn names(&self) -> cachet::Result<()>;
}

fn main() {}
