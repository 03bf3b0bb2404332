//! `sql!` text naming a column the schema does not have.
const Q: larder::Sql = larder::sql!("SELECT nme FROM items");

fn main() {
    let _ = Q;
}
