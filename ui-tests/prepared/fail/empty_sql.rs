struct Store {
    db: larder::Db,
}

#[larder::storage]
impl Store {
    #[prepared("  -- nothing here\n")]
    async fn nothing(&self) -> larder::Result<()>;
}

fn main() {}
