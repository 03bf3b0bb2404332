struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[timed]
    fn one(&self) -> larder::Result<i64> {
        let _ = &self.db;
        Ok(1)
    }
}

fn main() {}
