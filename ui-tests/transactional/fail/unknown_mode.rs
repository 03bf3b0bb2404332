struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[transactional(mode = "serializable")]
    async fn clear(&self) -> larder::Result<()> {
        Ok(())
    }
}

fn main() {}
