struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[timed]
    async fn one(&self) {
        let _ = &self.db;
    }
}

fn main() {}
