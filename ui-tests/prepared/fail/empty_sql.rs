struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[prepared("  -- nothing here\n")]
    async fn nothing(&self) -> cachet::Result<()>;
}

fn main() {}
