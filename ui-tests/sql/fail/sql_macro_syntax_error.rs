//! `sql!` text the engine rejects.
const Q: larder::Sql = larder::sql!("SELECT id FROM items WHERE");

fn main() {
    let _ = Q;
}
