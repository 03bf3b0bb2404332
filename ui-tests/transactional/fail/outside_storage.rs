use cachet::batch;

struct Store {
    db: cachet::Db,
}

impl Store {
    #[batch]
    async fn clear(&self) -> cachet::Result<()> {
        let _ = &self.db;
        Ok(())
    }
}

fn main() {}
