struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[timed]
    async fn one(&self) {
        let _ = &self.db;
    }
}

fn main() {}
