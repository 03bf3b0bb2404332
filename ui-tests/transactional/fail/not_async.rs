struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[batch]
    fn clear(&self) -> larder::Result<()> {
        Ok(())
    }
}

fn main() {}
