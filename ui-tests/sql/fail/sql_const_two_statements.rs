//! One statement per constant.
#[larder::sql_const]
const Q: &str = "DELETE FROM items; DELETE FROM tags";

fn main() {}
