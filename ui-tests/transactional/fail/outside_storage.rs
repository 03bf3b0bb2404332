use larder::batch;

struct Store {
    db: larder::Db,
}

impl Store {
    #[batch]
    async fn clear(&self) -> larder::Result<()> {
        let _ = &self.db;
        Ok(())
    }
}

fn main() {}
