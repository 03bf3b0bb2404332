#[derive(larder::FromRow)]
struct Pair(i64, String);

fn main() {}
