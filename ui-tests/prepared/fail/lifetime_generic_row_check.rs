//! An impl generic over lifetimes only is still checked: the row type can be named in the check.
#[derive(larder::FromRow)]
struct Item {
    id: i64,
    name: i64,
}

struct Store<'a> {
    db: &'a larder::Db,
}

#[larder::storage]
impl<'a> Store<'a> {
    #[prepared("SELECT id, name FROM items WHERE id = ?1")]
    async fn item(&self, id: i64) -> larder::Result<Option<Item>>;
}

fn main() {}
