#[derive(larder::FromRow)]
struct Item {
    #[larder(column = "item_id")]
    id: i64,
}

fn main() {}
