//! `sql!` text the engine rejects.
const Q: cachet::Sql = cachet::sql!("SELECT id FROM items WHERE");

fn main() {
    let _ = Q;
}
