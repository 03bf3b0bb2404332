#[derive(cachet::FromRow)]
struct Pair(i64, String);

fn main() {}
