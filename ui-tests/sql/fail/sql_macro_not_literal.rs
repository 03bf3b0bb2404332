//! `sql!` sees tokens, not values.
const TEXT: &str = "SELECT 1";
const Q: larder::Sql = larder::sql!(TEXT);

fn main() {
    let _ = Q;
}
