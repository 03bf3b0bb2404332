#[derive(larder::FromRow)]
struct Item {
    id: i64,
    ttl: std::time::Duration,
}

fn main() {}
