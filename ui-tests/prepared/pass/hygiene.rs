//! The expansion uses absolute paths only: it compiles warning-free under strict lints with the
//! prelude's names shadowed.
#![deny(warnings, clippy::all, unused_qualifications, unused_results)]
#![allow(dead_code)]



struct Ok;
struct Err;
struct Some;
struct None;
mod core {}
mod std {}
macro_rules! vec {
    () => {};
}

struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    /// Docs and other attributes are kept.
    #[prepared("SELECT :a + :b")]
    #[inline]
    async fn add(&self, a: i64, b: i64) -> larder::Result<i64>;

    #[prepared("SELECT 1 WHERE 0")]
    async fn none(&self) -> larder::Result<Option<i64>>;

    #[prepared("CREATE TABLE IF NOT EXISTS t (x)")]
    async fn create(&self) -> larder::Result<()>;
}

fn main() {
    vec!();
}
