struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[batch]
    #[transactional]
    async fn clear(&self) -> larder::Result<()> {
        Ok(())
    }
}

fn main() {}
