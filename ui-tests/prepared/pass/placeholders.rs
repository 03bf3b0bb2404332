//! Every placeholder style, and text that only looks like placeholders.


struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("SELECT ?")]
    async fn anonymous(&self, a: i64) -> larder::Result<i64>;

    #[prepared("SELECT ?2, ?1")]
    async fn numbered(&self, a: i64, b: i64) -> larder::Result<Option<(i64, i64)>>;

    #[prepared("SELECT :a + @b + $c + :a")]
    async fn named(&self, c: i64, a: i64, b: i64) -> larder::Result<i64>;

    #[prepared("SELECT '?' || ':x' AS \"@y\" FROM items AS [$z] -- ?9\n /* :w */ WHERE ?1")]
    async fn quoted(&self, flag: bool) -> larder::Result<Option<String>>;

    #[prepared("SELECT 1;")]
    async fn trailing_semicolon(&self) -> larder::Result<i64>;
}

fn main() {}
