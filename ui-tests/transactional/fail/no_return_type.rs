struct Store {
    db: cachet::Db,
}

#[cachet::storage]
impl Store {
    #[batch]
    async fn clear(&self) {}
}

fn main() {}
