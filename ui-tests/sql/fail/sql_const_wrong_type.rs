//! `#[sql_const]` marks `&str` constants holding a string literal.
#[cachet::sql_const]
const Q: &[u8] = b"SELECT 1";

fn main() {}
