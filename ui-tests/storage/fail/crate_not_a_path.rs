//! `crate = "..."` must hold the path the runtime is reachable by.

struct Store {
    db: larder::Db,
}

#[larder::storage(crate = "my larder")]
impl Store {
    #[prepared("SELECT count(*) FROM items")]
    async fn count(&self) -> larder::Result<i64>;
}

#[derive(larder::FromRow)]
#[larder(crate = "::larder", crate = "::larder")]
struct Item {
    id: i64,
}

#[derive(larder::FromRow)]
#[larder(rename = "items")]
struct Other {
    id: i64,
}

fn main() {}
