struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[transactional(mod = "deferred")]
    async fn clear(&self) -> cachet::Result<()> {
        Ok(())
    }
}

fn main() {}
