struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[transactional(mode = "serializable")]
    async fn clear(&self) -> cachet::Result<()> {
        Ok(())
    }
}

fn main() {}
