//! `#[timed]` in every form; `timed = false` on an impl; `&mut self` receivers.
#![deny(warnings, clippy::all)]

pub struct Store {
    db: larder::Db,
    calls: u32,
}

#[larder::storage]
impl Store {
    #[timed]
    pub async fn plain(&self) -> larder::Result<u32> {
        let _ = &self.db;
        Ok(1)
    }

    #[larder::timed(name = "store.counted")]
    pub async fn counted(&mut self) -> larder::Result<u32> {
        self.calls += 1;
        Ok(self.calls)
    }

    #[prepared("SELECT 1")]
    #[cached_query]
    pub async fn cached_and_timed(&mut self) -> larder::Result<i64>;
}

pub struct Quiet {
    db: larder::Db,
}

#[larder::storage(timed = false)]
impl Quiet {
    #[prepared("SELECT 1")]
    pub async fn one(&self) -> larder::Result<i64>;
}

fn main() {}
