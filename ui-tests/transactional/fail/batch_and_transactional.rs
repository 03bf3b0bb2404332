struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[batch]
    #[transactional]
    async fn clear(&self) -> cachet::Result<()> {
        Ok(())
    }
}

fn main() {}
