//! A storage impl mixes generated methods with ordinary items; lifetimes, generic impls and
//! visibility are kept.


pub trait HasName {
    fn name(&self) -> &str;
}

pub struct Store<T> {
    db: larder::Db,
    tag: T,
}

#[larder::storage]
impl<T: Send + Sync> Store<T> {
    pub const TABLE: &'static str = "items";

    #[prepared("SELECT count(*) FROM items WHERE name = ?1")]
    pub(crate) async fn count_named<'a>(&'a self, name: &'a str) -> larder::Result<i64>;

    pub fn tag(&self) -> &T {
        &self.tag
    }

    pub async fn count_tagged(&self) -> larder::Result<i64>
    where
        T: HasName,
    {
        self.count_named(self.tag.name()).await
    }
}

fn main() {}
