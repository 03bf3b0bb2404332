struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[transactional]
    async fn clear() -> larder::Result<()> {
        Ok(())
    }
}

fn main() {}
