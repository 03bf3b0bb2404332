struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[transactional(mode = "deferred", mode = "immediate")]
    async fn clear(&self) -> cachet::Result<()> {
        Ok(())
    }
}

fn main() {}
