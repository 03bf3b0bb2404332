//! `#[timed]` in every form; `timed = false` on an impl; `&mut self` receivers.
#![deny(warnings, clippy::all)]

pub struct Store {
    db: cachet::Db,
    calls: u32,
}

#[cachet::storage]
impl Store {
    #[timed]
    pub async fn plain(&self) -> cachet::Result<u32> {
        let _ = &self.db;
        Ok(1)
    }

    #[cachet::timed(name = "store.counted")]
    pub async fn counted(&mut self) -> cachet::Result<u32> {
        self.calls += 1;
        Ok(self.calls)
    }

    #[prepared("SELECT 1")]
    #[cached_query]
    pub async fn cached_and_timed(&mut self) -> cachet::Result<i64>;
}

pub struct Quiet {
    db: cachet::Db,
}

#[cachet::storage(timed = false)]
impl Quiet {
    #[prepared("SELECT 1")]
    pub async fn one(&self) -> cachet::Result<i64>;
}

fn main() {}
