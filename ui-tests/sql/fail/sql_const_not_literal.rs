//! The value must be a literal the macro can read.
#[larder::sql_const]
const Q: &str = concat!("SELECT ", "1");

fn main() {}
