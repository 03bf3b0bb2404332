struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[transactional]
    async fn clear() -> cachet::Result<()> {
        Ok(())
    }
}

fn main() {}
