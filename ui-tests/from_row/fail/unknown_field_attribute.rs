#[derive(cachet::FromRow)]
struct Item {
    #[cachet(column = "item_id")]
    id: i64,
}

fn main() {}
