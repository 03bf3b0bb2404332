#[derive(larder::FromRow)]
struct Item {
    id: i64,
    #[larder(rename = "id")]
    other_id: i64,
}

fn main() {}
