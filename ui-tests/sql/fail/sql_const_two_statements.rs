//! One statement per constant.
#[cachet::sql_const]
const Q: &str = "DELETE FROM items; DELETE FROM tags";

fn main() {}
