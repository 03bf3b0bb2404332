//! Rows are read into owned values.
#[derive(larder::FromRow)]
struct Item<'a> {
    id: i64,
    name: &'a str,
}

fn main() {}
