struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[batch]
    fn clear(&self) -> cachet::Result<()> {
        Ok(())
    }
}

fn main() {}
