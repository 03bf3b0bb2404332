struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[transactional(mod = "deferred")]
    async fn clear(&self) -> larder::Result<()> {
        Ok(())
    }
}

fn main() {}
