//! `#[sql_const]` marks `&str` constants holding a string literal.
#[larder::sql_const]
const Q: &[u8] = b"SELECT 1";

fn main() {}
