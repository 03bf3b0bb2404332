#[derive(cachet::FromRow)]
struct Item {
    id: i64,
    #[cachet(rename = "id")]
    other_id: i64,
}

fn main() {}
