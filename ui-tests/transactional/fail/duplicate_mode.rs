struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[transactional(mode = "deferred", mode = "immediate")]
    async fn clear(&self) -> larder::Result<()> {
        Ok(())
    }
}

fn main() {}
