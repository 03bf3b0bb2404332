//! `sql!` text naming a column the schema does not have.
const Q: cachet::Sql = cachet::sql!("SELECT nme FROM items");

fn main() {
    let _ = Q;
}
